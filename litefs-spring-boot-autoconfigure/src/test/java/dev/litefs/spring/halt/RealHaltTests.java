package dev.litefs.spring.halt;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.litefs.spring.halt.LiteFsHaltException.Reason;
import dev.litefs.spring.test.VirtualThreads;
import dev.litefs.spring.test.cluster.LiteFsCluster;
import dev.litefs.spring.test.cluster.RealLiteFs;
import dev.litefs.spring.testapp.Posts;
import dev.litefs.spring.testapp.PostsCluster;
import dev.litefs.spring.testapp.TestNode;
import io.micrometer.observation.tck.TestObservationRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;
import org.sqlite.SQLiteException;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;

import static io.micrometer.observation.tck.TestObservationRegistryAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * {@link LiteFsHalt} on a real two-node LiteFS cluster: the replica's app writes under
 * the HALT lock, and the lock is given back however the block ends, so that the
 * primary's own writes go on.
 */
@RealLiteFs
class RealHaltTests {

	static PostsCluster posts;

	static LiteFsCluster cluster;

	static TestNode replica;

	static LiteFsHalt halt;

	static JdbcTemplate replicaJdbc;

	static TestObservationRegistry observations;

	@BeforeAll
	static void start() throws SQLException {
		posts = PostsCluster.start("app.db", "wal.db");
		cluster = posts.cluster();
		replica = posts.app(List.of(Observed.class), cluster.node(1), "app.db", "litefs.routing.strategy=reject",
				"litefs.halt.max-hold=2s", "litefs.halt.wait-timeout=1s",
				"litefs.halt.ensure-primary-outside-requests=true");
		halt = replica.bean(LiteFsHalt.class);
		replicaJdbc = replica.bean(JdbcTemplate.class);
		observations = replica.bean(TestObservationRegistry.class);
	}

	@AfterAll
	static void stop() {
		if (posts != null) {
			posts.close();
		}
	}

	@BeforeEach
	void clear() {
		observations.clear();
	}

	@Test
	void aBlockOnTheReplicaWritesUnderTheLockAndTheRowReachesThePrimaryThenTheReplica() throws Exception {
		assertThat(replica.node().state().role().id()).isEqualTo("replica");

		int inserted = halt.call(() -> insertOnReplica("halted"));

		assertThat(inserted).isEqualTo(1);
		assertThat(primaryCount("halted")).as("on the primary").isEqualTo(1);
		await().atMost(Duration.ofSeconds(10)).until(() -> replicaCount("halted") == 1);
		assertThat(observations).hasObservationWithNameEqualTo(LiteFsHalt.ACQUIRE_OBSERVATION)
			.that()
			.hasLowCardinalityKeyValue("outcome", "acquired")
			.hasBeenStopped();
		assertThat(observations).hasObservationWithNameEqualTo(LiteFsHalt.HOLD_OBSERVATION)
			.that()
			.hasLowCardinalityKeyValue("outcome", "released");
	}

	@Test
	void theSameWriteWithoutTheLockFailsWithSqlitesOwnError() throws Exception {
		assertThatExceptionOfType(DataAccessException.class).isThrownBy(() -> insertOnReplica("unlocked"))
			.satisfies((ex) -> assertThat(NestedExceptionUtils.getMostSpecificCause(ex))
				.isInstanceOf(SQLiteException.class)
				.hasMessageContaining("SQLITE_READONLY"));
		assertThat(primaryCount("unlocked")).isZero();
	}

	@Test
	void twoThreadsTakeTurnsAndAThirdGivesUpAfterTheWaitTimeout() throws Exception {
		List<long[]> holds = new CopyOnWriteArrayList<>();
		CountDownLatch firstHolds = new CountDownLatch(1);
		CompletableFuture<Void> first = CompletableFuture.runAsync(() -> halt.run(() -> {
			long from = System.nanoTime();
			firstHolds.countDown();
			insertOnReplica("turn");
			sleep(600);
			holds.add(new long[] { from, System.nanoTime() });
		}));
		assertThat(firstHolds.await(15, TimeUnit.SECONDS)).isTrue();
		CompletableFuture<Void> second = CompletableFuture.runAsync(() -> halt.run(() -> {
			long from = System.nanoTime();
			insertOnReplica("turn");
			holds.add(new long[] { from, System.nanoTime() });
		}));
		first.get(20, TimeUnit.SECONDS);
		second.get(20, TimeUnit.SECONDS);

		assertThat(holds).hasSize(2);
		assertThat(holds.get(1)[0]).as("the second began after the first ended").isGreaterThan(holds.get(0)[1]);
		assertThat(primaryCount("turn")).isEqualTo(2);

		CountDownLatch holding = new CountDownLatch(1);
		CompletableFuture<Void> long_ = CompletableFuture.runAsync(() -> halt.run(() -> {
			holding.countDown();
			sleep(1800);
		}));
		assertThat(holding.await(15, TimeUnit.SECONDS)).isTrue();
		assertThatExceptionOfType(LiteFsHaltException.class).isThrownBy(() -> halt.run(() -> insertOnReplica("late")))
			.satisfies((ex) -> assertThat(ex.reason()).as(ex.getMessage()).isEqualTo(Reason.BUSY))
			.withMessageContaining("litefs.halt.wait-timeout");
		long_.get(20, TimeUnit.SECONDS);
		assertThat(primaryCount("late")).isZero();
		assertThat(observations).hasAnObservation((observation) -> observation
			.hasNameEqualTo(LiteFsHalt.ACQUIRE_OBSERVATION)
			.hasLowCardinalityKeyValue("outcome", "busy")
			.hasError());
	}

	@Test
	void theHoldBoundReleasesTheLockAndTheBlocksLaterWritesAreRefused() throws Exception {
		long start = System.nanoTime();
		assertThatExceptionOfType(LiteFsHaltException.class).isThrownBy(() -> halt.run(() -> {
			insertOnReplica("before the bound");
			sleep(3000);
			insertOnReplica("after the bound");
		})).satisfies((ex) -> {
			assertThat(ex.reason()).as(ex.getMessage()).isEqualTo(Reason.HOLD_EXCEEDED);
			assertThat(ex).hasMessageContaining("litefs.halt.max-hold (PT2S)");
			assertThat(NestedExceptionUtils.getMostSpecificCause(ex)).as("the refused write")
				.isInstanceOf(SQLiteException.class);
		});

		assertThat(primaryCount("before the bound")).isEqualTo(1);
		assertThat(primaryCount("after the bound")).isZero();
		assertThat(observations).hasObservationWithNameEqualTo(LiteFsHalt.HOLD_OBSERVATION)
			.that()
			.hasLowCardinalityKeyValue("outcome", "hold-exceeded");
		assertPrimaryWritesAtOnce("after the bound passed");
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
	}

	@Test
	void aThrowingBlockReleasesTheLock() throws Exception {
		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> halt.run(() -> {
			insertOnReplica("then it threw");
			throw new IllegalStateException("the job failed");
		})).withMessage("the job failed");

		assertThat(observations).hasObservationWithNameEqualTo(LiteFsHalt.HOLD_OBSERVATION)
			.that()
			.hasLowCardinalityKeyValue("outcome", "threw");
		assertPrimaryWritesAtOnce("after the block threw");
		assertThat(halt.call(() -> insertOnReplica("next holder"))).isEqualTo(1);
	}

	@Test
	void thePrimarysWritesWaitWhileTheReplicaHoldsTheLockAndGoOnAfterIt() throws Exception {
		CountDownLatch holding = new CountDownLatch(1);
		long[] released = new long[1];
		CompletableFuture<Void> block = CompletableFuture.runAsync(() -> halt.run(() -> {
			holding.countDown();
			insertOnReplica("replica during hold");
			sleep(1000);
			released[0] = System.nanoTime();
		}));
		assertThat(holding.await(15, TimeUnit.SECONDS)).isTrue();
		sleep(200);

		primarySql("insert into posts (title, node) values ('primary during hold', 'node-a')");
		long written = System.nanoTime();
		block.get(20, TimeUnit.SECONDS);

		assertThat(written).as("the primary's write completed once the lock was released")
			.isGreaterThan(released[0]);
		assertThat(primaryCount("primary during hold")).isEqualTo(1);
		assertThat(primaryCount("replica during hold")).isEqualTo(1);
		await().atMost(Duration.ofSeconds(10)).until(() -> replicaCount("primary during hold") == 1);
	}

	@Test
	void anEnsurePrimaryMethodCalledOutsideARequestRunsUnderTheLockWhenOptedIn() throws Exception {
		long id = replica.bean(Posts.class).create("job on the replica");

		assertThat(id).isPositive();
		assertThat(primaryCount("job on the replica")).isEqualTo(1);
		assertThat(observations).hasObservationWithNameEqualTo(LiteFsHalt.HOLD_OBSERVATION);
	}

	@Test
	void aPrimaryThatCannotHaltInTimeGetsAClearRefusal() throws Exception {
		try (Connection writer = primary(); Statement statement = writer.createStatement()) {
			// the primary's own write transaction keeps LiteFS from halting it
			statement.execute("begin immediate");
			statement.execute("insert into posts (title, node) values ('long transaction', 'node-a')");

			assertThatExceptionOfType(LiteFsHaltException.class)
				.isThrownBy(() -> halt.run(() -> insertOnReplica("refused")))
				.satisfies((ex) -> assertThat(ex.reason()).as(ex.getMessage()).isEqualTo(Reason.REFUSED))
				.withMessageContaining("did not halt its writes in time");
			statement.execute("commit");
		}
		assertThat(primaryCount("refused")).isZero();
		assertThat(observations).hasObservationWithNameEqualTo(LiteFsHalt.ACQUIRE_OBSERVATION)
			.that()
			.hasLowCardinalityKeyValue("outcome", "refused")
			.hasError();
		assertThat(halt.call(() -> insertOnReplica("after a refusal"))).isEqualTo(1);
	}

	@Test
	@EnabledForJreRange(min = JRE.JAVA_21)
	void virtualThreadsTakeTurnsUnderTheLockAndEachWriteReachesThePrimary() throws Exception {
		List<Throwable> failures = new CopyOnWriteArrayList<>();
		List<Thread> callers = new ArrayList<>();
		for (int i = 0; i < 4; i++) {
			Thread caller = VirtualThreads.unstarted(() -> {
				try {
					halt.call(() -> insertOnReplica("virtual turn"));
				}
				catch (Throwable ex) {
					failures.add(ex);
				}
			});
			caller.start();
			callers.add(caller);
		}
		for (Thread caller : callers) {
			caller.join(10_000);
		}

		assertThat(failures).isEmpty();
		assertThat(primaryCount("virtual turn")).isEqualTo(4);
		assertPrimaryWritesAtOnce("after the virtual turns");
	}

	@Test
	void aCallerInterruptedWhileLiteFsTakesTheLockGetsAFailureAndTheNextCallerTheLock() throws Exception {
		interruptedWhileLiteFsTakesTheLock("platform");
	}

	@Test
	@EnabledForJreRange(min = JRE.JAVA_21)
	void aVirtualThreadInterruptedWhileLiteFsTakesTheLockGetsAFailureAndTheNextCallerTheLock() throws Exception {
		interruptedWhileLiteFsTakesTheLock("virtual");
	}

	private void interruptedWhileLiteFsTakesTheLock(String kind) throws Exception {
		CompletableFuture<LiteFsHaltException> interrupted = new CompletableFuture<>();
		Runnable call = () -> {
			try {
				halt.run(() -> insertOnReplica("interrupted"));
				interrupted.completeExceptionally(new AssertionError("the block ran"));
			}
			catch (LiteFsHaltException ex) {
				interrupted.complete(ex);
			}
		};
		Thread caller = kind.equals("virtual") ? VirtualThreads.unstarted(call) : new Thread(call);
		try (Connection writer = primary(); Statement statement = writer.createStatement()) {
			// the primary's own write transaction keeps the lock request waiting inside LiteFS (10 s at most)
			statement.execute("begin immediate");
			statement.execute("insert into posts (title, node) values ('held a while', 'node-a')");
			caller.start();
			sleep(500);
			// neither the interrupt nor the caller's failure waits for LiteFS's answer
			CompletableFuture<Void> interrupting = CompletableFuture.runAsync(caller::interrupt);
			LiteFsHaltException ex = interrupted.get(5, TimeUnit.SECONDS);
			interrupting.get(5, TimeUnit.SECONDS);
			assertThat(ex.reason()).as(ex.getMessage()).isEqualTo(Reason.FAILED);
			assertThat(ex).hasMessageContaining("Interrupted while LiteFS was taking the HALT lock");
			statement.execute("commit");
		}
		caller.join(5000);

		assertThat(primaryCount("interrupted")).isZero();
		assertThat(halt.call(() -> insertOnReplica("after an interrupt of a " + kind + " thread"))).isEqualTo(1);
		assertThat(primaryCount("after an interrupt of a " + kind + " thread")).isEqualTo(1);
	}

	@Test
	void inWalModeTooTheBlockWritesUnderTheLockAndTheUnlockedWriteFails() throws Exception {
		LiteFsCluster.Node nodeB = cluster.node(1);
		try (TestNode walReplica = TestNode.start(nodeB.mountDir(), "wal.db", "node-b",
				"litefs.api-url=" + nodeB.apiUrl(), "litefs.routing.strategy=reject")) {
			JdbcTemplate jdbc = walReplica.bean(JdbcTemplate.class);
			String insert = "insert into posts (title, node) values ('wal', 'node-b')";
			assertThatExceptionOfType(DataAccessException.class).isThrownBy(() -> jdbc.update(insert))
				.satisfies((ex) -> assertThat(NestedExceptionUtils.getMostSpecificCause(ex))
					.hasMessageContaining("SQLITE_IOERR"));

			assertThat(walReplica.bean(LiteFsHalt.class).call(() -> jdbc.update(insert))).isEqualTo(1);

			try (Connection connection = posts.connectToPrimary("wal.db");
					Statement statement = connection.createStatement();
					ResultSet result = statement.executeQuery("select count(*) from posts where title = 'wal'")) {
				result.next();
				assertThat(result.getLong(1)).as("on the primary").isEqualTo(1);
			}
			await().atMost(Duration.ofSeconds(10))
				.until(() -> jdbc.queryForObject("select count(*) from posts where title = 'wal'", Long.class) == 1);
		}
	}

	/** A write on the primary with a 3 s busy timeout: a lock still held would outlast it. */
	private static void assertPrimaryWritesAtOnce(String title) throws SQLException {
		long from = System.nanoTime();
		primarySql("insert into posts (title, node) values ('" + title + "', 'node-a')");
		assertThat(Duration.ofNanos(System.nanoTime() - from)).isLessThan(Duration.ofSeconds(3));
		assertThat(primaryCount(title)).isEqualTo(1);
	}

	private static int insertOnReplica(String title) {
		return replicaJdbc.update("insert into posts (title, node) values (?, 'node-b')", title);
	}

	private static long replicaCount(String title) {
		return replicaJdbc.queryForObject("select count(*) from posts where title = ?", Long.class, title);
	}

	private static long primaryCount(String title) throws SQLException {
		try (Connection connection = primary(); Statement statement = connection.createStatement();
				ResultSet result = statement
					.executeQuery("select count(*) from posts where title = '" + title.replace("'", "''") + "'")) {
			result.next();
			return result.getLong(1);
		}
	}

	private static void primarySql(String sql) throws SQLException {
		try (Connection connection = primary(); Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
	}

	private static Connection primary() throws SQLException {
		return posts.connectToPrimary("app.db");
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class Observed {

		@Bean
		TestObservationRegistry observationRegistry() {
			return TestObservationRegistry.create();
		}

	}

}
