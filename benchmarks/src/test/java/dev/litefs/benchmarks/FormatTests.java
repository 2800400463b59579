package dev.litefs.benchmarks;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class FormatTests {

	@Test
	void writesDurationsInTheUnitThatSuitsThem() {
		assertThat(Format.nanos(2.345)).isEqualTo("2.35 ns");
		assertThat(Format.nanos(12_345)).isEqualTo("12.3 µs");
		assertThat(Format.nanos(1_234_567)).isEqualTo("1.23 ms");
		assertThat(Format.nanos(456_000_000)).isEqualTo("456 ms");
		assertThat(Format.nanos(3_210_000_000L)).isEqualTo("3.21 s");
	}

	@Test
	void writesDifferencesWithTheirSign() {
		assertThat(Format.difference(420_000)).isEqualTo("+420 µs");
		assertThat(Format.difference(-1_500_000)).isEqualTo("−1.50 ms");
	}

	@Test
	void writesSharesRatesAndRatios() {
		assertThat(Format.percent(0.0123)).isEqualTo("1.2 %");
		assertThat(Format.perSecond(12345.6)).isEqualTo("12,346");
		assertThat(Format.ratio(0.98765)).isEqualTo("0.988");
	}

}
