package dev.litefs.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs every benchmark in one run and writes one table of figures, each beside what it
 * is compared with, as a ratio. Started by {@code benchmarks/run.sh}:
 * {@code Bench --app <sample app jar> [--quick] [--out RESULTS.md]}.
 */
public final class Bench {

	final Path jar;

	final Path work;

	final boolean quick;

	/** The parts to run (see {@link #PARTS}); all when empty. */
	private final Set<String> parts;

	private final List<String> rows = new ArrayList<>();

	/** The parts, as {@code --parts} names them, in the order they run. */
	static final List<String> PARTS = java.util.stream.Stream
		.of(List.of("node"), ClusterPart.PARTS, List.of("halt", "startup", "sessions", "tenants"))
		.flatMap(List::stream)
		.toList();

	private Bench(Path jar, Path work, boolean quick, Set<String> parts) {
		this.jar = jar;
		this.work = work;
		this.quick = quick;
		this.parts = parts;
	}

	public static void main(String[] args) throws Exception {
		Path jar = null;
		Path out = null;
		boolean quick = false;
		Set<String> parts = Set.of();
		for (int i = 0; i < args.length; i++) {
			switch (args[i]) {
				case "--app" -> jar = Path.of(args[++i]).toAbsolutePath();
				case "--out" -> out = Path.of(args[++i]);
				case "--quick" -> quick = true;
				case "--parts" -> parts = Set.of(args[++i].split(","));
				default -> throw new IllegalArgumentException(
						"Usage: Bench --app <jar> [--quick] [--parts <name,...>] [--out <file>]");
			}
		}
		if (!PARTS.containsAll(parts)) {
			throw new IllegalArgumentException("--parts takes some of " + String.join(",", PARTS));
		}
		if (out == null) {
			out = Path.of(quick ? "benchmarks/target/RESULTS-quick.md"
					: parts.isEmpty() ? "benchmarks/RESULTS.md" : "benchmarks/target/RESULTS-parts.md");
		}
		Path work = Files.createDirectories(Path.of("benchmarks/target/work").toAbsolutePath());
		Bench bench = new Bench(jar, work, quick, parts);
		long started = System.nanoTime();
		String start = ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm"));
		String load = loadAverage();
		String commit = commit();
		if (bench.runs("node")) {
			NodeBenchmark.report(bench);
		}
		// the start-up part starts the apps on a copy of the cluster's database
		if (ClusterPart.PARTS.stream().anyMatch(bench::runs) || bench.runs("startup")) {
			new ClusterPart(bench).run();
		}
		if (bench.runs("halt")) {
			HaltBenchmark.report(bench);
		}
		if (bench.runs("startup")) {
			StartupPart.run(bench);
		}
		if (bench.runs("sessions")) {
			new SessionsPart(bench).run();
		}
		if (bench.runs("tenants")) {
			new TenantsPart(bench).run();
		}
		String document = "# Benchmark results\n\n"
				+ String.format(Locale.ROOT, "`benchmarks/run.sh%s%s` at commit `%s` on %s UTC, %s, Java %s, %d cores; "
						+ "load average at "
						+ "the start %s, at the end %s. What each figure is: `benchmarks/README.md`.%n%n",
						quick ? " --quick" : "",
						parts.isEmpty() ? "" : " --parts " + String.join(",", PARTS.stream().filter(parts::contains).toList()),
						commit, start, format(Duration.ofNanos(System.nanoTime() - started)),
						Runtime.version(), Runtime.getRuntime().availableProcessors(), load, loadAverage())
				+ busy(load)
				+ "| part | figure | measured | ratio | target | met |\n| --- | --- | --- | ---: | --- | --- |\n"
				+ String.join("\n", bench.rows) + "\n";
		Files.createDirectories(out.toAbsolutePath().getParent());
		Files.writeString(out, document);
		System.out.println(document + "\nWritten to " + out);
	}

	/**
	 * One row of the results.
	 * @param part the part's name
	 * @param figure what is measured
	 * @param measured the values, the compared one beside its baseline
	 * @param ratio the ratio of the two, or {@code NaN} for none
	 * @param target the target, or empty
	 * @param met whether it is met, or {@code null} without a target
	 */
	void row(String part, String figure, String measured, double ratio, String target, Boolean met) {
		this.rows.add(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s |", part, figure, measured,
				Double.isNaN(ratio) ? "" : String.format(Locale.ROOT, "%.3g", ratio), target,
				(met == null) ? "" : met ? "yes" : "**no**"));
		System.out.println(this.rows.get(this.rows.size() - 1));
	}

	/**
	 * Whether a part runs in this run.
	 * @param part one of {@link #PARTS}
	 * @return {@code true} when it was asked for, or no part was named
	 */
	boolean runs(String part) {
		return this.parts.isEmpty() || this.parts.contains(part);
	}

	/** JMH's options for benchmarks (a regular expression of their names): 1 fork, short in the quick mode. */
	ChainedOptionsBuilder jmh(String benchmarks) {
		return new OptionsBuilder().include(benchmarks)
			.forks(1)
			.warmupIterations(this.quick ? 1 : 2)
			.warmupTime(TimeValue.milliseconds(this.quick ? 500 : 1000))
			.measurementIterations(this.quick ? 2 : 5)
			.measurementTime(TimeValue.milliseconds(this.quick ? 500 : 1000))
			.jvmArgsAppend(App.JVM_FLAGS.toArray(String[]::new));
	}

	static Collection<RunResult> run(ChainedOptionsBuilder options) throws RunnerException {
		return new Runner(options.build()).run();
	}

	private static String commit() throws java.io.IOException, InterruptedException {
		Process git = new ProcessBuilder("git", "rev-parse", "--short", "HEAD").start();
		String commit = new String(git.getInputStream().readAllBytes()).trim();
		return (git.waitFor() == 0) ? commit : "?";
	}

	/** A warning when the machine was busier than its cores at the start or the end. */
	private static String busy(String loadAtStart) throws java.io.IOException {
		double cores = Runtime.getRuntime().availableProcessors();
		if (Double.parseDouble(loadAtStart.split(", ")[0]) <= cores
				&& Double.parseDouble(loadAverage().split(", ")[0]) <= cores) {
			return "";
		}
		return "Other work shared the machine during this run (a load average above its " + (int) cores
				+ " cores): every figure is noisy, the ratios taken within one round (B ÷ A) least.\n\n";
	}

	/** The load average over 1, 5 and 15 minutes. */
	static String loadAverage() throws java.io.IOException {
		return String.join(", ", Arrays.asList(Files.readString(Path.of("/proc/loadavg")).split(" ")).subList(0, 3));
	}

	/** The value of a count for the mode: {@code full} normally, {@code quick} in the quick mode. */
	int count(int full, int quick) {
		return this.quick ? quick : full;
	}

	Duration duration(int fullSeconds, int quickSeconds) {
		return Duration.ofSeconds(count(fullSeconds, quickSeconds));
	}

	Path folder(String name) throws java.io.IOException {
		return Files.createDirectories(this.work.resolve(name));
	}

	/** Nearest-rank percentile of nanosecond samples. */
	static long percentile(long[] samples, double percent) {
		long[] sorted = samples.clone();
		Arrays.sort(sorted);
		return sorted[Math.max(0, (int) Math.ceil(percent / 100 * sorted.length) - 1)];
	}

	static double median(List<Double> values) {
		return values.stream().sorted().toList().get(values.size() / 2);
	}

	/** A difference of nanoseconds with its sign, {@code +1.20 ms} or {@code −300 µs}. */
	static String difference(double nanos) {
		return ((nanos < 0) ? "−" : "+") + nanos(Math.abs(nanos));
	}

	static String nanos(double nanos) {
		if (nanos < 0) {
			return difference(nanos);
		}
		if (nanos < 1_000) {
			return String.format(Locale.ROOT, "%.3g ns", nanos);
		}
		if (nanos < 1_000_000) {
			return String.format(Locale.ROOT, "%.3g µs", nanos / 1e3);
		}
		return (nanos < 1e9) ? String.format(Locale.ROOT, "%.3g ms", nanos / 1e6)
				: String.format(Locale.ROOT, "%.3g s", nanos / 1e9);
	}

	/** A run's length: {@code 16 min 50 s} from a minute on, else as {@link #nanos}. */
	static String format(Duration duration) {
		return (duration.toSeconds() < 60) ? nanos(duration.toNanos())
				: String.format(Locale.ROOT, "%d min %d s", duration.toMinutes(), duration.toSecondsPart());
	}

	static void sleep(long millis) {
		try {
			TimeUnit.MILLISECONDS.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
