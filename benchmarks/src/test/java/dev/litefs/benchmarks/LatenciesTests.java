package dev.litefs.benchmarks;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.withinPercentage;

class LatenciesTests {

	@Test
	void percentilesAreNearestRankOverValuesRecordedInAnyOrder() {
		Latencies latencies = new Latencies();
		for (long value = 100; value >= 1; value--) {
			latencies.add(value);
		}

		assertThat(latencies.p50()).isEqualTo(50);
		assertThat(latencies.p99()).isEqualTo(99);
		assertThat(latencies.percentile(99.5)).isEqualTo(100);
		assertThat(latencies.percentile(0.1)).isEqualTo(1);
		assertThat(latencies.max()).isEqualTo(100);
		assertThat(latencies.min()).isEqualTo(1);
	}

	@Test
	void largeLatenciesKeepThreeSignificantDigits() {
		Latencies latencies = new Latencies();
		latencies.add(1_234_567);
		latencies.add(Duration.ofSeconds(90));

		assertThat(latencies.p50()).isCloseTo(1_234_567, withinPercentage(0.1));
		assertThat(latencies.max()).isCloseTo(Duration.ofSeconds(90).toNanos(), withinPercentage(0.1));
	}

	@Test
	void aSmallSampleHasItsLargestValueAsP99() {
		Latencies latencies = new Latencies();
		latencies.add(3);
		latencies.add(1);
		latencies.add(2);

		assertThat(latencies.p50()).isEqualTo(2);
		assertThat(latencies.p99()).isEqualTo(3);
	}

	@Test
	void growsBeyondItsFirstCapacityAndMergesAfterReading() {
		Latencies a = new Latencies();
		for (int i = 0; i < 5000; i++) {
			a.add(1);
		}
		assertThat(a.max()).isEqualTo(1);
		Latencies b = new Latencies();
		b.add(7);
		a.addAll(b);

		assertThat(a.count()).isEqualTo(5001);
		assertThat(a.max()).isEqualTo(7);
		assertThat(a.p99()).isEqualTo(1);
	}

	@Test
	void refusesPercentilesOutsideTheRangeAndOfNothing() {
		Latencies latencies = new Latencies();
		assertThatIllegalStateException().isThrownBy(latencies::p50).withMessage("No latency was recorded");
		latencies.add(1);
		assertThatIllegalArgumentException().isThrownBy(() -> latencies.percentile(0));
		assertThatIllegalArgumentException().isThrownBy(() -> latencies.percentile(100.1));
	}

}
