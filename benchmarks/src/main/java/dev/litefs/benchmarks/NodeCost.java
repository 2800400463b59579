package dev.litefs.benchmarks;

import java.time.Duration;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import dev.litefs.spring.node.LiteFsMount;
import dev.litefs.spring.node.LiteFsNode;
import dev.litefs.spring.test.FakeLiteFsMount;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;

/**
 * Part 1: what asking the node costs ({@link NodeBenchmark}, run by JMH), and that the
 * answer stays correct: a role flip on the mount is seen within the poll interval.
 */
final class NodeCost {

	private static final long TARGET_NANOS = 1_000;

	/** The default {@code litefs.poll-interval}. */
	private static final Duration POLL_INTERVAL = Duration.ofSeconds(1);

	private final Bench bench;

	NodeCost(Bench bench) {
		this.bench = bench;
	}

	Report run() throws RunnerException {
		Report report = new Report("1. Node model: \"am I primary?\" and \"what is my TXID?\"");
		Settings settings = this.bench.settings();
		Options options = settings.jmh(NodeBenchmark.class).build();
		Collection<RunResult> results = new Runner(options).run();
		Map<String, Result<?>> byMethod = new TreeMap<>();
		for (RunResult result : results) {
			String benchmark = result.getParams().getBenchmark();
			byMethod.put(benchmark.substring(benchmark.lastIndexOf('.') + 1), result.getPrimaryResult());
		}
		report.detail(String.format(Locale.ROOT,
				"JMH, 1 fork, %d warm-up and %d measured iterations of %s each, average time per call, one thread:",
				settings.jmhWarmupIterations(), settings.jmhIterations(), Format.duration(settings.jmhIterationTime())));
		report.detail("");
		report.detail("| benchmark | what it does | ns/call | ± (99.9 %) |");
		report.detail("| --- | --- | ---: | ---: |");
		describe(report, byMethod, "nodeIsPrimary", "`node.isPrimary()`: the cached reading");
		describe(report, byMethod, "nodeTxid", "`node.state().position().txid()`: the cached reading");
		describe(report, byMethod, "fileIsPrimary", "read `.primary` on every call");
		describe(report, byMethod, "fileTxid", "read and parse `<db>-pos` on every call");
		figure(report, byMethod, "nodeIsPrimary", "`LiteFsNode.isPrimary()` per call");
		figure(report, byMethod, "nodeTxid", "`LiteFsNode.state().position().txid()` per call");
		report.comparison("reading `.primary` / `<db>-pos` on every call instead",
				Format.nanos(score(byMethod, "fileIsPrimary")) + " / " + Format.nanos(score(byMethod, "fileTxid")));
		roleFlips(report, settings.roleFlips());
		return report;
	}

	private void roleFlips(Report report, int flips) {
		FakeLiteFsMount mount = FakeLiteFsMount.replicaOf(this.bench.directory("role-flip"), Bench.PRIMARY);
		LiteFsNode node = new LiteFsNode(new LiteFsMount(mount.dir(), mount.database()), Bench.REPLICA, null,
				POLL_INTERVAL, (event) -> {
				});
		node.start();
		Latencies seen = new Latencies();
		try {
			for (int i = 0; i < flips; i++) {
				// flip at a random moment of the poll cycle
				LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(POLL_INTERVAL.toNanos()));
				boolean toPrimary = !node.isPrimary();
				long flipped = System.nanoTime();
				if (toPrimary) {
					mount.becomePrimary();
				}
				else {
					mount.becomeReplicaOf(Bench.PRIMARY);
				}
				while (node.isPrimary() != toPrimary) {
					if (System.nanoTime() - flipped > TimeUnit.SECONDS.toNanos(10)) {
						throw new IllegalStateException("The node did not see a role flip within 10 s");
					}
					LockSupport.parkNanos(20_000);
				}
				seen.add(System.nanoTime() - flipped);
			}
		}
		finally {
			node.stop();
		}
		report.figure(String.format(Locale.ROOT, "role flip seen by `node.isPrimary()` (max of %d, poll interval %s)",
				flips, Format.duration(POLL_INTERVAL)), Format.nanos(seen.max()),
				"≤ " + Format.duration(POLL_INTERVAL), seen.max() <= POLL_INTERVAL.toNanos(),
				"by " + Format.difference(seen.max() - POLL_INTERVAL.toNanos()) + "; a flip is seen at the node's next "
						+ "reading, which came that much later than its interval on this machine");
		report.detail("");
		report.detail(String.format(Locale.ROOT,
				"Role flips: a `LiteFsNode` polling every %s on a fake mount; the harness flips `.primary` at a random "
						+ "moment of the cycle and spins on `node.isPrimary()` until it changes, %d times "
						+ "(replica → primary → replica ...). Seen after: min %s, median %s, max %s.",
				Format.duration(POLL_INTERVAL), flips, Format.nanos(seen.min()), Format.nanos(seen.p50()),
				Format.nanos(seen.max())));
	}

	private static void describe(Report report, Map<String, Result<?>> results, String method, String what) {
		Result<?> result = result(results, method);
		report.detail(String.format(Locale.ROOT, "| `%s` | %s | %.1f | %.1f |", method, what, result.getScore(),
				result.getScoreError()));
	}

	private static void figure(Report report, Map<String, Result<?>> results, String method, String name) {
		double score = score(results, method);
		report.figure(name, Format.nanos(score), "≤ " + Format.nanos(TARGET_NANOS), score <= TARGET_NANOS);
	}

	private static double score(Map<String, Result<?>> results, String method) {
		return result(results, method).getScore();
	}

	private static Result<?> result(Map<String, Result<?>> results, String method) {
		Result<?> result = results.get(method);
		if (result == null) {
			throw new IllegalStateException("JMH gave no result for " + method + ": " + results.keySet());
		}
		if (!"ns/op".equals(result.getScoreUnit())) {
			throw new IllegalStateException("Expected ns/op from JMH, got " + result.getScoreUnit());
		}
		return result;
	}

}
