package dev.litefs.benchmarks;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import dev.litefs.spring.halt.LiteFsHalt;
import dev.litefs.spring.halt.LiteFsHaltException;
import dev.litefs.spring.node.LiteFsApi;
import dev.litefs.spring.node.LiteFsMount;
import dev.litefs.spring.node.LiteFsNode;
import dev.litefs.spring.node.LiteFsScheduler;
import dev.litefs.spring.node.NodeRole;
import dev.litefs.spring.test.cluster.LiteFsCluster;
import io.micrometer.observation.ObservationRegistry;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.util.Statistics;

/**
 * The HALT lock on a real two-node LiteFS cluster: {@link LiteFsHalt} on the replica, as
 * the starter configures it, over one sqlite-jdbc connection, against a one-row insert
 * on the primary; and, in {@link #report}, the primary's inserts while the replica holds
 * the lock.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class HaltBenchmark {

	private LiteFsCluster cluster;

	private LiteFsScheduler scheduler;

	private LiteFsNode node;

	private LiteFsHalt halt;

	private Connection replica;

	private Connection primary;

	@Setup(Level.Trial)
	public void setUp() throws SQLException {
		this.cluster = LiteFsCluster.builder().nodes(2).start();
		this.primary = open(this.cluster.primary());
		try (Statement statement = this.primary.createStatement()) {
			statement.execute("create table writes (id integer primary key autoincrement, node text not null)");
		}
		this.cluster.awaitReplicated("app.db", Duration.ofSeconds(15));
		LiteFsCluster.Node nodeB = this.cluster.node(1);
		this.scheduler = new LiteFsScheduler();
		this.node = new LiteFsNode(new LiteFsMount(nodeB.mountDir(), "app.db"), nodeB.hostname(),
				new LiteFsApi(nodeB.apiUrl(), Duration.ofMillis(500)), Duration.ofSeconds(1), Duration.ofMillis(1),
				(event) -> {
				}, this.scheduler);
		this.node.start();
		this.halt = new LiteFsHalt(this.node, Duration.ofSeconds(5), Duration.ofSeconds(10), ObservationRegistry.NOOP,
				this.scheduler);
		this.replica = open(nodeB);
		if (this.node.state().role() != NodeRole.REPLICA) {
			throw new IllegalStateException("node-b is not a replica: " + this.node.state());
		}
	}

	@TearDown(Level.Trial)
	public void tearDown() throws SQLException {
		this.replica.close();
		this.primary.close();
		this.node.stop();
		this.scheduler.close();
		this.cluster.close();
	}

	/** Acquire and release, with nothing under the lock. */
	@Benchmark
	public long emptyHold() {
		return this.halt.call(System::nanoTime);
	}

	@Benchmark
	public int insertUnderHalt() {
		return this.halt.call(() -> insert(this.replica));
	}

	@Benchmark
	public int insertOnPrimary() throws SQLException {
		return insert(this.primary);
	}

	private static int insert(Connection connection) {
		try (Statement statement = connection.createStatement()) {
			return statement.executeUpdate("insert into writes (node) values ('bench')");
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static Connection open(LiteFsCluster.Node node) throws SQLException {
		Connection connection = DriverManager.getConnection("jdbc:sqlite:" + node.mountDir().resolve("app.db"));
		try (Statement statement = connection.createStatement()) {
			statement.execute("pragma busy_timeout = 10000");
		}
		return connection;
	}

	/** Part 3: runs the benchmarks, then the holds, and adds their rows. */
	static void report(Bench bench) throws Exception {
		Map<String, Statistics> sampled = Bench.run(bench.jmh(HaltBenchmark.class.getName() + "."))
			.stream()
			.collect(Collectors.toMap((result) -> result.getParams().getBenchmark().replaceAll(".*\\.", ""),
					(result) -> result.getPrimaryResult().getStatistics()));
		Statistics empty = sampled.get("emptyHold");
		bench.row("3 HALT", "HALT on the replica, acquire + release with nothing under it, p50 / p99 (JMH)",
				Bench.nanos(empty.getPercentile(50) * 1e3) + " / " + Bench.nanos(empty.getPercentile(99) * 1e3),
				Double.NaN, "", null);
		double halted = sampled.get("insertUnderHalt").getPercentile(50);
		double direct = sampled.get("insertOnPrimary").getPercentile(50);
		bench.row("3 HALT", "one-row insert, p50: under HALT on the replica vs on the primary (JMH)",
				Bench.nanos(halted * 1e3) + " vs " + Bench.nanos(direct * 1e3), halted / direct, "", null);
		HaltBenchmark state = new HaltBenchmark();
		state.setUp();
		try {
			List<String> longest = new ArrayList<>();
			for (int hold = 0; hold < bench.count(5, 2); hold++) {
				longest.add(state.hold());
			}
			bench.row("3 HALT", "primary's longest insert (5 ms apart) while the replica holds the lock 500 ms",
					String.join("; ", longest), Double.NaN, "", null);
			List<String> tries = new ArrayList<>();
			for (int attempt = 0; attempt < bench.count(3, 1); attempt++) {
				tries.add(state.acquireUnderLoad());
			}
			bench.row("3 HALT", "HALT acquire while the primary inserts back to back", String.join("; ", tries),
					Double.NaN, "", null);
		}
		finally {
			state.tearDown();
		}
	}

	/** The primary inserts every 5 ms while the replica holds the lock 500 ms: its longest insert. */
	private String hold() throws Exception {
		try (Writer writer = new Writer(this.primary, 5)) {
			Bench.sleep(300);
			this.halt.run(() -> Bench.sleep(500));
			Bench.sleep(300);
			long longest = writer.stop().stream().mapToLong((write) -> write[1] - write[0]).max().orElseThrow();
			return Bench.nanos(longest) + " (" + Bench.difference(longest - 500_000_000) + ")";
		}
	}

	/** One acquire while the primary inserts with no pause. */
	private String acquireUnderLoad() throws Exception {
		try (Writer writer = new Writer(this.primary, 0)) {
			Bench.sleep(300);
			long start = System.nanoTime();
			try {
				this.halt.run(() -> {
				});
				return "acquired in " + Bench.nanos(System.nanoTime() - start);
			}
			catch (LiteFsHaltException ex) {
				return String.format(Locale.ROOT, "refused (%s) after %s", ex.reason(),
						Bench.nanos(System.nanoTime() - start));
			}
		}
	}

	/** A thread inserting on the primary's connection, each insert's start and end kept. */
	private static final class Writer implements AutoCloseable {

		private final List<long[]> writes = new ArrayList<>();

		private final Thread thread;

		private volatile boolean running = true;

		Writer(Connection connection, long pauseMillis) {
			this.thread = new Thread(() -> {
				while (this.running) {
					long start = System.nanoTime();
					insert(connection);
					this.writes.add(new long[] { start, System.nanoTime() });
					if (pauseMillis > 0) {
						Bench.sleep(pauseMillis);
					}
				}
			}, "primary-writer");
			this.thread.start();
		}

		List<long[]> stop() throws InterruptedException {
			this.running = false;
			this.thread.join();
			return this.writes;
		}

		@Override
		public void close() throws InterruptedException {
			stop();
		}

	}

}
