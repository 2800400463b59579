package dev.litefs.spring.halt;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import dev.litefs.spring.halt.LiteFsHaltException.Reason;
import dev.litefs.spring.node.LiteFsMount;
import dev.litefs.spring.node.LiteFsNode;
import dev.litefs.spring.node.LiteFsScheduler;
import dev.litefs.spring.test.FakeLiteFsMount;
import io.micrometer.common.KeyValue;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/**
 * {@link LiteFsHalt} on a fake mount, whose {@code <db>-lock} is a plain file: the JVM
 * takes and releases the lock on its byte 72 as it would on LiteFS, which grants it at
 * once. Whether this JVM holds it is asked of the JVM's own lock table.
 */
@ExtendWith(OutputCaptureExtension.class)
class LiteFsHaltTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	@TempDir
	Path dir;

	private final List<String> outcomes = new CopyOnWriteArrayList<>();

	private final ExecutorService others = Executors.newCachedThreadPool();

	private final LiteFsScheduler scheduler = new LiteFsScheduler();

	/** Records each observation as {@code <name> <outcome>} when it stops. */
	private final ObservationRegistry observations = ObservationRegistry.create();

	LiteFsHaltTests() {
		this.observations.observationConfig().observationHandler(new ObservationHandler<>() {

			@Override
			public boolean supportsContext(Observation.Context context) {
				return true;
			}

			@Override
			public void onStop(Observation.Context context) {
				KeyValue outcome = context.getLowCardinalityKeyValue("outcome");
				LiteFsHaltTests.this.outcomes
					.add(context.getName() + " " + ((outcome != null) ? outcome.getValue() : null));
			}

		});
	}

	@AfterEach
	void stop() {
		this.others.shutdownNow();
		this.scheduler.close();
	}

	/** The one place a halter is made: on a node of the mount, reporting to {@link #outcomes}. */
	private LiteFsHalt halt(FakeLiteFsMount mount, Duration maxHold, Duration waitTimeout) {
		LiteFsNode node = new LiteFsNode(new LiteFsMount(mount.dir(), mount.database()), "node-b", null,
				Duration.ofHours(1), (event) -> {
				});
		return new LiteFsHalt(node, maxHold, waitTimeout, this.observations, this.scheduler);
	}

	private LiteFsHalt replicaHalt(Duration maxHold, Duration waitTimeout) {
		FakeLiteFsMount mount = FakeLiteFsMount.replicaOf(this.dir, "node-a").write("app.db-lock", "");
		return halt(mount, maxHold, waitTimeout);
	}

	@Test
	void onThePrimaryTheBlockRunsWithoutTheLock() {
		LiteFsHalt halt = halt(FakeLiteFsMount.primary(this.dir), Duration.ofSeconds(5), Duration.ofSeconds(5));

		String result = halt.call(() -> "written");

		assertThat(result).isEqualTo("written");
		assertThat(this.outcomes).as("no acquire, no hold").isEmpty();
		assertThat(halt.lockFile()).as("never opened").doesNotExist();
	}

	@Test
	void onANodeThatKnowsNoPrimaryTheBlockDoesNotRun() {
		LiteFsHalt halt = halt(FakeLiteFsMount.replicaOf(this.dir, "node-a").loseConnection().write("app.db-lock", ""),
				Duration.ofSeconds(5), Duration.ofSeconds(5));
		AtomicBoolean ran = new AtomicBoolean();

		assertThatExceptionOfType(LiteFsHaltException.class).isThrownBy(() -> halt.run(() -> ran.set(true)))
			.satisfies((ex) -> assertThat(ex.reason()).isEqualTo(Reason.NO_PRIMARY))
			.withMessageContaining("knows no primary to halt");
		assertThat(ran).isFalse();
		assertThat(this.outcomes).isEmpty();
	}

	@Test
	void onAReplicaTheBlockRunsUnderTheLockWhichIsReleasedWhenItReturns() throws IOException {
		LiteFsHalt halt = replicaHalt(Duration.ofSeconds(5), Duration.ofSeconds(5));
		assertThat(halt.lockFile()).isEqualTo(this.dir.resolve("app.db-lock"));

		boolean heldInBlock = halt.call(() -> isHeld(halt.lockFile()));

		assertThat(heldInBlock).isTrue();
		assertThat(isHeld(halt.lockFile())).isFalse();
		assertThat(this.outcomes).containsExactly("litefs.halt.acquire acquired", "litefs.halt.hold released");
	}

	@Test
	void aBlockThatThrowsReleasesTheLockAndItsExceptionReachesTheCaller() throws IOException {
		LiteFsHalt halt = replicaHalt(Duration.ofSeconds(5), Duration.ofSeconds(5));
		IOException thrown = new IOException("the repair failed");

		assertThatExceptionOfType(IOException.class).isThrownBy(() -> halt.call(() -> {
			throw thrown;
		})).isSameAs(thrown);

		assertThat(isHeld(halt.lockFile())).isFalse();
		assertThat(this.outcomes).containsExactly("litefs.halt.acquire acquired", "litefs.halt.hold threw");
	}

	@Test
	void aBlockThatCallsInAgainWhileHoldingTheLockSimplyRuns() throws IOException {
		LiteFsHalt halt = replicaHalt(Duration.ofSeconds(5), Duration.ofSeconds(5));

		String result = halt.call(() -> halt.call(() -> "inner"));

		assertThat(result).isEqualTo("inner");
		assertThat(isHeld(halt.lockFile())).isFalse();
		assertThat(this.outcomes).containsExactly("litefs.halt.acquire acquired", "litefs.halt.hold released");
	}

	@Test
	void aBlockHeldPastMaxHoldHasTheLockReleasedUnderItAndTheCallEndsWithHoldExceeded(CapturedOutput output) {
		LiteFsHalt halt = replicaHalt(Duration.ofMillis(200), Duration.ofSeconds(5));
		AtomicBoolean finished = new AtomicBoolean();

		assertThatExceptionOfType(LiteFsHaltException.class).isThrownBy(() -> halt.run(() -> {
			// the block runs on; the lock goes from under it
			await().atMost(WAIT).until(() -> !isHeld(halt.lockFile()));
			finished.set(true);
		}))
			.satisfies((ex) -> assertThat(ex.reason()).isEqualTo(Reason.HOLD_EXCEEDED))
			.withMessageContaining("past litefs.halt.max-hold (PT0.2S)");

		assertThat(finished).as("the block ran to its end").isTrue();
		assertThat(this.outcomes).containsExactly("litefs.halt.acquire acquired", "litefs.halt.hold hold-exceeded");
		// logged by the watchdog right after it released the lock
		await().atMost(WAIT)
			.untilAsserted(() -> assertThat(output.getOut())
				.contains("Released the HALT lock of app.db after litefs.halt.max-hold (PT0.2S)"));
	}

	@Test
	void aBlockThatThrowsAfterMaxHoldEndsWithHoldExceededCausedByWhatItThrew() {
		LiteFsHalt halt = replicaHalt(Duration.ofMillis(200), Duration.ofSeconds(5));
		IllegalStateException thrown = new IllegalStateException("SQLITE_READONLY");

		assertThatExceptionOfType(LiteFsHaltException.class).isThrownBy(() -> halt.run(() -> {
			await().atMost(WAIT).until(() -> !isHeld(halt.lockFile()));
			throw thrown;
		})).satisfies((ex) -> assertThat(ex.reason()).isEqualTo(Reason.HOLD_EXCEEDED)).withCause(thrown);
		assertThat(this.outcomes).containsExactly("litefs.halt.acquire acquired", "litefs.halt.hold hold-exceeded");
	}

	@Test
	void aCallerWaitsForAnotherHolderOfThisJvmAtMostTheWaitTimeout() throws Exception {
		LiteFsHalt halt = replicaHalt(Duration.ofSeconds(30), Duration.ofMillis(300));
		Holder holder = holdInAnotherThread(halt);
		AtomicBoolean ran = new AtomicBoolean();

		CompletableFuture<Void> waiter = CompletableFuture.runAsync(() -> halt.run(() -> ran.set(true)), this.others);

		Throwable busy = catchThrowable(() -> waiter.get(10, TimeUnit.SECONDS)).getCause();
		assertThat(busy).isInstanceOfSatisfying(LiteFsHaltException.class,
				(ex) -> assertThat(ex.reason()).isEqualTo(Reason.BUSY))
			.hasMessageContaining("stayed held by another thread of this process for PT0.3S (litefs.halt.wait-timeout)");
		assertThat(ran).isFalse();
		holder.release();
		assertThat(this.outcomes).containsExactly("litefs.halt.acquire acquired", "litefs.halt.acquire busy",
				"litefs.halt.hold released");

		halt.run(() -> ran.set(true));
		assertThat(ran).as("the lock is free again").isTrue();
	}

	@Test
	void aCallerInterruptedWhileWaitingFailsAndKeepsItsInterrupt() throws Exception {
		LiteFsHalt halt = replicaHalt(Duration.ofSeconds(30), Duration.ofSeconds(30));
		Holder holder = holdInAnotherThread(halt);
		AtomicReference<Throwable> failure = new AtomicReference<>();
		AtomicBoolean interrupted = new AtomicBoolean();
		Thread waiter = new Thread(() -> {
			try {
				halt.run(() -> {
				});
			}
			catch (Throwable ex) {
				failure.set(ex);
				interrupted.set(Thread.currentThread().isInterrupted());
			}
		});
		waiter.start();
		await().atMost(WAIT).until(() -> waiter.getState() == Thread.State.TIMED_WAITING);

		waiter.interrupt();
		waiter.join(10_000);

		assertThat(failure.get()).isInstanceOfSatisfying(LiteFsHaltException.class,
				(ex) -> assertThat(ex.reason()).isEqualTo(Reason.FAILED));
		assertThat(failure.get()).hasMessageContaining("Interrupted while waiting for the HALT lock of app.db");
		assertThat(interrupted).as("the interrupt is kept").isTrue();
		holder.release();
		assertThat(this.outcomes).contains("litefs.halt.acquire failed");
	}

	@Test
	void aLockFileThatCannotBeOpenedFailsTheCallAndLetsTheNextCallerIn() throws Exception {
		FakeLiteFsMount mount = FakeLiteFsMount.replicaOf(this.dir, "node-a");
		LiteFsHalt halt = halt(mount, Duration.ofSeconds(5), Duration.ofSeconds(1));
		AtomicBoolean ran = new AtomicBoolean();

		assertThatExceptionOfType(LiteFsHaltException.class).isThrownBy(() -> halt.run(() -> ran.set(true)))
			.satisfies((ex) -> assertThat(ex.reason()).isEqualTo(Reason.FAILED))
			.withMessageContaining("Could not open " + halt.lockFile());
		assertThat(ran).isFalse();
		assertThat(this.outcomes).containsExactly("litefs.halt.acquire failed");

		mount.write("app.db-lock", "");
		// another thread: this one would get in again even were the lock left taken
		CompletableFuture.runAsync(() -> halt.run(() -> ran.set(true)), this.others).get(10, TimeUnit.SECONDS);
		assertThat(ran).isTrue();
	}

	/** Whether this JVM holds the HALT byte of a lock file: the JVM refuses an overlapping lock. */
	private static boolean isHeld(Path lockFile) throws IOException {
		try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
			FileLock lock = channel.tryLock(HaltLockFile.HALT_BYTE, 1, false);
			if (lock != null) {
				lock.release();
			}
			return false;
		}
		catch (OverlappingFileLockException ex) {
			return true;
		}
	}

	/** Has another thread take the lock and hold it until let go. */
	private Holder holdInAnotherThread(LiteFsHalt halt) throws InterruptedException {
		CountDownLatch holding = new CountDownLatch(1);
		CountDownLatch letGo = new CountDownLatch(1);
		CompletableFuture<Void> done = CompletableFuture.runAsync(() -> halt.run(() -> {
			holding.countDown();
			try {
				letGo.await(30, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}), this.others);
		assertThat(holding.await(10, TimeUnit.SECONDS)).as("the other thread holds the lock").isTrue();
		return new Holder(letGo, done);
	}

	private record Holder(CountDownLatch letGo, CompletableFuture<Void> done) {

		void release() throws Exception {
			this.letGo.countDown();
			this.done.get(10, TimeUnit.SECONDS);
		}

	}

}
