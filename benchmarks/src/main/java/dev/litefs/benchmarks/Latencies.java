package dev.litefs.benchmarks;

import java.time.Duration;
import java.util.Arrays;

/**
 * Recorded latencies, in nanoseconds, and their percentiles (nearest rank: the smallest
 * recorded value that at least p % of the values do not exceed). Not thread-safe: each
 * thread records into its own and the results are {@link #addAll merged}.
 */
final class Latencies {

	private long[] values = new long[1024];

	private int size;

	private boolean sorted = true;

	void add(long nanos) {
		if (this.size == this.values.length) {
			this.values = Arrays.copyOf(this.values, this.size * 2);
		}
		this.values[this.size++] = nanos;
		this.sorted = false;
	}

	void add(Duration latency) {
		add(latency.toNanos());
	}

	void addAll(Latencies other) {
		for (int i = 0; i < other.size; i++) {
			add(other.values[i]);
		}
	}

	int count() {
		return this.size;
	}

	/**
	 * The p-th percentile, by nearest rank.
	 * @param p the percentile, above 0 and at most 100
	 * @return the value, in nanoseconds
	 */
	long percentile(double p) {
		if (p <= 0 || p > 100) {
			throw new IllegalArgumentException("A percentile is above 0 and at most 100, not " + p);
		}
		if (this.size == 0) {
			throw new IllegalStateException("No latency was recorded");
		}
		sort();
		int rank = (int) Math.ceil(p / 100 * this.size);
		return this.values[Math.max(rank, 1) - 1];
	}

	long p50() {
		return percentile(50);
	}

	long p99() {
		return percentile(99);
	}

	long max() {
		return percentile(100);
	}

	long min() {
		if (this.size == 0) {
			throw new IllegalStateException("No latency was recorded");
		}
		sort();
		return this.values[0];
	}

	private void sort() {
		if (!this.sorted) {
			Arrays.sort(this.values, 0, this.size);
			this.sorted = true;
		}
	}

}
