package dev.litefs.benchmarks;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import dev.litefs.spring.test.cluster.LiteFsBinary;
import dev.litefs.spring.test.cluster.LiteFsCluster;

/**
 * Part 8: how soon the primary's app takes writes again once its LiteFS, SIGKILLed under
 * writes, is back, in each journal mode. Each run starts a one-node cluster and the
 * sample app on it, sends a write every {@link #PACE}, kills LiteFS after one second,
 * starts it again one second later, and measures from LiteFS back (its API answers and
 * its mount is up) to the answer of the first write sent after that and answered
 * {@code 201}.
 */
final class KillRecovery {

	private static final Duration PACE = Duration.ofMillis(20);

	private static final Duration BEFORE_KILL = Duration.ofSeconds(1);

	private static final Duration DOWN = Duration.ofSeconds(1);

	/** The longest a run waits for a write taken after LiteFS is back. */
	private static final Duration GIVE_UP = Duration.ofSeconds(30);

	private static final Duration TARGET = Duration.ofSeconds(3);

	private static final HttpClient http = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(5))
		.build();

	private final Bench bench;

	KillRecovery(Bench bench) {
		this.bench = bench;
	}

	Report run() throws Exception {
		Report report = new Report("8. LiteFS killed under writes: writes taken again");
		if (!Files.exists(Path.of("/dev/fuse")) || LiteFsBinary.find().isEmpty()) {
			return report.comparison("skipped", "no /dev/fuse or no LiteFS binary")
				.detail("Skipped: this part needs `/dev/fuse` and LiteFS (`scripts/install-litefs.sh`).");
		}
		int runs = this.bench.settings().quickRun() ? 2 : 5;
		report.detail(String.format(Locale.ROOT, "Each run: a one-node cluster (LiteFS's static lease) and the sample "
				+ "app on it; a write (`POST /api/posts`) every %d ms; LiteFS SIGKILLed after %s and started again "
				+ "%s later (the broken mount lifted lazily first, as a supervisor must). Measured from LiteFS back "
				+ "(its API answers and its mount is up) to the answer of the first write sent after that which got "
				+ "`201`; %d runs per journal mode, percentiles by nearest rank.", PACE.toMillis(),
				Format.duration(BEFORE_KILL), Format.duration(DOWN), runs));
		report.detail("");
		report.detail("| journal mode | each run | p50 | p95 |");
		report.detail("| --- | --- | ---: | ---: |");
		for (String mode : List.of("delete", "wal")) {
			List<Duration> recoveries = new ArrayList<>();
			for (int run = 1; run <= runs; run++) {
				recoveries.add(recovery(mode, run));
			}
			List<Duration> sorted = recoveries.stream().sorted().toList();
			Duration p50 = rank(sorted, 0.50);
			Duration p95 = rank(sorted, 0.95);
			report.detail(String.format(Locale.ROOT, "| %s | %s | %s | %s |", mode,
					String.join(", ", recoveries.stream().map(Format::duration).toList()), Format.duration(p50),
					Format.duration(p95)));
			report.figure("writes taken again after LiteFS is back, p95 (" + mode + ")", Format.duration(p95),
					"≤ " + Format.duration(TARGET), p95.compareTo(TARGET) <= 0,
					"by " + Format.duration(p95.minus(TARGET)) + "; each run: "
							+ String.join(", ", recoveries.stream().map(Format::duration).toList()));
		}
		return report;
	}

	private Duration recovery(String mode, int run) throws Exception {
		try (LiteFsCluster cluster = LiteFsCluster.builder().hostnames("127.0.0.1").start();
				SampleApp app = this.bench.start("kill-" + mode + "-" + run, properties(cluster.primary(), mode))) {
			List<CompletableFuture<Long>> taken = new ArrayList<>();
			long start = System.nanoTime();
			long restartedAt = Long.MAX_VALUE;
			long deadline = Long.MAX_VALUE;
			while (System.nanoTime() < deadline) {
				long sentAt = System.nanoTime();
				CompletableFuture<Long> answer = write(app, mode + "-" + run + "-" + taken.size());
				if (sentAt >= restartedAt) {
					taken.add(answer);
					Optional<Long> first = firstTaken(taken);
					if (first.isPresent()) {
						return Duration.ofNanos(first.get() - restartedAt);
					}
				}
				if (restartedAt == Long.MAX_VALUE && sentAt - start >= BEFORE_KILL.toNanos()) {
					cluster.primary().kill();
					Bench.sleep(DOWN);
					cluster.primary().start();
					restartedAt = System.nanoTime();
					deadline = restartedAt + GIVE_UP.toNanos();
				}
				Bench.sleep(PACE);
			}
			throw new IllegalStateException("No write was taken within " + Format.duration(GIVE_UP)
					+ " of LiteFS being back (journal mode " + mode + ", run " + run + ")");
		}
	}

	/** When the first write answered {@code 201} among those answered so far was answered. */
	private static Optional<Long> firstTaken(List<CompletableFuture<Long>> answers) {
		return answers.stream()
			.filter((answer) -> answer.isDone() && answer.join() > 0)
			.map(CompletableFuture::join)
			.min(Long::compare);
	}

	/** Sends a write; completes with when it was answered {@code 201}, or 0 for any other answer. */
	private static CompletableFuture<Long> write(SampleApp app, String title) {
		HttpRequest request = HttpRequest.newBuilder(app.uri("/api/posts"))
			.timeout(Duration.ofSeconds(30))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString("{\"title\": \"" + title + "\"}"))
			.build();
		return http.sendAsync(request, HttpResponse.BodyHandlers.discarding())
			.thenApply((response) -> (response.statusCode() == 201) ? System.nanoTime() : 0L)
			.exceptionally((failure) -> 0L);
	}

	private static Map<String, String> properties(LiteFsCluster.Node node, String mode) {
		Map<String, String> properties = RealCluster.onNode(node);
		properties.put("spring.datasource.hikari.data-source-properties.journal_mode", mode);
		return properties;
	}

	private static Duration rank(List<Duration> sorted, double quantile) {
		return sorted.get((int) Math.ceil(quantile * sorted.size()) - 1);
	}

}
