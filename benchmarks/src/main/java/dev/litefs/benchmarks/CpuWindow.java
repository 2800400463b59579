package dev.litefs.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The CPU a process used over a window: its share of one core, and the threads that
 * used the most.
 *
 * @param share the share of one core
 * @param busiest the busiest threads' names and shares, the busiest first
 */
record CpuWindow(double share, Map<String, Double> busiest) {

	/**
	 * The CPU a process used over consecutive windows, the first one starting after a
	 * second's settling.
	 * @param pid the process
	 * @param window the length of each window
	 * @param windows how many windows
	 * @return each window's CPU
	 */
	static CpuWindow[] measure(long pid, Duration window, int windows) {
		Bench.sleep(Duration.ofSeconds(1));
		CpuWindow[] measured = new CpuWindow[windows];
		try {
			Duration before = ProcessCpu.of(pid);
			Map<String, Long> threadsBefore = ProcessCpu.threads(pid);
			long start = System.nanoTime();
			for (int i = 0; i < windows; i++) {
				Bench.sleep(window);
				Duration after = ProcessCpu.of(pid);
				Map<String, Long> threadsAfter = ProcessCpu.threads(pid);
				long end = System.nanoTime();
				measured[i] = CpuWindow.between(after.minus(before), threadsBefore, threadsAfter, end - start);
				before = after;
				threadsBefore = threadsAfter;
				start = end;
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not read the CPU time of process " + pid, ex);
		}
		return measured;
	}

	/**
	 * The CPU of a window.
	 * @param used the process's CPU time over the window, exited threads included
	 * @param before each live thread's ticks at the start
	 * @param after each live thread's ticks at the end
	 * @param wallNanos the window's length
	 * @return the window
	 */
	static CpuWindow between(Duration used, Map<String, Long> before, Map<String, Long> after, long wallNanos) {
		Map<String, Double> busiest = new LinkedHashMap<>();
		after.entrySet()
			.stream()
			.map((thread) -> Map.entry(thread.getKey(), (double) ProcessCpu
				.toDuration(thread.getValue() - before.getOrDefault(thread.getKey(), 0L))
				.toNanos() / wallNanos))
			.sorted(Map.Entry.<String, Double>comparingByValue().reversed())
			.limit(4)
			.filter((thread) -> thread.getValue() >= 0.002)
			.forEach((thread) -> busiest.put(thread.getKey(), thread.getValue()));
		return new CpuWindow((double) used.toNanos() / wallNanos, busiest);
	}

	/** The busiest threads, e.g. {@code `litefs-position` 4.0 %, `C2 CompilerThre` 2.1 %}. */
	String threads() {
		List<String> threads = new ArrayList<>();
		this.busiest.forEach((thread, share) -> threads.add("`" + thread + "` " + Format.percent(share)));
		return threads.isEmpty() ? "none above 0.2 %" : String.join(", ", threads);
	}


}
