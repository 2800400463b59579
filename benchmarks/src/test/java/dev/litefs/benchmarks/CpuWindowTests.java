package dev.litefs.benchmarks;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class CpuWindowTests {

	private static final long SECOND = 1_000_000_000L;

	@Test
	void sharesAreOfTheWindowAndTheBusiestThreadsComeFirst() {
		long tick = ProcessCpu.toDuration(1).toNanos();
		CpuWindow window = CpuWindow.between(Duration.ofMillis(600), Map.of("watcher", 0L, "compiler", 10L),
				Map.of("watcher", 40L, "compiler", 90L, "idle", 0L), 2 * SECOND);

		assertThat(window.share()).isEqualTo(0.3);
		assertThat(window.busiest()).containsOnlyKeys("compiler", "watcher");
		assertThat(window.busiest().keySet()).containsExactly("compiler", "watcher");
		assertThat(window.busiest().get("watcher")).isCloseTo(40.0 * tick / (2 * SECOND), within(1e-9));
		assertThat(window.threads()).startsWith("`compiler` ").contains(", `watcher` ");
	}

	@Test
	void aThreadStartedDuringTheWindowCountsWholeAndQuietOnesAreLeftOut() {
		CpuWindow window = CpuWindow.between(Duration.ofMillis(100), Map.of(), Map.of("new", 5L), SECOND);

		assertThat(window.busiest()).containsOnlyKeys("new");
		assertThat(CpuWindow.between(Duration.ZERO, Map.of("a", 3L), Map.of("a", 3L), SECOND).threads())
			.isEqualTo("none above 0.2 %");
	}

}
