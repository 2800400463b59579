package dev.litefs.benchmarks;

import java.time.Duration;
import java.util.List;

/**
 * Warming apps up until their JIT compilers are done with the load, rather than for a
 * fixed time: the load runs in blocks until a block adds less than {@link #QUIET} of its
 * length to each app's compilation time, or until the limit. A JVM measured while C2
 * still compiles pays for the compiling on the same cores, and more so the JVM that
 * got less load so far (a replica whose writes are forwarded, say).
 *
 * @param took how long the warm-up ran
 * @param lastBlock the compilation time the busiest app spent in the last block
 * @param quiet whether the last block was under {@link #QUIET}, rather than the limit reached
 */
record WarmUp(Duration took, Duration lastBlock, boolean quiet) {

	/**
	 * The share of a block's length that counts as done compiling: 5 %. A JVM warmed for
	 * minutes still compiles in bursts of 15–500 ms per 5 s, so a stricter share is never
	 * met, and the warm-up only ends at its limit.
	 */
	static final double QUIET = 0.05;

	/** {@link #QUIET} in percent, as the reports say it. */
	static final long QUIET_PERCENT = Math.round(QUIET * 100);

	/**
	 * Runs the load in blocks until the apps' compilers are quiet.
	 * @param apps the JVMs being warmed, whose compilation time is watched
	 * @param block one block of load
	 * @param minimum how long to warm up at least
	 * @param limit how long to warm up at most (a block under way is finished)
	 * @return what the warm-up took
	 */
	static WarmUp until(List<SampleApp> apps, Runnable block, Duration minimum, Duration limit) {
		long start = System.nanoTime();
		while (true) {
			List<Duration> before = apps.stream().map(SampleApp::compilationTime).toList();
			long blockStart = System.nanoTime();
			block.run();
			long blockNanos = System.nanoTime() - blockStart;
			Duration busiest = Duration.ZERO;
			for (int i = 0; i < apps.size(); i++) {
				Duration spent = apps.get(i).compilationTime().minus(before.get(i));
				busiest = (spent.compareTo(busiest) > 0) ? spent : busiest;
			}
			Duration took = Duration.ofNanos(System.nanoTime() - start);
			boolean quiet = busiest.toNanos() < blockNanos * QUIET;
			if ((quiet && took.compareTo(minimum) >= 0) || took.compareTo(limit) >= 0) {
				return new WarmUp(took, busiest, quiet);
			}
		}
	}

	/** How the warm-up ended, for a report's detail. */
	String describe() {
		return Format.duration(this.took) + (this.quiet ? "" : ", stopped at the limit") + ", the last block "
				+ Format.duration(this.lastBlock) + " of JIT compiling";
	}

}
