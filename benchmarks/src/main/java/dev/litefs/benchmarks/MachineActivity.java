package dev.litefs.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * What else used the machine while the benchmarks ran: every process's CPU time, read
 * from {@code /proc} every second, minus this harness and its children. Processes that
 * start and end between two readings are missed.
 */
final class MachineActivity implements AutoCloseable {

	private static final Path PROC = Path.of("/proc");

	private final long self = ProcessHandle.current().pid();

	private final Map<Long, Long> lastTicks = new HashMap<>();

	private final Map<Long, Long> foreignTicks = new HashMap<>();

	private final Map<Long, String> descriptions = new HashMap<>();

	private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor((task) -> {
		Thread thread = new Thread(task, "machine-activity");
		thread.setDaemon(true);
		return thread;
	});

	private final long startedAt = System.nanoTime();

	private final String loadAtStart = loadAverage();

	private long ourTicks;

	private boolean first = true;

	MachineActivity() {
		sample();
		this.sampler.scheduleAtFixedRate(this::sample, 1, 1, TimeUnit.SECONDS);
	}

	/**
	 * Stops sampling, after a last reading.
	 */
	@Override
	public void close() {
		this.sampler.shutdownNow();
		try {
			this.sampler.awaitTermination(5, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		sample();
	}

	/**
	 * The machine while the benchmarks ran, as facts for a table.
	 * @return each fact and its value, in Markdown
	 */
	synchronized Map<String, String> describe() {
		Duration wall = Duration.ofNanos(System.nanoTime() - this.startedAt);
		Duration foreign = ProcessCpu.toDuration(this.foreignTicks.values().stream().mapToLong(Long::longValue).sum());
		Map<String, String> facts = new LinkedHashMap<>();
		facts.put("load average (1, 5, 15 min)", "at the start " + this.loadAtStart + "; at the end " + loadAverage());
		facts.put("CPU used by the benchmarks", Format.duration(ProcessCpu.toDuration(this.ourTicks))
				+ " (harness, sample apps, JMH, polling JVMs)");
		facts.put("CPU used by every other process", String.format(Locale.ROOT, "%s over %s of wall time (%s of one core)",
				Format.duration(foreign), Format.duration(wall), Format.percent((double) foreign.toNanos() / wall.toNanos())));
		List<String> busiest = this.foreignTicks.entrySet()
			.stream()
			.filter((entry) -> ProcessCpu.toDuration(entry.getValue()).toMillis() >= 1000)
			.sorted(Map.Entry.<Long, Long>comparingByValue(Comparator.reverseOrder()))
			.limit(8)
			.map((entry) -> this.descriptions.get(entry.getKey()) + " (pid " + entry.getKey() + "): "
					+ Format.duration(ProcessCpu.toDuration(entry.getValue())))
			.toList();
		facts.put("other processes with 1 s of CPU or more", busiest.isEmpty() ? "none" : String.join("; ", busiest));
		return facts;
	}

	private synchronized void sample() {
		Map<Long, ProcessCpu.Stat> stats = new HashMap<>();
		try (DirectoryStream<Path> processes = Files.newDirectoryStream(PROC, "[0-9]*")) {
			for (Path process : processes) {
				try {
					ProcessCpu.Stat stat = ProcessCpu.parse(Files.readString(process.resolve("stat")));
					stats.put(stat.pid(), stat);
				}
				catch (IOException | IllegalArgumentException ex) {
					// gone meanwhile
				}
			}
		}
		catch (IOException ex) {
			return;
		}
		for (ProcessCpu.Stat stat : stats.values()) {
			// a process first seen after the first reading started during the run: all its time counts
			long before = this.lastTicks.getOrDefault(stat.pid(), this.first ? stat.ticks() : 0L);
			long used = Math.max(0, stat.ticks() - before);
			this.lastTicks.put(stat.pid(), stat.ticks());
			if (isOurs(stat, stats)) {
				this.ourTicks += used;
			}
			else if (used > 0) {
				this.foreignTicks.merge(stat.pid(), used, Long::sum);
				this.descriptions.computeIfAbsent(stat.pid(), (pid) -> commandOf(pid, stat.command()));
			}
		}
		this.first = false;
	}

	private boolean isOurs(ProcessCpu.Stat stat, Map<Long, ProcessCpu.Stat> stats) {
		for (ProcessCpu.Stat at = stat; at != null; at = stats.get(at.parentPid())) {
			if (at.pid() == this.self) {
				return true;
			}
			if (at.parentPid() <= 1) {
				return false;
			}
		}
		return false;
	}

	/** The command, and for a JVM the jar or main class it runs. */
	static String commandOf(long pid, String command) {
		try {
			String[] args = new String(Files.readAllBytes(PROC.resolve(Long.toString(pid)).resolve("cmdline")),
					StandardCharsets.UTF_8)
				.split("\0");
			return commandOf(command, args);
		}
		catch (IOException ex) {
			return "`" + command + "`";
		}
	}

	static String commandOf(String command, String[] args) {
		if (!command.equals("java") || args.length < 2) {
			return "`" + command + "`";
		}
		for (int i = 1; i < args.length; i++) {
			String arg = args[i];
			if (arg.equals("-jar") && i + 1 < args.length) {
				return "`java -jar " + Path.of(args[i + 1]).getFileName() + "`";
			}
			if (arg.equals("-cp") || arg.equals("-classpath") || arg.equals("--class-path")) {
				i++;
			}
			else if (!arg.startsWith("-")) {
				return "`java " + arg + "`";
			}
		}
		return "`java`";
	}

	private static String loadAverage() {
		try {
			String[] fields = Files.readString(PROC.resolve("loadavg")).trim().split("\\s+");
			return fields[0] + ", " + fields[1] + ", " + fields[2];
		}
		catch (IOException | ArrayIndexOutOfBoundsException ex) {
			return "unknown";
		}
	}

}
