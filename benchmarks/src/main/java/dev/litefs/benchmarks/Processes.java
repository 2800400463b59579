package dev.litefs.benchmarks;

import java.time.Duration;

/** The CPU time of processes, as the JDK's {@link ProcessHandle} reads it. */
final class Processes {

	private Processes() {
	}

	/**
	 * The CPU time these processes have used so far, all their threads, added up.
	 * @param pids the processes
	 * @return user plus system time
	 * @throws IllegalStateException when a process is gone or its CPU time cannot be read
	 */
	static Duration cpu(long... pids) {
		Duration total = Duration.ZERO;
		for (long pid : pids) {
			total = total.plus(ProcessHandle.of(pid)
				.flatMap((process) -> process.info().totalCpuDuration())
				.orElseThrow(() -> new IllegalStateException("No CPU time for process " + pid + ": has it exited?")));
		}
		return total;
	}

}
