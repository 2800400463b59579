package dev.litefs.benchmarks;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.litefs.spring.halt.HaltObservations;
import dev.litefs.spring.halt.LiteFsHalt;
import dev.litefs.spring.node.LiteFsApi;
import dev.litefs.spring.node.LiteFsMount;
import dev.litefs.spring.node.LiteFsNode;
import dev.litefs.spring.node.NodeRole;
import dev.litefs.spring.test.cluster.LiteFsCluster;

/**
 * Part 6: what a write under LiteFS's HALT lock costs, on a real two-node LiteFS
 * cluster on loopback: {@link LiteFsHalt} on the replica, as the starter configures it,
 * over plain sqlite-jdbc connections. How long the lock takes to acquire, a one-row
 * write under it against the same write on the primary, and how long the primary's own
 * writes stall while the replica holds the lock.
 */
final class HaltCost {

	/** How long the replica holds the lock while the primary writes. */
	private static final Duration HOLD = Duration.ofMillis(500);

	private static final String DATABASE = "app.db";

	private final Bench bench;

	HaltCost(Bench bench) {
		this.bench = bench;
	}

	Report run() throws Exception {
		Settings settings = this.bench.settings();
		try (LiteFsCluster cluster = LiteFsCluster.builder().nodes(2).start()) {
			try (Connection primary = open(cluster.primary())) {
				try (Statement statement = primary.createStatement()) {
					statement.execute("create table writes (id integer primary key autoincrement, node text not null)");
				}
			}
			cluster.awaitReplicated(DATABASE, Duration.ofSeconds(15));
			LiteFsCluster.Node nodeB = cluster.node(1);
			LiteFsNode node = new LiteFsNode(new LiteFsMount(nodeB.mountDir(), DATABASE), nodeB.hostname(),
					new LiteFsApi(nodeB.apiUrl(), Duration.ofMillis(500)), Duration.ofSeconds(1), (event) -> {
					});
			node.start();
			LiteFsHalt halt = new LiteFsHalt(node, Duration.ofSeconds(5), Duration.ofSeconds(10),
					HaltObservations.NONE);
			try (Connection primary = open(cluster.primary()); Connection replica = open(nodeB)) {
				if (node.state().role() != NodeRole.REPLICA) {
					throw new IllegalStateException("node-b is not a replica: " + node.state());
				}
				return measure(settings, halt, primary, replica);
			}
			finally {
				halt.destroy();
				node.stop();
			}
		}
	}

	private Report measure(Settings settings, LiteFsHalt halt, Connection primary, Connection replica)
			throws Exception {
		Latencies acquire = new Latencies();
		Latencies emptyHold = new Latencies();
		Latencies halted = new Latencies();
		Latencies direct = new Latencies();
		int warmUp = Math.max(10, settings.haltRounds() / 10);
		for (int round = -warmUp; round < settings.haltRounds(); round++) {
			long start = System.nanoTime();
			long entered = halt.call(System::nanoTime);
			long end = System.nanoTime();
			long writeStart = System.nanoTime();
			halt.call(() -> insert(replica, "node-b"));
			long writeEnd = System.nanoTime();
			insert(primary, "node-a");
			long directEnd = System.nanoTime();
			if (round >= 0) {
				acquire.add(entered - start);
				emptyHold.add(end - start);
				halted.add(writeEnd - writeStart);
				direct.add(directEnd - writeEnd);
			}
		}
		List<Stall> stalls = new ArrayList<>();
		for (int hold = 0; hold < settings.haltHolds(); hold++) {
			stalls.add(stall(halt, primary));
		}
		long longest = stalls.stream().mapToLong(Stall::longestWrite).max().orElseThrow();
		long beyond = stalls.stream().mapToLong((stall) -> stall.longestWrite() - HOLD.toNanos()).max().orElseThrow();
		Latencies outside = new Latencies();
		stalls.forEach((stall) -> outside.addAll(stall.outside()));

		Report report = new Report("6. HALT lock (real LiteFS)")
			.comparison("HALT acquire, p50 / p99", Format.nanos(acquire.p50()) + " / " + Format.nanos(acquire.p99()))
			.comparison("one-row write under HALT on the replica vs on the primary, p50",
					Format.nanos(halted.p50()) + " vs " + Format.nanos(direct.p50()) + " (×"
							+ Format.ratio((double) halted.p50() / direct.p50()) + ")")
			.comparison("primary's longest write while the replica holds the lock " + Format.duration(HOLD),
					Format.nanos(longest) + " (" + Format.difference(beyond) + " beyond the hold)");
		report.detail("A real two-node LiteFS " + "0.5.14 cluster on loopback (static lease, rollback journal), "
				+ "`LiteFsHalt` on the replica as the starter configures it, sqlite-jdbc connections opened once. "
				+ settings.haltRounds() + " rounds after " + warmUp + " of warm-up, each: an empty block under the "
				+ "lock, a one-row insert under the lock on the replica, the same insert on the primary.");
		report.detail("");
		report.detail("| measured | p50 | p99 | max |");
		report.detail("| --- | --- | --- | --- |");
		row(report, "acquire: the call until the block runs", acquire);
		row(report, "an empty block under the lock, call to return (acquire + release)", emptyHold);
		row(report, "a one-row insert under the lock on the replica, call to return", halted);
		row(report, "the same insert on the primary, no lock", direct);
		row(report, "the primary's inserts in a loop, outside the holds below", outside);
		report.detail("");
		report.detail("Then, " + settings.haltHolds() + " times, the primary inserts in a loop (busy timeout 10 s) "
				+ "while the replica takes the lock, holds it " + Format.duration(HOLD) + " and releases it. "
				+ "LiteFS halts the primary for the whole hold: its writes wait, none fails.");
		report.detail("");
		report.detail("| hold | acquire | primary's longest insert | beyond the hold | primary inserts finished inside the hold |");
		report.detail("| --- | --- | --- | --- | --- |");
		for (int i = 0; i < stalls.size(); i++) {
			Stall stall = stalls.get(i);
			report.detail("| " + (i + 1) + " | " + Format.nanos(stall.acquire()) + " | " + Format.nanos(stall.longestWrite())
					+ " | " + Format.difference(stall.longestWrite() - HOLD.toNanos()) + " | " + stall.finishedInside()
					+ " |");
		}
		return report;
	}

	private static void row(Report report, String name, Latencies latencies) {
		report.detail("| " + name + " | " + Format.nanos(latencies.p50()) + " | " + Format.nanos(latencies.p99())
				+ " | " + Format.nanos(latencies.max()) + " |");
	}

	/** The primary writes in a loop while the replica holds the lock once. */
	private static Stall stall(LiteFsHalt halt, Connection primary) throws Exception {
		AtomicBoolean writing = new AtomicBoolean(true);
		List<long[]> writes = new ArrayList<>();
		Exception[] failure = new Exception[1];
		Thread writer = new Thread(() -> {
			try {
				while (writing.get()) {
					long start = System.nanoTime();
					insert(primary, "node-a");
					synchronized (writes) {
						writes.add(new long[] { start, System.nanoTime() });
					}
				}
			}
			catch (SQLException ex) {
				failure[0] = ex;
			}
		}, "primary-writer");
		writer.start();
		Thread.sleep(300);
		long call = System.nanoTime();
		long[] hold = new long[2];
		halt.run(() -> {
			hold[0] = System.nanoTime();
			Bench.sleep(HOLD);
			hold[1] = System.nanoTime();
		});
		Thread.sleep(300);
		writing.set(false);
		writer.join();
		if (failure[0] != null) {
			throw new IllegalStateException("A write on the primary failed while the replica held the lock", failure[0]);
		}
		long longest = 0;
		int inside = 0;
		Latencies outside = new Latencies();
		for (long[] write : writes) {
			boolean overlaps = write[0] < hold[1] && write[1] > hold[0];
			if (overlaps) {
				longest = Math.max(longest, write[1] - write[0]);
			}
			else {
				outside.add(write[1] - write[0]);
			}
			if (write[1] > hold[0] && write[1] < hold[1]) {
				inside++;
			}
		}
		return new Stall(hold[0] - call, longest, inside, outside);
	}

	private record Stall(long acquire, long longestWrite, int finishedInside, Latencies outside) {
	}

	private static int insert(Connection connection, String node) throws SQLException {
		try (Statement statement = connection.createStatement()) {
			return statement.executeUpdate("insert into writes (node) values ('" + node + "')");
		}
	}

	private static Connection open(LiteFsCluster.Node node) throws SQLException {
		Connection connection = DriverManager.getConnection("jdbc:sqlite:" + node.mountDir().resolve(DATABASE));
		try (Statement statement = connection.createStatement()) {
			statement.execute("pragma busy_timeout = 10000");
		}
		return connection;
	}

}
