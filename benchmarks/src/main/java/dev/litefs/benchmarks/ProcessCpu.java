package dev.litefs.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * The CPU time processes have used: a whole process's from the JDK's
 * {@link ProcessHandle.Info#totalCpuDuration()}; by thread, and for every process of the
 * machine, from Linux's {@code /proc/<pid>/stat} (user time plus system time,
 * {@code utime + stime}, fields 14 and 15, in clock ticks), which no JDK API reads for
 * another process.
 */
final class ProcessCpu {

	/** Clock ticks per second ({@code getconf CLK_TCK}); 100 on every common Linux. */
	static final long TICKS_PER_SECOND = ticksPerSecond();

	private ProcessCpu() {
	}

	/**
	 * The CPU time a live process has used so far.
	 * @param pid the process ID
	 * @return user plus system time
	 * @throws IOException if the process is gone or {@code /proc} cannot be read
	 */
	static Duration of(long pid) throws IOException {
		return ProcessHandle.of(pid)
			.flatMap((process) -> process.info().totalCpuDuration())
			.orElseThrow(() -> new IOException("No CPU time for process " + pid + ": has it exited?"));
	}

	/**
	 * The CPU time these live processes have used so far, added up.
	 * @param pids the process IDs
	 * @return user plus system time
	 * @throws IllegalStateException if a process is gone
	 */
	static Duration total(long... pids) {
		Duration total = Duration.ZERO;
		for (long pid : pids) {
			try {
				total = total.plus(of(pid));
			}
			catch (IOException ex) {
				throw new IllegalStateException(ex.getMessage(), ex);
			}
		}
		return total;
	}

	/**
	 * The CPU time the threads of a live process have used so far, by thread name (the
	 * first 15 characters, as Linux keeps them), numbered threads of a pool together:
	 * {@code waiter-7} and {@code waiter-12} count as {@code waiter-*}.
	 * @param pid the process ID
	 * @return clock ticks by thread name
	 * @throws IOException if the process is gone
	 */
	static Map<String, Long> threads(long pid) throws IOException {
		Map<String, Long> ticks = new TreeMap<>();
		try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
			for (Path task : tasks) {
				try {
					Stat stat = parse(Files.readString(task.resolve("stat")));
					ticks.merge(stat.command().replaceFirst("\\d+$", "*"), stat.ticks(), Long::sum);
				}
				catch (NoSuchFileException ex) {
					// the thread ended meanwhile
				}
			}
		}
		return ticks;
	}

	static Duration toDuration(long ticks) {
		return Duration.ofNanos(ticks * 1_000_000_000L / TICKS_PER_SECOND);
	}

	/**
	 * Parses one {@code /proc/<pid>/stat} line. The command name (field 2) is in
	 * parentheses and may itself hold spaces and parentheses, so the fields after it are
	 * counted from the last {@code ')'}.
	 * @param stat the content of the file
	 * @return the fields this harness uses
	 * @throws IllegalArgumentException if the line does not have that shape
	 */
	static Stat parse(String stat) {
		int open = stat.indexOf('(');
		int close = stat.lastIndexOf(')');
		if (open < 1 || close < open) {
			throw new IllegalArgumentException("Not a /proc/<pid>/stat line: " + stat);
		}
		String[] rest = stat.substring(close + 1).trim().split("\\s+");
		// rest[0] is field 3 (state): field n is rest[n - 3]
		if (rest.length < 13) {
			throw new IllegalArgumentException("Too few fields in /proc/<pid>/stat: " + stat);
		}
		long pid = Long.parseLong(stat.substring(0, open).trim());
		long ppid = Long.parseLong(rest[4 - 3]);
		long ticks = Long.parseLong(rest[14 - 3]) + Long.parseLong(rest[15 - 3]);
		return new Stat(pid, stat.substring(open + 1, close), ppid, ticks);
	}

	private static long ticksPerSecond() {
		try {
			Process getconf = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
			try (InputStream out = getconf.getInputStream()) {
				String ticks = new String(out.readAllBytes(), StandardCharsets.US_ASCII).trim();
				return (getconf.waitFor() == 0) ? Long.parseLong(ticks) : 100;
			}
		}
		catch (IOException | NumberFormatException ex) {
			return 100;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return 100;
		}
	}

	/**
	 * What this harness reads of a process's stat line.
	 *
	 * @param pid the process ID
	 * @param command the command name (field 2, without parentheses)
	 * @param parentPid the parent's process ID
	 * @param ticks user plus system time, in clock ticks
	 */
	record Stat(long pid, String command, long parentPid, long ticks) {

	}

}
