package dev.litefs.spring.node;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.litefs.spring.test.FakeLiteFsApi;
import dev.litefs.spring.test.FakeLiteFsMount;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The node fed by LiteFS's {@code GET /events}, with the files as fallback and check: on
 * a fake mount with a fake API on loopback. Unless a test is about the files, the poll
 * interval is an hour, so that only an event (or a (re)connect) can explain what the node
 * learns.
 */
@ExtendWith(OutputCaptureExtension.class)
class LiteFsNodeEventsTests {

	private static final Duration NEVER = Duration.ofHours(1);

	@TempDir
	Path dir;

	final List<LiteFsRoleChangedEvent> roleChanges = new CopyOnWriteArrayList<>();

	FakeLiteFsApi api;

	/** Thrown once by the next role change's listener. */
	volatile @Nullable Error listenerFailure;

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

	LiteFsNode start(boolean primary, Duration pollInterval) {
		return start(primary, pollInterval, Duration.ofSeconds(2));
	}

	LiteFsNode start(boolean primary, Duration pollInterval, Duration apiTimeout) {
		this.api = FakeLiteFsApi.start(primary);
		startNode(pollInterval, apiTimeout);
		awaitConnected();
		return this.node;
	}

	/** Starts a node on {@link #api}, which may misbehave from the start. */
	void startNode(Duration pollInterval, Duration apiTimeout) {
		this.node = new LiteFsNode(new LiteFsMount(this.dir, "app.db"), "node-b",
				new LiteFsApi(this.api.url(), apiTimeout), pollInterval, (event) -> {
					if (event instanceof LiteFsRoleChangedEvent change) {
						Error failure = this.listenerFailure;
						this.listenerFailure = null;
						if (failure != null) {
							throw failure;
						}
						this.roleChanges.add(change);
					}
				});
		this.node.start();
	}

	void awaitConnected() {
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.node.eventStream().orElseThrow().connected() && this.api.openStreams() == 1);
	}

	EventStreamStatus stream() {
		return this.node.eventStream().orElseThrow();
	}

	@Test
	void aTxEventReleasesAWaiterWhileTheFilesStillShowTheOldTxid() throws Exception {
		FakeLiteFsMount.replicaOf(this.dir, "node-a").txid(5);
		start(false, NEVER);
		CompletableFuture<Boolean> reached = this.node.await(7, Duration.ofSeconds(20));
		assertThat(reached).isNotDone();
		assertThat(this.node.waiting()).isEqualTo(1);

		this.api.tx("app.db", 7);

		assertThat(reached.get(10, TimeUnit.SECONDS)).isTrue();
		assertThat(this.node.state().position().txid()).isEqualTo(7);
		assertThat(this.node.currentPosition().txid()).as("the file was never written").isEqualTo(5);
		assertThat(this.node.waiting()).isZero();
	}

	@Test
	void nothingReadsThePositionFileForWaitersWhileTheStreamIsUp() throws Exception {
		FakeLiteFsMount mount = FakeLiteFsMount.replicaOf(this.dir, "node-a").txid(5);
		start(false, NEVER);
		assertThat(this.node.fallbackPolling()).isFalse();
		List<CompletableFuture<Boolean>> waits = new ArrayList<>();
		for (int i = 0; i < 100; i++) {
			waits.add(this.node.await(7, Duration.ofSeconds(30)));
		}

		Thread.sleep(500);
		assertThat(this.node.fallbackPolling()).as("a task reading <db>-pos for waiters").isFalse();

		this.api.stop();
		await().atMost(Duration.ofSeconds(10)).until(this.node::fallbackPolling);
		mount.txid(7);
		for (CompletableFuture<Boolean> wait : waits) {
			assertThat(wait.get(10, TimeUnit.SECONDS)).as("released by the fallback poll").isTrue();
		}
	}

	@Test
	void aQuietStreamStaysOpenPastTheApiTimeout() throws Exception {
		FakeLiteFsMount.replicaOf(this.dir, "node-a").txid(5);
		start(false, NEVER, Duration.ofMillis(100));

		// LiteFS sends no heartbeat: silence is no reason to drop the stream
		Thread.sleep(1000);

		assertThat(stream().connected()).isTrue();
		assertThat(stream().reconnects()).isZero();
		assertThat(this.api.connections()).isEqualTo(1);
		this.api.tx("app.db", 6);
		assertThat(this.node.await(6, Duration.ofSeconds(10)).get(15, TimeUnit.SECONDS)).isTrue();
	}

	@Test
	void eventsApplyInOrderAndThePositionOnlyMovesForward() throws Exception {
		FakeLiteFsMount.replicaOf(this.dir, "node-a").txid(5);
		start(false, NEVER);
		CompletableFuture<Boolean> six = this.node.await(6, Duration.ofSeconds(20));
		CompletableFuture<Boolean> eight = this.node.await(8, Duration.ofSeconds(20));

		this.api.tx("app.db", 6);
		assertThat(six.get(10, TimeUnit.SECONDS)).isTrue();
		assertThat(eight).isNotDone();
		this.api.tx("app.db", 8);
		this.api.tx("app.db", 7);
		assertThat(eight.get(10, TimeUnit.SECONDS)).isTrue();
		await().until(() -> stream().eventsSeen() == 4);
		assertThat(this.node.state().position().txid()).as("a late, older tx event").isEqualTo(8);
	}

	@Test
	void txEventsOfAnotherDatabaseDoNotMoveThisOne() throws Exception {
		FakeLiteFsMount.replicaOf(this.dir, "node-a").txid(5);
		start(false, NEVER);
		CompletableFuture<Boolean> reached = this.node.await(9, Duration.ofMillis(500));

		this.api.tx("other.db", 9);

		assertThat(reached.get(10, TimeUnit.SECONDS)).as("timed out").isFalse();
		assertThat(stream().eventsSeen()).isEqualTo(2);
		assertThat(this.node.state().position().txid()).isEqualTo(5);
	}

	@Test
	void garbageLinesAndUnknownTypesAreLoggedOnceAndSkipped(CapturedOutput output) throws Exception {
		FakeLiteFsMount.replicaOf(this.dir, "node-a").txid(5);
		start(false, NEVER);

		this.api.send("this is not JSON");
		this.api.send("{\"type\":\"tx\",\"db\":\"app.db\",\"data\":{\"txID\":\"zz\"}}");
		this.api.send("{\"type\":\"mystery\",\"data\":{}}");
		this.api.send("{\"type\":\"mystery\",\"data\":{}}");
		this.api.tx("app.db", 6);

		assertThat(this.node.await(6, Duration.ofSeconds(10)).get(15, TimeUnit.SECONDS)).isTrue();
		assertThat(stream().eventsSeen()).as("init and the tx").isEqualTo(2);
		assertThat(stream().reconnects()).isZero();
		assertThat(this.api.connections()).isEqualTo(1);
		assertThat(occurrences(output.getOut(), "skipping a line that is not a LiteFS event")).isEqualTo(1);
		assertThat(occurrences(output.getOut(), "skipping events of unknown type 'mystery'")).isEqualTo(1);
	}

	@Test
	void aStreamLiteFsEndsIsOpenedAgainAndTheFilesAreReadOnReconnect() {
		FakeLiteFsMount mount = FakeLiteFsMount.replicaOf(this.dir, "node-a").txid(5);
		start(false, NEVER);
		mount.txid(9);

		this.api.endStreams();

		await().atMost(Duration.ofSeconds(10)).until(() -> this.api.connections() == 2 && stream().connected());
		assertThat(this.node.state().position().txid()).as("read again on reconnect").isEqualTo(9);
		assertThat(stream().reconnects()).isEqualTo(1);
	}

	@Test
	void aStalledStreamIsCaughtByTheFilesAndOpenedAgain(CapturedOutput output) {
		FakeLiteFsMount mount = FakeLiteFsMount.replicaOf(this.dir, "node-a").txid(5);
		start(false, Duration.ofMillis(100));
		CompletableFuture<Boolean> reached = this.node.await(9, Duration.ofSeconds(20));

		// LiteFS applies TXID 9, but the open stream says nothing
		mount.txid(9);

		await().atMost(Duration.ofSeconds(10)).until(reached::isDone);
		assertThat(reached.join()).isTrue();
		await().atMost(Duration.ofSeconds(10)).until(() -> this.api.connections() == 2 && stream().connected());
		assertThat(output.getOut()).contains("no tx event announced TXID 0000000000000009");
		assertThat(this.node.state().position().txid()).isEqualTo(9);
	}

	@Test
	void whileTheApiIsAwayTheFilesArePolledAndTheStreamComesBackWithIt() throws Exception {
		FakeLiteFsMount mount = FakeLiteFsMount.replicaOf(this.dir, "node-a").txid(5);
		start(false, Duration.ofMillis(100));

		this.api.stop();
		await().atMost(Duration.ofSeconds(10)).until(() -> stream().fallbackActive());
		assertThat(stream().lastError()).isNotNull();
		CompletableFuture<Boolean> reached = this.node.await(6, Duration.ofSeconds(20));
		mount.txid(6);
		assertThat(reached.get(10, TimeUnit.SECONDS)).as("released by the fallback poll").isTrue();
		mount.becomeReplicaOf("node-c");
		await().atMost(Duration.ofSeconds(10)).until(() -> "node-c".equals(this.node.state().primary()));

		this.api.restart();
		await().atMost(Duration.ofSeconds(10)).until(() -> stream().connected());
		assertThat(stream().reconnects()).isPositive();
		this.api.tx("app.db", 7);
		assertThat(this.node.await(7, Duration.ofSeconds(10)).get(15, TimeUnit.SECONDS)).isTrue();
	}

	@Test
	void aPromotionIsPublishedAsSoonAsLiteFsSaysSoAndTheFilesAgree() {
		FakeLiteFsMount mount = FakeLiteFsMount.replicaOf(this.dir, "node-a").txid(5);
		start(false, NEVER);
		assertThat(this.node.state().role()).isEqualTo(NodeRole.REPLICA);

		mount.becomePrimary();
		this.api.primaryChange(true, "node-b");

		await().atMost(Duration.ofSeconds(10)).until(() -> !this.roleChanges.isEmpty());
		assertThat(this.roleChanges).singleElement().satisfies((change) -> {
			assertThat(change.isPromotion()).isTrue();
			assertThat(change.getPrimary()).isEqualTo("node-b");
		});
		assertThat(this.node.isPrimary()).isTrue();
	}

	@Test
	void anEventTheFilesContradictDoesNotChangeTheRole() {
		FakeLiteFsMount.replicaOf(this.dir, "node-a").txid(5);
		start(false, NEVER);

		// .primary still names node-a: the files win
		this.api.primaryChange(true, "node-b");
		this.api.tx("app.db", 6);

		await().atMost(Duration.ofSeconds(10)).until(() -> stream().eventsSeen() == 3);
		assertThat(this.node.state().role()).isEqualTo(NodeRole.REPLICA);
		assertThat(this.roleChanges).isEmpty();
	}

	@Test
	void aWriteHoldHoldsWritesFromTheVeryReadingThatShowsThePromotionUntilItEnds() {
		FakeLiteFsMount mount = FakeLiteFsMount.replicaOf(this.dir, "node-a").txid(5);
		start(false, NEVER);
		AtomicBoolean migrating = new AtomicBoolean();
		this.node.addWriteHold((previous, current) -> {
			if (!previous.role().acceptsWrites() && current.role().acceptsWrites()) {
				migrating.set(true);
			}
			return migrating.get() ? "migrating its schema" : null;
		});
		assertThat(this.node.state().writeHold()).isNull();

		mount.becomePrimary();
		this.api.primaryChange(true, "node-b");

		await().atMost(Duration.ofSeconds(10)).until(() -> !this.roleChanges.isEmpty());
		NodeState promoted = this.roleChanges.get(0).getState();
		assertThat(promoted.role()).isEqualTo(NodeRole.PRIMARY);
		assertThat(promoted.writeHold()).as("held from the very reading that shows the promotion")
			.isEqualTo("migrating its schema");
		assertThat(this.node.isPrimary()).isFalse();

		migrating.set(false);
		assertThat(this.node.isPrimary()).as("until the node checks its holds again").isFalse();
		this.node.checkWriteHolds();

		assertThat(this.node.isPrimary()).isTrue();
		assertThat(this.node.state().writeHold()).isNull();
	}

	@Nested
	class AMisbehavingApi {

		@Test
		void aLineThatNeverEndsEndsTheConnectionAndTheStreamComesBackWhenTheApiBehaves(CapturedOutput output)
				throws Exception {
			FakeLiteFsMount.replicaOf(LiteFsNodeEventsTests.this.dir, "node-a").txid(5);
			start(false, NEVER);
			FakeLiteFsApi api = LiteFsNodeEventsTests.this.api;

			api.sendEndlessLines();
			api.endStreams();

			// before: the thread buffered the line until an OutOfMemoryError ended it, "connected" all along
			await().atMost(Duration.ofSeconds(10)).until(() -> !stream().connected() && stream().lastError() != null
					&& stream().lastError().contains("a line longer than 64 KiB"));
			await().atMost(Duration.ofSeconds(10)).until(() -> api.streamDurations().size() >= 3);
			assertThat(api.mostBytesSent()).as("bytes a connection took before the node hung up")
				.isLessThan(64L * 1024 * 1024);
			assertThat(stream().fallbackActive()).isTrue();
			api.behave();
			await().atMost(Duration.ofSeconds(10)).until(() -> stream().connected());
			api.tx("app.db", 6);
			assertThat(LiteFsNodeEventsTests.this.node.await(6, Duration.ofSeconds(10)).get(15, TimeUnit.SECONDS))
				.isTrue();
			assertThat(output.getOut()).doesNotContain("OutOfMemoryError");
		}

		@ParameterizedTest
		@ValueSource(strings = { "{}", "[]", "null", "", "{\"isPrimary\":\"yes\"}", "<html>not found</html>" })
		void anInfoAnswerWithoutABooleanIsPrimaryLeavesAPrimaryByItsFilesPrimaryAndIsLoggedOnce(String body,
				CapturedOutput output) {
			FakeLiteFsMount.primary(LiteFsNodeEventsTests.this.dir);
			// it would say "not primary", if it answered as LiteFS does
			FakeLiteFsApi api = FakeLiteFsApi.start(false);
			LiteFsNodeEventsTests.this.api = api;
			api.answerEvents(404);
			api.answerInfo(body);

			startNode(Duration.ofMillis(20), Duration.ofSeconds(2));

			await().atMost(Duration.ofSeconds(10)).until(() -> api.infoRequests() >= 20 && stream().reconnects() >= 3);
			LiteFsNode node = LiteFsNodeEventsTests.this.node;
			assertThat(node.state().role()).isEqualTo(NodeRole.PRIMARY);
			assertThat(node.isPrimary()).isTrue();
			assertThat(node.state().problems()).isEmpty();
			assertThat(stream().connected()).isFalse();
			assertThat(stream().lastError()).contains("404");
			assertThat(occurrences(output.getOut(), "answered what is not LiteFS's answer (")).isOne();
			assertThat(occurrences(output.getOut(), "unavailable (")).isOne();
		}

		@Test
		void aStreamThatEndsRightAfterInitIsOpenedAgainWithABackoffAndItsOutageLoggedOnce(CapturedOutput output)
				throws Exception {
			FakeLiteFsMount.replicaOf(LiteFsNodeEventsTests.this.dir, "node-a").txid(5);
			FakeLiteFsApi api = FakeLiteFsApi.start(false);
			LiteFsNodeEventsTests.this.api = api;
			api.endEachStreamAfterInit();

			startNode(NEVER, Duration.ofSeconds(2));
			await().atMost(Duration.ofSeconds(10)).until(() -> api.connections() >= 2);
			Thread.sleep(5000);

			// waits of 50 ms, 100 ms, ... 2 s: 6 to 12 connections in 5 s (before: one every 40 ms, 125)
			int connections = api.connections();
			assertThat(connections).isBetween(4, 15);
			assertThat(stream().reconnects()).isBetween(connections - 1L, connections + 0L);
			assertThat(outageLines(output)).hasSize(2)
				.satisfiesExactly((connected) -> assertThat(connected).endsWith(api.url() + " connected"),
						(lost) -> assertThat(lost).contains(api.url() + " lost (LiteFS ended the event stream)"));

			api.behave();
			await().atMost(Duration.ofSeconds(10)).until(() -> stream().connected());
			await().atMost(Duration.ofSeconds(15)).until(() -> outageLines(output).size() == 3);
			assertThat(outageLines(output).get(2)).contains(api.url() + " back: connected since");
		}

		@Test
		void theApiTimeoutBoundsTheWholeWaitForInitWhileBytesTrickleIn() {
			FakeLiteFsMount.replicaOf(LiteFsNodeEventsTests.this.dir, "node-a").txid(5);
			FakeLiteFsApi api = FakeLiteFsApi.start(false);
			LiteFsNodeEventsTests.this.api = api;
			api.trickle(Duration.ofMillis(300));

			startNode(NEVER, Duration.ofSeconds(1));

			// before: each space restarted the read's timeout, and the stream held the node for good
			await().atMost(Duration.ofSeconds(10)).until(() -> api.streamDurations().size() >= 2);
			assertThat(api.streamDurations()).allSatisfy((open) -> assertThat(open).isLessThan(Duration.ofSeconds(3)));
			assertThat(stream().connected()).isFalse();
			assertThat(stream().lastError()).contains("no init event within 1000ms");
			assertThat(LiteFsNodeEventsTests.this.node.state().role()).isEqualTo(NodeRole.REPLICA);
		}

		@Test
		void anErrorOnTheStreamsThreadDoesNotEndIt(CapturedOutput output) throws Exception {
			FakeLiteFsMount mount = FakeLiteFsMount.replicaOf(LiteFsNodeEventsTests.this.dir, "node-a").txid(5);
			start(false, NEVER);
			FakeLiteFsApi api = LiteFsNodeEventsTests.this.api;
			LiteFsNodeEventsTests.this.listenerFailure = new OutOfMemoryError("a listener of role changes");

			mount.becomePrimary();
			api.primaryChange(true, "node-b");

			// before: the Error ended the thread, and the stream never came back
			await().atMost(Duration.ofSeconds(10)).until(() -> api.connections() == 2 && stream().connected());
			assertThat(output.getOut()).contains("lost (java.lang.OutOfMemoryError: a listener of role changes)");
			api.tx("app.db", 6);
			assertThat(LiteFsNodeEventsTests.this.node.await(6, Duration.ofSeconds(10)).get(15, TimeUnit.SECONDS))
				.isTrue();
			assertThat(LiteFsNodeEventsTests.this.node.isPrimary()).isTrue();
		}

		/** What the stream logged at INFO or WARN: its outages, once each. */
		private List<String> outageLines(CapturedOutput output) {
			return output.getOut()
				.lines()
				.filter((line) -> line.contains("LiteFS event stream") && (line.contains("INFO") || line.contains("WARN")))
				.toList();
		}

	}

	private static int occurrences(String text, String part) {
		int count = 0;
		for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
			count++;
		}
		return count;
	}

}
