package dev.litefs.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;


/**
 * HTTP load from <a href="https://github.com/tsenart/vegeta">Vegeta</a>, a Go load
 * generator installed from the Go module proxy by {@code benchmarks/install-vegeta.sh}.
 * Chosen because it sends at a constant rate whatever the answers' latency (an open
 * loop: a slow answer does not hold back the next request, so the percentiles are free
 * of coordinated omission), or, at rate 0, as fast as a fixed number of workers can (a
 * closed loop, for throughput). Every request's latency goes into {@link Latencies}
 * (an HdrHistogram).
 */
final class Vegeta {

	/** The version {@code install-vegeta.sh} builds. */
	static final String VERSION = "v12.12.0";

	private final Path binary;

	private final Path workDir;

	private Vegeta(Path binary, Path workDir) {
		this.binary = binary;
		this.workDir = workDir;
	}

	/**
	 * Finds the binary: {@code VEGETA_BIN}, then where {@code install-vegeta.sh} puts it,
	 * then {@code vegeta} on the {@code PATH}.
	 * @param workDir where target and result files go
	 * @return the load generator, or empty when there is none
	 */
	static Optional<Vegeta> find(Path workDir) {
		List<Path> candidates = new ArrayList<>();
		String configured = System.getenv("VEGETA_BIN");
		if (configured != null && !configured.isBlank()) {
			candidates.add(Path.of(configured));
		}
		String cache = System.getenv("XDG_CACHE_HOME");
		Path cacheDir = (cache != null && !cache.isBlank()) ? Path.of(cache)
				: Path.of(System.getProperty("user.home"), ".cache");
		candidates.add(cacheDir.resolve("litefs-spring-boot").resolve("vegeta-" + VERSION).resolve("vegeta"));
		for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
			if (!dir.isEmpty()) {
				candidates.add(Path.of(dir, "vegeta"));
			}
		}
		return candidates.stream().filter(Files::isExecutable).findFirst().map((binary) -> new Vegeta(binary, workDir));
	}

	/**
	 * Sends one request again and again.
	 * @param target the request in Vegeta's HTTP format: {@code GET <url>}, then header lines
	 * @param rate requests per second, or 0 for as fast as {@code workers} can
	 * @param workers how many requests may be in flight (the closed loop's size at rate 0)
	 * @param duration how long
	 * @return what was measured
	 */
	Result attack(String target, int rate, int workers, Duration duration) {
		try {
			Files.createDirectories(this.workDir);
			Path targets = Files.writeString(this.workDir.resolve("vegeta-target.txt"), target + "\n\n");
			Path results = this.workDir.resolve("vegeta-results.bin");
			List<String> command = new ArrayList<>(List.of(this.binary.toString(), "attack", "-targets=" + targets,
					"-rate=" + rate, "-duration=" + duration.toMillis() + "ms", "-max-workers=" + workers,
					"-output=" + results));
			if (rate == 0) {
				command.add("-workers=" + workers);
			}
			run(new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(this.workDir.resolve("vegeta-attack.log").toFile()));
			return read(results, duration);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Vegeta failed", ex);
		}
	}

	/** Reads the results file through {@code vegeta encode -to csv}: one line a request. */
	private Result read(Path results, Duration duration) throws IOException {
		Latencies latencies = new Latencies();
		long failed = 0;
		String firstFailure = null;
		Process encode = new ProcessBuilder(this.binary.toString(), "encode", "-to", "csv", results.toString())
			.redirectError(ProcessBuilder.Redirect.DISCARD)
			.start();
		try (BufferedReader lines = new BufferedReader(
				new InputStreamReader(encode.getInputStream(), StandardCharsets.UTF_8))) {
			String line;
			while ((line = lines.readLine()) != null) {
				// timestamp, status, latency (ns), bytes out, bytes in, error, ...
				String[] fields = line.split(",", 7);
				int status = Integer.parseInt(fields[1]);
				latencies.add(Long.parseLong(fields[2]));
				if (status < 200 || status >= 300) {
					failed++;
					firstFailure = (firstFailure != null) ? firstFailure : status + " " + fields[5];
				}
			}
		}
		waitFor(encode);
		return new Result(latencies, duration, failed, firstFailure);
	}

	private static void run(ProcessBuilder builder) throws IOException {
		waitFor(builder.start());
	}

	private static void waitFor(Process process) throws IOException {
		try {
			int status = process.waitFor();
			if (status != 0) {
				throw new IOException("vegeta exited with " + status + ": " + process.info().commandLine().orElse(""));
			}
		}
		catch (InterruptedException ex) {
			process.destroyForcibly();
			Thread.currentThread().interrupt();
			throw new IOException("Interrupted", ex);
		}
	}

	@Override
	public String toString() {
		return this.binary.toString();
	}

	/**
	 * What one attack measured.
	 *
	 * @param latencies every request's latency, in nanoseconds
	 * @param duration how long requests were sent
	 * @param failed how many answers were not 2xx, or no answer
	 * @param firstFailure the first of those, or null
	 */
	record Result(Latencies latencies, Duration duration, long failed, String firstFailure) {

		long requests() {
			return this.latencies.count();
		}

		double requestsPerSecond() {
			return requests() / (this.duration.toNanos() / 1e9);
		}

		long percentile(double percentile) {
			return this.latencies.percentile(percentile);
		}

	}

}
