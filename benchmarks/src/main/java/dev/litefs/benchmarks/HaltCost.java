package dev.litefs.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.litefs.spring.halt.LiteFsHalt;
import dev.litefs.spring.halt.LiteFsHaltException;
import dev.litefs.spring.node.LiteFsApi;
import dev.litefs.spring.node.LiteFsMount;
import dev.litefs.spring.node.LiteFsNode;
import dev.litefs.spring.node.LiteFsScheduler;
import dev.litefs.spring.node.NodeRole;
import dev.litefs.spring.test.cluster.LiteFsCluster;
import io.micrometer.observation.ObservationRegistry;

/**
 * Part 7: what a write under LiteFS's HALT lock costs, on a real two-node LiteFS
 * cluster on loopback: {@link LiteFsHalt} on the replica, as the starter configures it,
 * in this JVM; the primary's application, a {@link PrimaryWriter}, in a child JVM. How
 * long the lock takes to acquire, a one-row write under it against the same write on
 * the primary, and how long the primary's own writes stall while the replica holds the
 * lock.
 */
final class HaltCost {

	/** How long the replica holds the lock while the primary writes. */
	private static final Duration HOLD = Duration.ofMillis(500);

	private static final Duration AROUND = Duration.ofMillis(300);

	/** The primary's pause between inserts while the replica holds the lock: 200 inserts/s at most. */
	private static final Duration PAUSE = Duration.ofMillis(5);

	private static final String DATABASE = "app.db";

	private final Bench bench;

	HaltCost(Bench bench) {
		this.bench = bench;
	}

	Report run() throws Exception {
		Settings settings = this.bench.settings();
		try (LiteFsCluster cluster = LiteFsCluster.builder().nodes(2).start()) {
			Path primaryDatabase = cluster.primary().mountDir().resolve(DATABASE);
			try (Connection primary = open(primaryDatabase); Statement statement = primary.createStatement()) {
				statement.execute("create table writes (id integer primary key autoincrement, node text not null)");
			}
			cluster.awaitReplicated(DATABASE, Duration.ofSeconds(15));
			LiteFsCluster.Node nodeB = cluster.node(1);
			LiteFsNode node = new LiteFsNode(new LiteFsMount(nodeB.mountDir(), DATABASE), nodeB.hostname(),
					new LiteFsApi(nodeB.apiUrl(), Duration.ofMillis(500)), Duration.ofSeconds(1), (event) -> {
					});
			node.start();
			LiteFsScheduler scheduler = new LiteFsScheduler();
			LiteFsHalt halt = new LiteFsHalt(node, Duration.ofSeconds(5), Duration.ofSeconds(10),
					ObservationRegistry.NOOP, scheduler);
			try (Connection replica = open(nodeB.mountDir().resolve(DATABASE));
					Writer writer = Writer.launch(this.bench, primaryDatabase)) {
				if (node.state().role() != NodeRole.REPLICA) {
					throw new IllegalStateException("node-b is not a replica: " + node.state());
				}
				return measure(settings, halt, replica, writer);
			}
			finally {
				scheduler.close();
				node.stop();
			}
		}
	}

	private Report measure(Settings settings, LiteFsHalt halt, Connection replica, Writer writer) throws Exception {
		Latencies acquire = new Latencies();
		Latencies emptyHold = new Latencies();
		Latencies halted = new Latencies();
		int warmUp = Math.max(10, settings.haltRounds() / 10);
		for (int round = -warmUp; round < settings.haltRounds(); round++) {
			long start = System.nanoTime();
			long entered = halt.call(System::nanoTime);
			long end = System.nanoTime();
			halt.call(() -> insert(replica));
			long written = System.nanoTime();
			if (round >= 0) {
				acquire.add(entered - start);
				emptyHold.add(end - start);
				halted.add(written - end);
			}
		}
		Latencies direct = new Latencies();
		writer.start(PAUSE);
		Bench.sleep(Duration.ofSeconds(2));
		writer.stop().forEach((write) -> direct.add(write[1] - write[0]));

		List<Stall> stalls = new ArrayList<>();
		for (int hold = 0; hold < settings.haltHolds(); hold++) {
			stalls.add(stall(halt, writer));
		}
		long longest = stalls.stream().mapToLong(Stall::longestWrite).max().orElseThrow();
		List<String> starved = new ArrayList<>();
		for (int attempt = 0; attempt < 3; attempt++) {
			starved.add(starved(halt, writer));
		}
		Latencies outside = new Latencies();
		stalls.forEach((stall) -> outside.addAll(stall.outside()));

		Report report = new Report("7. HALT lock (real LiteFS)")
			.comparison("HALT acquire on the replica, p50 / p99",
					Format.nanos(acquire.p50()) + " / " + Format.nanos(acquire.p99()))
			.comparison("one-row insert under HALT on the replica vs on the primary, p50",
					Format.nanos(halted.p50()) + " vs " + Format.nanos(direct.p50()) + " (×"
							+ Format.ratio((double) halted.p50() / direct.p50()) + ")")
			.comparison("primary's longest insert while the replica holds the lock " + Format.duration(HOLD),
					Format.nanos(longest) + " (" + Format.difference(longest - HOLD.toNanos()) + " beyond the hold)")
			.comparison("HALT acquire while the primary inserts back to back, 3 tries", String.join("; ", starved));
		report.detail("A real two-node LiteFS 0.5.14 cluster on loopback (static lease, rollback journal): "
				+ "`LiteFsHalt` on the replica in the harness's JVM, as the starter configures it, over one "
				+ "sqlite-jdbc connection; the primary's application in a child JVM (`PrimaryWriter`) inserting "
				+ "one row at a time over one connection (busy timeout 10 s), pausing " + Format.duration(PAUSE)
				+ " between inserts. " + settings.haltRounds()
				+ " rounds after " + warmUp + " of warm-up, each: an empty block under the lock, then a one-row "
				+ "insert under the lock; then the primary inserts alone for 2 s.");
		report.detail("");
		report.detail("| measured | p50 | p99 | max |");
		report.detail("| --- | --- | --- | --- |");
		row(report, "acquire: the call until the block runs", acquire);
		row(report, "an empty block under the lock, call to return (acquire + release)", emptyHold);
		row(report, "a one-row insert under the lock on the replica, call to return", halted);
		row(report, "a one-row insert on the primary, alone", direct);
		row(report, "the primary's inserts around the holds below, outside them", outside);
		report.detail("");
		report.detail("Then, " + settings.haltHolds() + " times, the primary inserts in a loop while the replica "
				+ "takes the lock, holds it " + Format.duration(HOLD) + " (an empty block that sleeps) and releases it, "
				+ Format.duration(AROUND) + " of primary inserts before and after. LiteFS halts the primary for the "
				+ "whole hold: its inserts wait, none fails.");
		report.detail("");
		report.detail("| hold | acquire | primary's longest insert | beyond the hold | primary inserts finished inside the hold |");
		report.detail("| --- | --- | --- | --- | --- |");
		for (int i = 0; i < stalls.size(); i++) {
			Stall stall = stalls.get(i);
			report.detail("| " + (i + 1) + " | " + Format.nanos(stall.acquire()) + " | "
					+ Format.nanos(stall.longestWrite()) + " | " + Format.difference(stall.longestWrite() - HOLD.toNanos())
					+ " | " + stall.finishedInside() + " |");
		}
		report.detail("");
		report.detail("Last, 3 times, the primary inserts back to back, with no pause, and the replica asks for the "
				+ "lock once: " + String.join("; ", starved) + ". LiteFS's primary must take its own write lock to "
				+ "halt, between two of its application's writes; LiteFS refuses the acquire after 10 s when it "
				+ "cannot (seen while this part was written, with the primary writing back to back).");
		return report;
	}

	/** One acquire while the primary writes without a pause. */
	private static String starved(LiteFsHalt halt, Writer writer) throws IOException {
		writer.start(Duration.ZERO);
		Bench.sleep(AROUND);
		long start = System.nanoTime();
		String outcome;
		try {
			halt.run(() -> {
			});
			outcome = "acquired in " + Format.nanos(System.nanoTime() - start);
		}
		catch (LiteFsHaltException ex) {
			outcome = "refused (" + ex.reason() + ") after " + Format.nanos(System.nanoTime() - start);
		}
		writer.stop();
		return outcome;
	}

	private static void row(Report report, String name, Latencies latencies) {
		report.detail("| " + name + " | " + Format.nanos(latencies.p50()) + " | " + Format.nanos(latencies.p99())
				+ " | " + Format.nanos(latencies.max()) + " |");
	}

	/** The primary inserts in a loop while the replica holds the lock once. */
	private static Stall stall(LiteFsHalt halt, Writer writer) throws IOException {
		writer.start(PAUSE);
		Bench.sleep(AROUND);
		long call = System.nanoTime();
		long[] hold = new long[2];
		halt.run(() -> {
			hold[0] = System.nanoTime();
			Bench.sleep(HOLD);
			hold[1] = System.nanoTime();
		});
		Bench.sleep(AROUND);
		long longest = 0;
		int inside = 0;
		Latencies outside = new Latencies();
		for (long[] write : writer.stop()) {
			if (write[0] < hold[1] && write[1] > hold[0]) {
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

	private static int insert(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement()) {
			return statement.executeUpdate("insert into writes (node) values ('node-b')");
		}
	}

	private static Connection open(Path database) throws SQLException {
		Connection connection = DriverManager.getConnection("jdbc:sqlite:" + database);
		try (Statement statement = connection.createStatement()) {
			statement.execute("pragma busy_timeout = 10000");
		}
		return connection;
	}

	/** A child JVM running {@link PrimaryWriter}. */
	private static final class Writer implements AutoCloseable {

		private final Process process;

		private final PrintWriter commands;

		private final BufferedReader answers;

		private Writer(Process process) throws IOException {
			this.process = process;
			this.commands = new PrintWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.US_ASCII),
					true);
			this.answers = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII));
			String ready = this.answers.readLine();
			if (!"ready".equals(ready)) {
				throw new IllegalStateException("The primary's writer did not start: " + ready);
			}
		}

		static Writer launch(Bench bench, Path database) throws IOException {
			List<String> command = Bench.childJvm(PrimaryWriter.class, database.toString());
			Path log = bench.logs().resolve("halt-primary-writer.log");
			Files.createDirectories(log.getParent());
			return new Writer(new ProcessBuilder(command).redirectError(log.toFile()).start());
		}

		void start(Duration pause) {
			this.commands.println("start " + pause.toMillis());
		}

		List<long[]> stop() throws IOException {
			this.commands.println("stop");
			List<long[]> writes = new ArrayList<>();
			for (String line = this.answers.readLine(); !"done".equals(line); line = this.answers.readLine()) {
				if (line == null || line.startsWith("failed")) {
					throw new IllegalStateException("A write on the primary failed: " + line);
				}
				String[] fields = line.split(" ");
				writes.add(new long[] { Long.parseLong(fields[1]), Long.parseLong(fields[2]) });
			}
			return writes;
		}

		@Override
		public void close() throws InterruptedException {
			this.commands.println("exit");
			if (!this.process.waitFor(10, TimeUnit.SECONDS)) {
				this.process.destroyForcibly();
			}
		}

	}

}
