package dev.litefs.benchmarks;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.stream.LongStream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The few calculations the harness makes itself: nearest-rank percentiles, medians, a
 * run's length, a process's CPU time from {@code /proc/<pid>/stat} and its threads' time
 * waiting for a core from their {@code schedstat}.
 */
class BenchTests {

	@Test
	void percentileIsTheNearestRank() {
		long[] samples = LongStream.rangeClosed(1, 100).map((i) -> 101 - i).toArray();
		assertThat(Bench.percentile(samples, 50)).isEqualTo(50);
		assertThat(Bench.percentile(samples, 99)).isEqualTo(99);
		assertThat(Bench.percentile(samples, 100)).isEqualTo(100);
		assertThat(Bench.percentile(new long[] { 7 }, 50)).isEqualTo(7);
		assertThat(samples[0]).as("the samples are left as they were").isEqualTo(100);
	}

	@Test
	void differenceKeepsItsSign() {
		assertThat(Bench.difference(-300_000)).isEqualTo("−300 µs");
		assertThat(Bench.difference(1_200_000)).isEqualTo("+1.20 ms");
		assertThat(Bench.nanos(-2_000)).isEqualTo("−2.00 µs");
	}

	@Test
	void aRunsLengthIsInMinutesFromAMinuteOn() {
		assertThat(Bench.format(java.time.Duration.ofSeconds(1010))).isEqualTo("16 min 50 s");
		assertThat(Bench.format(java.time.Duration.ofMillis(42_500))).isEqualTo("42.5 s");
	}

	@Test
	void medianOfAnOddCountIsTheMiddleValue() {
		assertThat(Bench.median(List.of(3.0, 1.0, 2.0))).isEqualTo(2.0);
	}

	@Test
	void cpuTimeOfAProcessCountsWhatItsThreadsSpend() {
		long pid = ProcessHandle.current().pid();
		long before = App.cpuNanos(pid);
		long threadBefore = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
		long spent = 0;
		while (ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - threadBefore < 300_000_000L) {
			spent += Long.numberOfTrailingZeros(System.nanoTime());
		}
		assertThat(spent).isPositive();
		// the kernel counts in ticks of 10 ms: at least 300 ms of this thread, less a tick
		assertThat(App.cpuNanos(pid) - before).isGreaterThanOrEqualTo(290_000_000L);
	}

	@Test
	void runQueueTimeCountsThreadsThatWaitedForACore() throws InterruptedException {
		long pid = ProcessHandle.current().pid();
		long before = App.runQueueNanos(pid);
		// twice as many threads as cores, each wanting 200 ms of CPU: half of them wait at any time
		List<Thread> threads = new java.util.ArrayList<>();
		for (int i = 0; i < 2 * Runtime.getRuntime().availableProcessors(); i++) {
			Thread thread = new Thread(() -> {
				long start = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
				while (ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - start < 200_000_000L) {
					Thread.onSpinWait();
				}
			});
			thread.start();
			threads.add(thread);
		}
		for (Thread thread : threads) {
			thread.join();
		}
		assertThat(App.runQueueNanos(pid) - before).isGreaterThanOrEqualTo(100_000_000L);
	}

}
