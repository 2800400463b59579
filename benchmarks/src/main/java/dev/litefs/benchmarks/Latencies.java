package dev.litefs.benchmarks;

import java.time.Duration;

import org.HdrHistogram.Histogram;

/**
 * Recorded latencies, in nanoseconds, and their percentiles, held in an
 * {@link Histogram HdrHistogram} to three significant digits (a percentile is the
 * smallest value, to that precision, that at least p % of the values do not exceed). Not
 * thread-safe: each thread records into its own and the results are {@link #addAll
 * merged}.
 */
final class Latencies {

	private final Histogram histogram = new Histogram(3);

	void add(long nanos) {
		this.histogram.recordValue(nanos);
	}

	void add(Duration latency) {
		add(latency.toNanos());
	}

	void addAll(Latencies other) {
		this.histogram.add(other.histogram);
	}

	int count() {
		return (int) this.histogram.getTotalCount();
	}

	/**
	 * The p-th percentile.
	 * @param p the percentile, above 0 and at most 100
	 * @return the value, in nanoseconds
	 */
	long percentile(double p) {
		if (p <= 0 || p > 100) {
			throw new IllegalArgumentException("A percentile is above 0 and at most 100, not " + p);
		}
		requireValues();
		return this.histogram.getValueAtPercentile(p);
	}

	long p50() {
		return percentile(50);
	}

	long p99() {
		return percentile(99);
	}

	long max() {
		requireValues();
		return this.histogram.getMaxValue();
	}

	long min() {
		requireValues();
		return this.histogram.getMinValue();
	}

	private void requireValues() {
		if (this.histogram.getTotalCount() == 0) {
			throw new IllegalStateException("No latency was recorded");
		}
	}

}
