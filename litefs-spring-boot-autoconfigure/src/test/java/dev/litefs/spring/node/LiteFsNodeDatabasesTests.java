package dev.litefs.spring.node;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.litefs.spring.test.FakeLiteFsApi;
import dev.litefs.spring.test.FakeLiteFsMount;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Several databases on one mount: each known database's position, from LiteFS's
 * {@code tx} events (a fake API on loopback) and from its {@code <db>-pos} (a fake mount).
 */
class LiteFsNodeDatabasesTests {

	private static final Duration NEVER = Duration.ofHours(1);

	@TempDir
	Path dir;

	FakeLiteFsApi api;

	LiteFsNode node;

	@AfterEach
	void stop() {
		if (this.node != null) {
			this.node.stop();
		}
		if (this.api != null) {
			this.api.close();
		}
	}

	/** A replica node on a fake API, its stream connected. */
	LiteFsNode streaming(Duration pollInterval) {
		this.api = FakeLiteFsApi.start(false);
		this.node = new LiteFsNode(new LiteFsMount(this.dir, "app.db"), "node-b",
				new LiteFsApi(this.api.url(), Duration.ofSeconds(2)), pollInterval, (event) -> {
				});
		this.node.start();
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.node.eventStream().orElseThrow().connected() && this.api.openStreams() == 1);
		return this.node;
	}

	/** A node without API: the files only. */
	LiteFsNode files(Duration pollInterval) {
		this.node = new LiteFsNode(new LiteFsMount(this.dir, "app.db"), "node-b", null, pollInterval, (event) -> {
		});
		return this.node;
	}

	@Test
	void aTxEventOfAnotherDatabaseMovesOnlyItsPositionAndReleasesOnlyItsWaiters() throws Exception {
		FakeLiteFsMount.replicaOf(this.dir, "node-a").txid(5).txid("tenant-1.db", 3);
		streaming(NEVER).addDatabase("tenant-1.db");
		CompletableFuture<Boolean> tenant = this.node.await("tenant-1.db", 4, Duration.ofSeconds(20));
		CompletableFuture<Boolean> main = this.node.await(6, Duration.ofSeconds(20));

		this.api.tx("tenant-1.db", 4);

		assertThat(tenant.get(10, TimeUnit.SECONDS)).isTrue();
		assertThat(this.node.position("tenant-1.db").txid()).isEqualTo(4);
		assertThat(this.node.position("tenant-1.db").checksum()).as("the event's checksum").isEqualTo(4 * 31);
		assertThat(this.node.currentPosition("tenant-1.db").txid()).as("the file was never written").isEqualTo(3);
		assertThat(main).as("the main database did not move").isNotDone();
		assertThat(this.node.position("app.db").txid()).isEqualTo(5);
		assertThat(this.node.state().position().txid()).isEqualTo(5);

		this.api.tx("app.db", 6);
		assertThat(main.get(10, TimeUnit.SECONDS)).isTrue();
		assertThat(this.node.position("tenant-1.db").txid()).isEqualTo(4);
	}

	@Test
	void aTxEventOfAnUnknownDatabaseMakesItKnown() throws Exception {
		FakeLiteFsMount.replicaOf(this.dir, "node-a").txid(5);
		streaming(NEVER).addDatabase("cache.db");
		assertThat(this.node.databases()).containsExactly("app.db", "cache.db");

		this.api.tx("tenant-9.db", 0x2b);

		await().atMost(Duration.ofSeconds(10)).until(() -> this.node.databases().contains("tenant-9.db"));
		assertThat(this.node.databases()).containsExactly("app.db", "cache.db", "tenant-9.db");
		assertThat(this.node.position("tenant-9.db").txid()).isEqualTo(0x2b);
		assertThat(this.node.positions()).containsOnlyKeys("app.db", "cache.db", "tenant-9.db");
		assertThat(this.node.positions().get("tenant-9.db").txid()).isEqualTo(0x2b);
	}

	@Test
	void aTxEventNeverMovesAPositionBack() throws Exception {
		FakeLiteFsMount.replicaOf(this.dir, "node-a").txid(5);
		streaming(NEVER);
		this.api.tx("b.db", 9);
		this.api.tx("b.db", 7);
		this.api.tx("app.db", 6);

		await().atMost(Duration.ofSeconds(10)).until(() -> this.node.state().position().txid() == 6);
		assertThat(this.node.position("b.db").txid()).isEqualTo(9);
	}

	@Test
	void whileTheStreamIsDownThePollReadsEveryKnownDatabase() throws Exception {
		FakeLiteFsMount mount = FakeLiteFsMount.replicaOf(this.dir, "node-a").txid(5).txid("b.db", 1).txid("c.db", 1);
		streaming(Duration.ofMillis(50));
		this.node.addDatabase("b.db");
		this.node.addDatabase("c.db");
		this.api.stop();
		await().atMost(Duration.ofSeconds(10)).until(() -> !this.node.eventStream().orElseThrow().connected());

		mount.txid("b.db", 8).txid("c.db", 4);

		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.node.position("b.db").txid() == 8 && this.node.position("c.db").txid() == 4);
	}

	@Test
	void eachReconnectReadsEveryKnownDatabase() throws Exception {
		FakeLiteFsMount mount = FakeLiteFsMount.replicaOf(this.dir, "node-a").txid(5).txid("b.db", 1);
		streaming(NEVER).addDatabase("b.db");
		this.api.stop();
		await().atMost(Duration.ofSeconds(10)).until(() -> !this.node.eventStream().orElseThrow().connected());
		mount.txid("b.db", 8);

		this.api.restart();

		await().atMost(Duration.ofSeconds(10)).until(() -> this.node.position("b.db").txid() == 8);
	}

	@Test
	void stopLiteFsRemovesEveryPositionFile() {
		FakeLiteFsMount mount = FakeLiteFsMount.replicaOf(this.dir, "node-a").txid(5).txid("b.db", 1);
		files(NEVER);

		mount.stopLiteFs();

		assertThat(this.dir.resolve("b.db-pos")).doesNotExist();
		assertThat(this.node.currentPosition("b.db")).isEqualTo(Position.ZERO);
		assertThat(this.node.servesDatabase("b.db")).as("the file stays, but LiteFS serves no position").isFalse();
	}

	@Test
	void whileTheStreamIsUpThePollReadsOnlyTheMainDatabase() throws Exception {
		FakeLiteFsMount mount = FakeLiteFsMount.replicaOf(this.dir, "node-a").txid(5).txid("b.db", 1);
		streaming(Duration.ofMillis(20)).addDatabase("b.db");

		mount.txid("b.db", 8);
		Thread.sleep(500);

		assertThat(this.node.position("b.db").txid()).as("only an event moves it while the stream is up")
			.isEqualTo(1);
		assertThat(this.node.currentPosition("b.db").txid()).isEqualTo(8);
	}

	@Test
	void aWaiterOfAnotherDatabaseIsReleasedByTheFilesWhileTheStreamIsDown() throws Exception {
		FakeLiteFsMount mount = FakeLiteFsMount.replicaOf(this.dir, "node-a").txid(5).txid("b.db", 1);
		streaming(NEVER);
		List<CompletableFuture<Boolean>> waits = new ArrayList<>();
		for (int i = 0; i < 10; i++) {
			waits.add(this.node.await("b.db", 3, Duration.ofSeconds(30)));
		}
		assertThat(this.node.databases()).as("waiting makes it known").contains("b.db");
		this.api.stop();

		mount.txid("b.db", 3);

		for (CompletableFuture<Boolean> wait : waits) {
			assertThat(wait.get(10, TimeUnit.SECONDS)).isTrue();
		}
	}

	@Test
	void aWaitEndsFalseAtItsDeadlineAndWhenTheNodeStops() throws Exception {
		FakeLiteFsMount.replicaOf(this.dir, "node-a").txid(5).txid("b.db", 1);
		streaming(NEVER);
		assertThat(this.node.await("b.db", 2, Duration.ofMillis(50)).get(10, TimeUnit.SECONDS)).isFalse();
		assertThat(this.node.await("b.db", 1, Duration.ofMillis(50)).get(10, TimeUnit.SECONDS))
			.as("reached already")
			.isTrue();

		CompletableFuture<Boolean> pending = this.node.await("b.db", 2, Duration.ofSeconds(30));
		this.node.stop();
		assertThat(pending.get(10, TimeUnit.SECONDS)).isFalse();
	}

	@Test
	void aKnownDatabaseStartsAtItsFilesPosition() {
		FakeLiteFsMount.primary(this.dir).txid(5).txid("b.db", 7);
		files(NEVER);
		assertThat(this.node.position("b.db")).as("not known yet").isEqualTo(Position.ZERO);

		this.node.addDatabase("b.db");

		assertThat(this.node.position("b.db").txid()).isEqualTo(7);
		assertThat(this.node.position("b.db").checksum()).isEqualTo(FakeLiteFsMount.checksumOf(7));
	}

	@Test
	void databasesListsTheMainOneFirstThenInTheOrderLearnt() {
		FakeLiteFsMount.primary(this.dir);
		files(NEVER);
		this.node.addDatabase("z.db");
		this.node.addDatabase("app.db");
		this.node.addDatabase("a.db");
		this.node.addDatabase("z.db");

		assertThat(this.node.databases()).containsExactly("app.db", "z.db", "a.db");
		assertThat(this.node.positions().keySet()).as("sorted by name").containsExactly("a.db", "app.db", "z.db");
		assertThatExceptionOfType(UnsupportedOperationException.class)
			.isThrownBy(() -> this.node.databases().add("x.db"));
	}

	@ParameterizedTest
	@ValueSource(strings = { "", " ", "dir/b.db", "../b.db", "b.db-pos", "b.db-lock", "b.db-journal", "b.db-wal",
			"b.db-shm", "." })
	void aNameThatIsNotADatabaseIsRefused(String name) {
		FakeLiteFsMount.primary(this.dir);
		files(NEVER);

		assertThatIllegalArgumentException().isThrownBy(() -> this.node.addDatabase(name))
			.withMessageContaining("database name");
		assertThatIllegalArgumentException().isThrownBy(() -> this.node.await(name, 1, Duration.ofSeconds(1)));
		assertThat(this.node.servesDatabase(name)).isFalse();
		assertThat(this.node.position(name)).isEqualTo(Position.ZERO);
		assertThat(this.node.databases()).containsExactly("app.db");
	}

	@Test
	void servesDatabaseReadsTheMountNow() throws Exception {
		FakeLiteFsMount mount = FakeLiteFsMount.replicaOf(this.dir, "node-a").txid(5).txid("b.db", 2);
		files(NEVER);

		assertThat(this.node.servesDatabase("app.db")).as("its -pos").isTrue();
		assertThat(this.node.servesDatabase("b.db")).isTrue();
		assertThat(this.node.servesDatabase("c.db")).isFalse();

		mount.removeDatabase("b.db");
		assertThat(this.node.servesDatabase("b.db")).as("filtered out by lease.databases").isFalse();

		// what LiteFS leaves where an application opened a database it does not replicate
		Files.createFile(this.dir.resolve("d.db"));
		mount.write("d.db-pos", "0000000000000000/0000000000000000\n");
		assertThat(this.node.servesDatabase("d.db")).as("an empty local file at position zero").isFalse();
	}

	@Test
	void catchUpMovesAnotherDatabaseForwardToItsFile() {
		FakeLiteFsMount mount = FakeLiteFsMount.primary(this.dir).txid(5).txid("b.db", 2);
		files(NEVER).addDatabase("b.db");
		mount.txid("b.db", 6);
		assertThat(this.node.position("b.db").txid()).isEqualTo(2);

		assertThat(this.node.catchUp("b.db").txid()).isEqualTo(6);
		assertThat(this.node.position("b.db").txid()).isEqualTo(6);

		mount.txid(9);
		assertThat(this.node.catchUp("app.db").txid()).as("the main database").isEqualTo(9);
		assertThat(this.node.state().position().txid()).isEqualTo(9);
	}

	@Test
	void recordedPositionOfAnotherDatabase() {
		FakeLiteFsMount mount = FakeLiteFsMount.replicaOf(this.dir, "node-a").txid(5).txid("b.db", 2);
		files(NEVER);

		assertThat(this.node.recordedPosition("b.db").txid()).isEqualTo(2);
		assertThat(this.node.recordedPosition("new.db")).as("not created yet").isEqualTo(Position.ZERO);

		mount.delete("b.db-pos");
		assertThatExceptionOfType(LiteFsFileException.class).isThrownBy(() -> this.node.recordedPosition("b.db"))
			.withMessageContaining("b.db-pos");
	}

	@Test
	void aHundredDatabasesEachFollowTheirOwnEvents() throws Exception {
		FakeLiteFsMount.replicaOf(this.dir, "node-a").txid(5);
		streaming(NEVER);
		List<CompletableFuture<Boolean>> waits = new ArrayList<>();
		for (int i = 0; i < 100; i++) {
			waits.add(this.node.await("tenant-" + i + ".db", 10 + i, Duration.ofSeconds(30)));
		}
		for (int i = 0; i < 100; i++) {
			this.api.tx("tenant-" + i + ".db", 10 + i);
		}
		for (CompletableFuture<Boolean> wait : waits) {
			assertThat(wait.get(10, TimeUnit.SECONDS)).isTrue();
		}
		assertThat(this.node.databases()).hasSize(101);
		assertThat(this.node.position("tenant-42.db").txid()).isEqualTo(52);
		assertThat(this.node.fallbackPolling()).isFalse();
	}

}
