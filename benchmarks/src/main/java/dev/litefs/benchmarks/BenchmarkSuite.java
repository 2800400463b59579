package dev.litefs.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * Runs every part of the benchmarks against the sample app's jar and writes
 * {@code RESULTS.md}. Started by {@code benchmarks/run.sh}:
 * <pre>
 * java -cp ... dev.litefs.benchmarks.BenchmarkSuite --app sample-app/target/litefs-sample-app-*.jar \
 *     [--out file] [--work benchmarks/target/work] [--quick] [--only 2,3]
 * </pre>
 * {@code --quick} shortens every part to check the harness; {@code --only} runs some
 * parts. Neither gives figures to report, so unless {@code --out} says otherwise they
 * write {@code benchmarks/target/RESULTS-partial.md}, and only a whole run
 * {@code benchmarks/RESULTS.md}.
 */
public final class BenchmarkSuite {

	/** A tmpfs on Linux: databases there are not slowed down or blurred by the disk's fsync. */
	private static final Path SHARED_MEMORY = Path.of("/dev/shm");

	private BenchmarkSuite() {
	}

	/**
	 * Runs the benchmarks.
	 * @param args the options above
	 * @throws IOException if RESULTS.md cannot be written
	 */
	public static void main(String[] args) throws IOException {
		Path app = null;
		Path out = null;
		Path work = Path.of("benchmarks/target/work");
		Path mounts = null;
		boolean quick = false;
		// when run.sh started, before it built the jars: the run's time includes the build
		long startedMillis = System.currentTimeMillis();
		Set<Integer> parts = new LinkedHashSet<>(List.of(1, 2, 3, 4, 5, 6, 7, 8));
		for (int i = 0; i < args.length; i++) {
			switch (args[i]) {
				case "--app" -> app = Path.of(args[++i]);
				case "--out" -> out = Path.of(args[++i]);
				case "--work" -> work = Path.of(args[++i]);
				case "--mounts" -> mounts = Path.of(args[++i]);
				case "--started" -> startedMillis = Long.parseLong(args[++i]);
				case "--quick" -> quick = true;
				case "--only" -> {
					parts.clear();
					for (String part : args[++i].split(",")) {
						parts.add(Integer.parseInt(part.trim()));
					}
				}
				default -> throw new IllegalArgumentException("Unknown option " + args[i]
						+ "; expected --app <jar> [--out <file>] [--work <dir>] [--mounts <dir>] [--started <epoch ms>] "
						+ "[--quick] [--only 1,2,...]");
			}
		}
		if (out == null) {
			// only a whole run replaces the committed results
			boolean whole = !quick && parts.size() == 8;
			out = Path.of(whole ? "benchmarks/RESULTS.md" : "benchmarks/target/RESULTS-partial.md");
		}
		if (app == null || !Files.isRegularFile(app)) {
			throw new IllegalArgumentException("--app must name the sample app's executable jar, not " + app);
		}
		if (mounts == null) {
			mounts = Files.isDirectory(SHARED_MEMORY) && Files.isWritable(SHARED_MEMORY)
					? SHARED_MEMORY.resolve("litefs-benchmarks-" + ProcessHandle.current().pid()) : work.resolve("mounts");
		}
		Bench bench = new Bench(app.toAbsolutePath(), work.toAbsolutePath(), mounts.toAbsolutePath(),
				quick ? Settings.quick() : Settings.full());
		ZonedDateTime started = Instant.ofEpochMilli(startedMillis).atZone(ZoneOffset.UTC);
		long start = System.nanoTime() - Duration.ofMillis(System.currentTimeMillis() - startedMillis).toNanos();
		List<Report> reports = new ArrayList<>();
		try (MachineActivity activity = new MachineActivity()) {
			List<Part> all = List.of(new Part(1, "node model", () -> new NodeCost(bench).run()),
					new Part(2, "per-request overhead", () -> new RequestOverhead(bench).run()),
					new Part(3, "read-your-writes release", () -> new ReleaseLatency(bench).run()),
					new Part(4, "forwarding", () -> new ForwardingOverhead(bench).run()),
					new Part(5, "start-up", () -> new StartupTime(bench).run()),
					new Part(6, "real LiteFS cluster", () -> new RealCluster(bench).run()),
					new Part(7, "HALT lock", () -> new HaltCost(bench).run()),
					new Part(8, "LiteFS killed under writes", () -> new KillRecovery(bench).run()));
			for (Part part : all) {
				if (parts.contains(part.number())) {
					reports.add(part.run());
				}
			}
			activity.close();
			Bench.delete(bench.mountsDir());
			Duration took = Duration.ofNanos(System.nanoTime() - start);
			String document = document(started, took, quick, bench.mountsDir(), activity.describe(), reports);
			Files.createDirectories(out.toAbsolutePath().getParent());
			Files.writeString(out, document);
			System.out.println(document);
			System.out.println("Written to " + out + " in " + Format.duration(took));
		}
		System.exit(reports.stream().anyMatch(Report::failed) ? 1 : 0);
	}

	private static String document(ZonedDateTime started, Duration took, boolean quick, Path mounts,
			Map<String, String> machine, List<Report> reports) {
		List<String> lines = new ArrayList<>();
		lines.add("# Benchmark results");
		lines.add("");
		lines.add(String.format(Locale.ROOT,
				"Measured by `benchmarks/run.sh` on %s (UTC), in %d min %d s (its build included), at commit `%s`.",
				started.format(DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm", Locale.ROOT)), took.toMinutes(),
				took.toSecondsPart(), gitCommit()));
		lines.add("Every figure is a measurement of this run; how each is taken is under its part below, "
				+ "and `benchmarks/README.md` explains the method and what limits each figure.");
		if (quick) {
			lines.add("");
			lines.add("**A `--quick` run: too short to report; run `benchmarks/run.sh` for real figures.**");
		}
		lines.add("");
		lines.add("| machine | |");
		lines.add("| --- | --- |");
		lines.add("| CPU | " + Runtime.getRuntime().availableProcessors() + " cores, "
				+ procValue("/proc/cpuinfo", "model name").orElse("model unknown") + " |");
		lines.add("| JVM | " + System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version")
				+ " |");
		lines.add("| OS | " + System.getProperty("os.name") + " " + System.getProperty("os.version") + " |");
		lines.add("| memory | " + procValue("/proc/meminfo", "MemTotal")
			.map((kibibytes) -> Long.parseLong(kibibytes.replaceAll("\\D", "")) / 1024 / 1024 + " GiB")
			.orElse("unknown") + " |");
		lines.add("| sample-app JVMs | `" + String.join(" ", Bench.JVM_FLAGS) + "` |");
		lines.add("| fake mounts and their databases | in `" + mounts.getParent() + "` (" + fileSystem(mounts) + ") |");
		machine.forEach((fact, value) -> lines.add("| " + fact + " | " + value + " |"));
		lines.add("");
		lines.add("## Summary");
		lines.add("");
		lines.add("| part | figure | measured | target | met |");
		lines.add("| --- | --- | --- | --- | --- |");
		for (Report report : reports) {
			String part = report.title().substring(0, report.title().indexOf('.'));
			for (Report.Figure figure : report.figures()) {
				lines.add("| " + part + " | " + figure.name() + " | " + figure.measured() + " | " + figure.target()
						+ " | " + figure.verdictText() + " |");
			}
		}
		for (Report report : reports) {
			lines.add("");
			lines.add("## " + report.title());
			lines.add("");
			lines.addAll(report.details());
		}
		return String.join("\n", lines) + "\n";
	}

	/** The type of the file system that holds this file or folder, e.g. {@code tmpfs}. */
	static String fileSystem(Path dir) {
		try {
			return Files.getFileStore(dir.getParent()).type();
		}
		catch (IOException ex) {
			return "file system unknown";
		}
	}

	/** The value of the first line of a {@code /proc} file with this key, as in {@code model name : AMD EPYC}. */
	private static Optional<String> procValue(String file, String key) {
		try {
			return Files.readAllLines(Path.of(file))
				.stream()
				.filter((line) -> line.startsWith(key))
				.map((line) -> line.substring(line.indexOf(':') + 1).trim())
				.findFirst();
		}
		catch (IOException ex) {
			return Optional.empty();
		}
	}

	private static String gitCommit() {
		try {
			Process git = new ProcessBuilder("git", "describe", "--always", "--dirty").redirectErrorStream(true).start();
			try (InputStream out = git.getInputStream()) {
				String commit = new String(out.readAllBytes(), StandardCharsets.UTF_8).trim();
				return (git.waitFor() == 0) ? commit : "unknown";
			}
		}
		catch (IOException ex) {
			return "unknown";
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return "unknown";
		}
	}

	/** One part of the benchmarks; a failure is reported as its only figure, and the others still run. */
	private record Part(int number, String name, Callable<Report> body) {

		Report run() {
			System.out.println("== Part " + this.number + ": " + this.name);
			long start = System.nanoTime();
			Report report;
			try {
				report = this.body.call();
			}
			catch (Exception ex) {
				ex.printStackTrace();
				report = Report.failure(this.number + ". " + this.name, ex);
			}
			return report.detail("").detail("This part took " + Format.duration(Duration.ofNanos(System.nanoTime() - start)) + ".");
		}

	}

}
