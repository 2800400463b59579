package dev.litefs.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import dev.litefs.spring.node.LiteFsMount;
import dev.litefs.spring.node.LiteFsNode;
import dev.litefs.spring.node.Position;
import dev.litefs.spring.test.FakeLiteFsMount;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.results.RunResult;

/**
 * The hot path's two questions, "am I primary?" and "what is my TXID?", asked of the
 * {@link LiteFsNode} (a reading refreshed in the background) against reading
 * {@code .primary} and {@code <db>-pos} on every call; and how soon a role flip on the
 * mount is seen by a node polling every second ({@link #roleFlip}).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class NodeBenchmark {

	@Benchmark
	public boolean nodeIsPrimary(Replica replica) {
		return replica.node.isPrimary();
	}

	@Benchmark
	public long nodeTxid(Replica replica) {
		return replica.node.state().position().txid();
	}

	@Benchmark
	public boolean fileIsPrimary(Replica replica) {
		return replica.mount.readPrimary().isEmpty();
	}

	@Benchmark
	public long fileTxid(Replica replica) {
		return replica.mount.readPosition().orElse(Position.ZERO).txid();
	}

	/**
	 * One role flip ({@code .primary} written or removed at a random moment of the node's
	 * 1 s poll cycle), timed until {@code node.isPrimary()} says so.
	 */
	@Benchmark
	@BenchmarkMode(Mode.SingleShotTime)
	@OutputTimeUnit(TimeUnit.MILLISECONDS)
	public boolean roleFlip(Flip flip) {
		boolean was = flip.node.isPrimary();
		if (was) {
			flip.files.becomeReplicaOf("node-a");
		}
		else {
			flip.files.becomePrimary();
		}
		while (flip.node.isPrimary() == was) {
			Thread.onSpinWait();
		}
		return was;
	}

	/** A replica's fake mount, and a {@link LiteFsNode} polling it every second. */
	public abstract static class FakeNode {

		Path dir;

		FakeLiteFsMount files;

		LiteFsMount mount;

		LiteFsNode node;

		@Setup(Level.Trial)
		public void setUp() throws IOException {
			this.dir = Files.createTempDirectory("litefs-bench");
			this.files = FakeLiteFsMount.replicaOf(this.dir, "node-a").txid(42);
			this.mount = new LiteFsMount(this.dir, FakeLiteFsMount.DEFAULT_DATABASE);
			this.node = new LiteFsNode(this.mount, "node-b", null, Duration.ofSeconds(1), (event) -> {
			});
			this.node.start();
		}

		@TearDown(Level.Trial)
		public void tearDown() throws IOException {
			this.node.stop();
			try (var files = Files.list(this.dir)) {
				for (Path file : files.toList()) {
					Files.delete(file);
				}
			}
			Files.delete(this.dir);
		}

	}

	/** The node every call of the per-call benchmarks asks. */
	@State(Scope.Benchmark)
	public static class Replica extends FakeNode {

	}

	/** A node of its own for {@link #roleFlip}, and a random wait before each flip. */
	@State(Scope.Thread)
	public static class Flip extends FakeNode {

		@Setup(Level.Invocation)
		public void randomMoment() throws InterruptedException {
			Thread.sleep(ThreadLocalRandom.current().nextLong(1000));
		}

	}

	/** Part 1: runs these benchmarks and adds their rows. */
	static void report(Bench bench) throws Exception {
		Map<String, Double> perCall = Bench.run(bench.jmh(NodeBenchmark.class.getName() + ".(node|file)"))
			.stream()
			.collect(Collectors.toMap((result) -> result.getParams().getBenchmark().replaceAll(".*\\.", ""),
					(result) -> result.getPrimaryResult().getScore()));
		for (String[] pair : new String[][] { { "nodeIsPrimary", "fileIsPrimary", "`LiteFsNode.isPrimary()`",
				"reading `.primary`" }, { "nodeTxid", "fileTxid", "`LiteFsNode.state().position().txid()`",
						"reading `<db>-pos`" } }) {
			double node = perCall.get(pair[0]);
			double file = perCall.get(pair[1]);
			bench.row("1 node", pair[2] + " per call vs " + pair[3] + " on every call (JMH)",
					Bench.nanos(node) + " vs " + Bench.nanos(file), node / file, "≤ 1.00 µs", node <= 1000);
		}
		RunResult flips = Bench.run(bench.jmh(NodeBenchmark.class.getName() + ".roleFlip")
			.warmupIterations(0)
			.measurementIterations(6)).iterator().next();
		double max = flips.getPrimaryResult().getStatistics().getMax();
		bench.row("1 node", "role flip seen by `node.isPrimary()`, max of 6 (poll interval 1 s) (JMH, single shot)",
				String.format(java.util.Locale.ROOT, "%.0f ms (median %.0f ms)", max,
						flips.getPrimaryResult().getStatistics().getPercentile(50)),
				Double.NaN, "≤ 1.00 s", max <= 1000);
	}

}
