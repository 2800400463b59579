package dev.litefs.benchmarks;

import java.time.Duration;
import java.util.Locale;

/** How figures are written in the results. */
final class Format {

	private Format() {
	}

	/**
	 * A duration in the unit that suits it: ns, µs, ms or s, three significant digits.
	 * @param nanos the duration in nanoseconds (may be negative, for a difference)
	 * @return e.g. {@code 1.23 ms}
	 */
	static String nanos(double nanos) {
		double abs = Math.abs(nanos);
		if (abs < 1_000) {
			return significant(nanos) + " ns";
		}
		if (abs < 1_000_000) {
			return significant(nanos / 1_000) + " µs";
		}
		if (abs < 1_000_000_000) {
			return significant(nanos / 1_000_000) + " ms";
		}
		return significant(nanos / 1_000_000_000) + " s";
	}

	static String duration(Duration duration) {
		return nanos(duration.toNanos());
	}

	/** A signed duration, for a difference: {@code +0.42 ms}. */
	static String difference(double nanos) {
		return ((nanos >= 0) ? "+" : "−") + nanos(Math.abs(nanos));
	}

	static String percent(double fraction) {
		return String.format(Locale.ROOT, "%.1f %%", fraction * 100);
	}

	static String perSecond(double rate) {
		return String.format(Locale.ROOT, "%,.0f", rate);
	}

	static String ratio(double ratio) {
		return String.format(Locale.ROOT, "%.3f", ratio);
	}

	private static String significant(double value) {
		double abs = Math.abs(value);
		String pattern = (abs >= 100) ? "%.0f" : (abs >= 10) ? "%.1f" : "%.2f";
		return String.format(Locale.ROOT, pattern, value);
	}

}
