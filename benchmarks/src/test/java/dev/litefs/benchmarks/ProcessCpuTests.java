package dev.litefs.benchmarks;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class ProcessCpuTests {

	private static final String JAVA = "4242 (java) S 4000 4242 4000 0 -1 4194560 51232 0 1 0 1234 567 0 0 20 0 "
			+ "41 0 123456 5000000000 60000 18446744073709551615 1 1 0 0 0 0 0 4096 16384 0 0 0 17 1 0 0 0 0 0";

	@Test
	void readsUserPlusSystemTicksAndTheParent() {
		ProcessCpu.Stat stat = ProcessCpu.parse(JAVA);

		assertThat(stat.pid()).isEqualTo(4242);
		assertThat(stat.command()).isEqualTo("java");
		assertThat(stat.parentPid()).isEqualTo(4000);
		assertThat(stat.ticks()).isEqualTo(1234 + 567);
	}

	@Test
	void countsFieldsFromTheLastParenthesisWhateverTheCommandHolds() {
		ProcessCpu.Stat stat = ProcessCpu.parse(JAVA.replace("(java)", "(a) b (c) 9 9)"));

		assertThat(stat.command()).isEqualTo("a) b (c) 9 9");
		assertThat(stat.parentPid()).isEqualTo(4000);
		assertThat(stat.ticks()).isEqualTo(1801);
	}

	@Test
	void refusesWhatIsNoStatLine() {
		assertThatIllegalArgumentException().isThrownBy(() -> ProcessCpu.parse("hello"))
			.withMessageContaining("Not a /proc/<pid>/stat line");
		assertThatIllegalArgumentException().isThrownBy(() -> ProcessCpu.parse("1 (x) S 0 1"))
			.withMessageContaining("Too few fields");
	}

	@Test
	void readsThisProcessWhoseTimeGrowsWithWork() throws IOException {
		long pid = ProcessHandle.current().pid();
		Duration before = ProcessCpu.of(pid);
		long deadline = System.nanoTime() + 300_000_000L;
		long spin = 0;
		while (System.nanoTime() < deadline) {
			spin++;
		}

		assertThat(spin).isPositive();
		assertThat(ProcessCpu.of(pid)).isGreaterThan(before);
		assertThat(ProcessCpu.toDuration(ProcessCpu.TICKS_PER_SECOND)).isEqualTo(Duration.ofSeconds(1));
	}

	@Test
	void readsTheThreadsOfThisProcessByNameAPoolTogether() throws Exception {
		AtomicBoolean stop = new AtomicBoolean();
		Thread spinning = new Thread(() -> {
			while (!stop.get()) {
				Thread.onSpinWait();
			}
		}, "cpu-test-spin");
		Runnable sleep = () -> {
			while (!stop.get()) {
				LockSupport.parkNanos(10_000_000);
			}
		};
		Thread sleeping1 = new Thread(sleep, "cpu-test-nap-1");
		Thread sleeping2 = new Thread(sleep, "cpu-test-nap-2");
		spinning.start();
		sleeping1.start();
		sleeping2.start();
		try {
			Thread.sleep(300);
			Map<String, Long> threads = ProcessCpu.threads(ProcessHandle.current().pid());

			assertThat(threads).containsKey("cpu-test-nap-*").doesNotContainKey("cpu-test-nap-1");
			assertThat(threads.get("cpu-test-spin")).isGreaterThan(threads.get("cpu-test-nap-*"));
		}
		finally {
			stop.set(true);
			spinning.join();
			sleeping1.join();
			sleeping2.join();
		}
	}

}
