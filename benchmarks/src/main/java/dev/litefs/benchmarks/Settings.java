package dev.litefs.benchmarks;

import java.time.Duration;

import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * How long and how often each part measures. {@link #full()} is what
 * {@code benchmarks/run.sh} uses and what RESULTS.md reports; {@link #quick()} only
 * checks that the harness works.
 *
 * @param jmhWarmupIterations JMH warm-up iterations per benchmark method
 * @param jmhIterations JMH measured iterations per benchmark method
 * @param jmhIterationTime the length of one JMH iteration
 * @param roleFlips how many role flips are timed
 * @param clientThreads the client threads of the per-request load
 * @param warmUp the per-request load each app gets before measuring
 * @param round the length of one measured per-request round
 * @param pairs how many pairs of per-request rounds, or of forwarding blocks, are
 * compared
 * @param releaseRounds how many times N requests are released, for N = 1, 50, 300
 * @param cpuWindow how long the CPU is measured while requests wait
 * @param forwardWarmUp the least warm-up of the forwarding paths (it goes on until the
 * JIT compilers are done)
 * @param forwardBlock requests in one measured forwarding block
 * @param startups how many times each variant of the app is started
 * @param haltRounds how many HALT acquires, halted writes and primary writes are timed
 * @param haltHolds how many times the replica holds the HALT lock while the primary
 * writes
 * @param quickRun whether this is a {@code --quick} run, too short to report
 */
record Settings(int jmhWarmupIterations, int jmhIterations, Duration jmhIterationTime, int roleFlips,
		int clientThreads, Duration warmUp, Duration round, int pairs, int[] releaseRounds, Duration cpuWindow,
		Duration forwardWarmUp, int forwardBlock, int startups, int haltRounds, int haltHolds, boolean quickRun) {

	/** The waiting requests per release, as the issue asks. */
	static final int[] WAITING = { 1, 50, 300 };

	/**
	 * JMH's options for one benchmark class as these settings say: one fork, and the
	 * warm-up and measured iterations.
	 * @param benchmark the JMH benchmark class
	 * @return options to add to or build
	 */
	ChainedOptionsBuilder jmh(Class<?> benchmark) {
		return new OptionsBuilder().include(benchmark.getName())
			.forks(1)
			.warmupIterations(this.jmhWarmupIterations)
			.warmupTime(TimeValue.milliseconds(this.jmhIterationTime.toMillis()))
			.measurementIterations(this.jmhIterations)
			.measurementTime(TimeValue.milliseconds(this.jmhIterationTime.toMillis()))
			.shouldFailOnError(true);
	}

	/**
	 * The longest a warm-up may go on until the JIT compilers are done ({@link WarmUp}).
	 * @param full the limit of a full run
	 * @return that limit, or none in a quick run (one block)
	 */
	Duration warmUpLimit(Duration full) {
		return this.quickRun ? Duration.ZERO : full;
	}

	static Settings full() {
		return new Settings(1, 4, Duration.ofSeconds(1), 6, 4, Duration.ofSeconds(10), Duration.ofSeconds(8), 4,
				new int[] { 20, 5, 3 }, Duration.ofSeconds(3), Duration.ofSeconds(20), 1000, 3, 300, 5, false);
	}

	static Settings quick() {
		return new Settings(1, 2, Duration.ofMillis(200), 2, 4, Duration.ofSeconds(2), Duration.ofSeconds(2), 2,
				new int[] { 3, 2, 1 }, Duration.ofSeconds(1), Duration.ofSeconds(1), 30, 1, 20, 1, true);
	}

}
