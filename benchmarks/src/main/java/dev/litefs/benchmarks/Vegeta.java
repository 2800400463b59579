package dev.litefs.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Vegeta, the HTTP load tool: {@code vegeta attack | vegeta report -type=json}, and the
 * HdrHistogram plot ({@code -type=hdrplot}) of each attack kept beside its results.
 * Found as {@code benchmarks/install-vegeta.sh} puts it.
 */
final class Vegeta {

	private static final JsonMapper json = JsonMapper.builder().build();

	private final String binary;

	private final Path work;

	private int attacks;

	/** Requests sent, and those not answered 2xx/3xx, over every attack. */
	long sent;

	long failed;

	Vegeta(Path work) {
		this.work = work;
		String env = System.getenv("VEGETA_BIN");
		String cache = System.getenv().getOrDefault("XDG_CACHE_HOME", System.getProperty("user.home") + "/.cache");
		Path cached = Path.of(cache, "litefs-spring-boot", "vegeta-v12.12.0", "vegeta");
		this.binary = (env != null) ? env : Files.isExecutable(cached) ? cached.toString() : "vegeta";
	}

	/**
	 * One attack.
	 * @param name names the files kept in the work folder
	 * @param target Vegeta's target, e.g. {@code GET http://...\nCookie: __txid=...}
	 * @param rate requests per second, 0 for a closed loop of {@code workers}
	 * @param workers Vegeta's workers (at most that many in a closed loop)
	 * @param duration how long
	 * @return Vegeta's report
	 */
	Result attack(String name, String target, int rate, int workers, Duration duration)
			throws IOException, InterruptedException {
		String file = name + "-" + (++this.attacks);
		Path targets = Files.writeString(this.work.resolve(file + ".targets"), target + "\n");
		Path results = this.work.resolve(file + ".bin");
		run(List.of(this.binary, "attack", "-targets=" + targets, "-rate=" + rate, "-workers=" + workers,
				"-max-workers=" + ((rate == 0) ? workers : workers * 16), "-duration=" + duration.toMillis() + "ms",
				"-output=" + results));
		run(List.of(this.binary, "report", "-type=hdrplot", "-output=" + this.work.resolve(file + ".hdr"),
				results.toString()));
		Path report = this.work.resolve(file + ".json");
		run(List.of(this.binary, "report", "-type=json", "-output=" + report, results.toString()));
		JsonNode root = json.readTree(report.toFile());
		JsonNode latencies = root.path("latencies");
		this.sent += root.path("requests").asLong();
		this.failed += Math.round(root.path("requests").asLong() * (1 - root.path("success").asDouble()));
		return new Result(root.path("requests").asLong(), root.path("throughput").asDouble(),
				root.path("success").asDouble(), latencies.path("50th").asLong(), latencies.path("99th").asLong(),
				latencies.path("max").asLong());
	}

	/** A {@code POST /api/posts} target with the sample app's post as its body. */
	String post(String url) throws IOException {
		Path body = Files.writeString(this.work.resolve("post.json"), App.POST_JSON);
		return "POST " + url + "\nContent-Type: application/json\nAuthorization: " + App.BASIC_AUTH + "\n@" + body;
	}

	private static void run(List<String> command) throws IOException, InterruptedException {
		Process process = new ProcessBuilder(command).inheritIO().start();
		if (process.waitFor() != 0) {
			throw new IllegalStateException(String.join(" ", command) + " exited with " + process.exitValue());
		}
	}

	/**
	 * Vegeta's figures of one attack.
	 * @param requests how many were sent
	 * @param throughput successful requests per second
	 * @param success the share of 2xx/3xx answers
	 * @param p50 nanoseconds, from when Vegeta was due to send (no coordinated omission)
	 * @param p99 nanoseconds
	 * @param max nanoseconds
	 */
	record Result(long requests, double throughput, double success, long p50, long p99, long max) {
	}

}
