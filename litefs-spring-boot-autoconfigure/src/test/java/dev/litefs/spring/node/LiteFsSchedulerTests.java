package dev.litefs.spring.node;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.litefs.spring.ClasspathBackOffTests;
import dev.litefs.spring.test.FakeLiteFsApi;
import dev.litefs.spring.test.FakeLiteFsMount;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The starter's one scheduler: named threads, blocking loops beside the tasks, and no
 * thread left once it, or the application context, closed.
 */
class LiteFsSchedulerTests {

	@TempDir
	Path dir;

	private final LiteFsScheduler scheduler = new LiteFsScheduler();

	@AfterEach
	void close() {
		this.scheduler.close();
	}

	@Test
	void tasksRunOnItsNamedDaemonThreadsWithTheStartersClassLoader() throws Exception {
		CompletableFuture<Thread> ran = new CompletableFuture<>();
		this.scheduler.execute(() -> ran.complete(Thread.currentThread()));

		Thread thread = ran.get(5, TimeUnit.SECONDS);
		assertThat(thread.getName()).startsWith("litefs-scheduler-");
		assertThat(thread.isDaemon()).isTrue();
		assertThat(thread.getContextClassLoader()).isSameAs(LiteFsScheduler.class.getClassLoader());
	}

	@Test
	void aRepeatedTaskThatThrowsIsRunAgain() {
		AtomicInteger runs = new AtomicInteger();
		this.scheduler.scheduleWithFixedDelay(() -> {
			runs.incrementAndGet();
			throw new IllegalStateException("a fault of the task");
		}, Duration.ZERO, Duration.ofMillis(10));

		await().atMost(Duration.ofSeconds(5)).until(() -> runs.get() >= 3);
	}

	@Test
	void aBlockingLoopTakesNoThreadOfTheTasks() throws Exception {
		CountDownLatch blocked = new CountDownLatch(1);
		Thread loop = this.scheduler.startLoop("litefs-events", () -> {
			try {
				blocked.await();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		});
		assertThat(loop.getName()).isEqualTo("litefs-events");
		assertThat(loop.isDaemon()).isTrue();
		CountDownLatch tasks = new CountDownLatch(LiteFsScheduler.POOL_SIZE);
		for (int i = 0; i < LiteFsScheduler.POOL_SIZE; i++) {
			this.scheduler.schedule(tasks::countDown, Duration.ofMillis(10));
		}

		assertThat(tasks.await(5, TimeUnit.SECONDS)).as("the tasks ran while the loop blocks").isTrue();
		assertThat(loop.isAlive()).isTrue();
	}

	@Test
	void closingInterruptsTheLoopsCancelsTheTasksAndWaitsForEveryThread() throws Exception {
		List<Thread> before = litefsThreads();
		CountDownLatch forever = new CountDownLatch(1);
		CountDownLatch blocking = new CountDownLatch(2);
		Runnable block = () -> {
			try {
				blocking.countDown();
				forever.await();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		};
		this.scheduler.startLoop("litefs-events", block);
		this.scheduler.execute(block);
		AtomicInteger later = new AtomicInteger();
		this.scheduler.schedule(later::incrementAndGet, Duration.ofMillis(300));
		assertThat(blocking.await(5, TimeUnit.SECONDS)).isTrue();
		assertThat(litefsThreads()).hasSizeGreaterThanOrEqualTo(before.size() + 2);

		this.scheduler.close();

		assertThat(litefsThreads()).as("threads left at once after close").isEqualTo(before);
		Thread.sleep(500);
		assertThat(later).as("a task due after close").hasValue(0);
		assertThatExceptionOfType(RejectedExecutionException.class)
			.isThrownBy(() -> this.scheduler.execute(later::incrementAndGet));
	}

	@Test
	void closingTheApplicationContextLeavesNoLiteFsThread() throws Exception {
		FakeLiteFsMount.replicaOf(this.dir, "node-a").txid(5);
		List<Thread> before = litefsThreads();
		try (FakeLiteFsApi api = FakeLiteFsApi.start(false)) {
			new ApplicationContextRunner().withConfiguration(ClasspathBackOffTests.allLiteFsAutoConfigurations())
				.withPropertyValues("litefs.mount-dir=" + this.dir, "litefs.hostname=node-b",
						"litefs.api-url=" + api.url(), "litefs.poll-interval=20ms")
				.run((context) -> {
					assertThat(context).hasNotFailed().hasSingleBean(LiteFsScheduler.class);
					LiteFsNode node = context.getBean(LiteFsNode.class);
					await().atMost(Duration.ofSeconds(10)).until(() -> node.eventStream().orElseThrow().connected());
					// a waiter, for the fallback poll once the stream is down
					node.await(99, Duration.ofSeconds(30));
					api.stop();
					await().atMost(Duration.ofSeconds(10)).until(node::fallbackPolling);
					assertThat(litefsThreads()).extracting(Thread::getName)
						.contains("litefs-events", "litefs-scheduler-1");
				});
		}
		assertThat(litefsThreads()).as("LiteFS threads left after the context closed").isEqualTo(before);
	}

	private static List<Thread> litefsThreads() {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter((thread) -> thread.getName().startsWith("litefs") && thread.isAlive())
			.toList();
	}

}
