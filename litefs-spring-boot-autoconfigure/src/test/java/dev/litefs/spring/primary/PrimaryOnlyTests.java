package dev.litefs.spring.primary;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.litefs.spring.routing.EnsurePrimary;
import dev.litefs.spring.test.FakeLiteFsMount;
import dev.litefs.spring.test.VirtualThreads;
import dev.litefs.spring.testapp.TestNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.annotation.Async;
import org.springframework.scheduling.annotation.EnableAsync;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@link PrimaryOnly} on a scheduled job, an event listener, an annotated class and with
 * {@code @Transactional}, {@code @Async} and {@code @EnsurePrimary}, on a fake mount whose
 * role the tests flip.
 */
@ExtendWith(OutputCaptureExtension.class)
class PrimaryOnlyTests {

	@TempDir
	Path dir;

	TestNode node;

	@AfterEach
	void close() {
		if (this.node != null) {
			this.node.close();
		}
	}

	@Test
	void aScheduledJobRunsOnlyWhileTheNodeIsPrimaryAndFollowsPromotionAndDemotion(CapturedOutput output) {
		FakeLiteFsMount mount = FakeLiteFsMount.replicaOf(this.dir, "node-a").txid(1);
		this.node = start(mount);
		Work work = this.node.bean(Work.class);

		await().atMost(Duration.ofSeconds(5)).until(() -> skipped("Job.tick") >= 3);
		assertThat(this.node.bean(Job.class).runs()).isZero();
		assertThat(output.getOut()).contains("Skipped dev.litefs.spring.primary.PrimaryOnlyTests$Job.tick(): "
				+ "this node is replica (primary node-a)");

		mount.becomePrimary();
		await().atMost(Duration.ofSeconds(5)).until(() -> this.node.bean(Job.class).runs() >= 3);
		assertThat(work.ranOn()).isEqualTo("primary");

		mount.becomeReplicaOf("node-a");
		await().atMost(Duration.ofSeconds(5)).until(() -> !this.node.node().isPrimary());
		int runs = this.node.bean(Job.class).runs();
		double skips = skipped("Job.tick");
		await().atMost(Duration.ofSeconds(5)).until(() -> skipped("Job.tick") >= skips + 3);
		assertThat(this.node.bean(Job.class).runs()).as("at most the run under way when demoted")
			.isLessThanOrEqualTo(runs + 1);
	}

	@Test
	void onAReplicaEveryKindOfCallIsSkippedWithAHarmlessResult() {
		this.node = start(FakeLiteFsMount.replicaOf(this.dir, "node-a").txid(1));
		Work work = this.node.bean(Work.class);
		Listener listener = this.node.bean(Listener.class);

		this.node.context().publishEvent(new Nudge());

		assertThat(listener.heard()).isZero();
		assertThat(work.ranOn()).isNull();
		assertThat(work.count()).isZero();
		assertThat(work.found()).isEmpty();
		assertThat(work.allowed()).isFalse();
		assertThat(work.inTransaction()).as("no transaction began, no NotPrimaryException").isFalse();
		assertThat(this.node.bean(WholeClass.class).first()).isNull();
		assertThat(this.node.bean(WholeClass.class).toString()).as("Object's methods are left alone")
			.startsWith("whole class");
		assertThat(skipped("Listener.on")).isEqualTo(1);
		assertThat(skipped("Work.inTransaction")).isEqualTo(1);
		assertThat(skipped("WholeClass.first")).isEqualTo(1);
	}

	@Test
	void onThePrimaryEveryCallRunsWithItsTransaction() {
		this.node = start(FakeLiteFsMount.primary(this.dir));
		Work work = this.node.bean(Work.class);

		this.node.context().publishEvent(new Nudge());

		assertThat(this.node.bean(Listener.class).heard()).isEqualTo(1);
		assertThat(work.count()).isEqualTo(7);
		assertThat(work.found()).hasValue("found");
		assertThat(work.allowed()).isTrue();
		assertThat(work.inTransaction()).isTrue();
		assertThat(this.node.bean(WholeClass.class).first()).isEqualTo("first");
	}

	@ParameterizedTest(name = "on {0} threads")
	@ValueSource(strings = { "platform", "virtual" })
	void anAsyncCallReadsTheRoleWhenItRunsOnTheExecutor(String kind) throws Exception {
		assumeTrue(kind.equals("platform") || VirtualThreads.available(), "no virtual threads before Java 21");
		FakeLiteFsMount mount = FakeLiteFsMount.primary(this.dir);
		this.node = start(mount, "spring.threads.virtual.enabled=" + kind.equals("virtual"));
		Work work = this.node.bean(Work.class);

		assertThat(work.async().get(5, TimeUnit.SECONDS)).startsWith("ran on a " + kind + " thread ");
		assertThat(work.async().get(5, TimeUnit.SECONDS)).doesNotContain(Thread.currentThread().getName());

		mount.becomeReplicaOf("node-a");
		await().atMost(Duration.ofSeconds(5)).until(() -> !this.node.node().isPrimary());
		assertThat(work.async().get(5, TimeUnit.SECONDS)).as("skipped on the executor's thread: null").isNull();
		await().atMost(Duration.ofSeconds(5)).until(() -> skipped("Work.async") == 1);
	}

	private TestNode start(FakeLiteFsMount mount, String... properties) {
		List<String> all = new ArrayList<>(List.of("logging.level.dev.litefs.spring.primary=DEBUG"));
		all.addAll(List.of(properties));
		return TestNode.start(List.of(Beans.class), mount, "node-b", all.toArray(String[]::new));
	}

	private double skipped(String method) {
		Counter counter = this.node.bean(MeterRegistry.class)
			.find("litefs.primary-only.skipped")
			.tag("method", method)
			.counter();
		return (counter != null) ? counter.count() : 0;
	}

	record Nudge() {
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAsync
	static class Beans {

		@Bean
		Job job() {
			return new Job();
		}

		@Bean
		Listener listener() {
			return new Listener();
		}

		@Bean
		Work work() {
			return new Work();
		}

		@Bean
		WholeClass wholeClass() {
			return new WholeClass();
		}

	}

	static class Job {

		final AtomicInteger runs = new AtomicInteger();

		@PrimaryOnly
		@Scheduled(fixedDelay = 50)
		public void tick() {
			this.runs.incrementAndGet();
		}

		public int runs() {
			return this.runs.get();
		}

	}

	static class Listener {

		final AtomicInteger heard = new AtomicInteger();

		@PrimaryOnly
		@EventListener
		public void on(Nudge nudge) {
			this.heard.incrementAndGet();
		}

		public int heard() {
			return this.heard.get();
		}

	}

	static class Work {

		@PrimaryOnly
		public String ranOn() {
			return "primary";
		}

		@PrimaryOnly
		public int count() {
			return 7;
		}

		@PrimaryOnly
		public Optional<String> found() {
			return Optional.of("found");
		}

		@PrimaryOnly
		public boolean allowed() {
			return true;
		}

		@PrimaryOnly
		@EnsurePrimary
		@Transactional
		public boolean inTransaction() {
			return TransactionSynchronizationManager.isActualTransactionActive();
		}

		@PrimaryOnly
		@Async
		public CompletableFuture<String> async() {
			Thread thread = Thread.currentThread();
			return CompletableFuture.completedFuture("ran on a "
					+ (VirtualThreads.isVirtual(thread) ? "virtual" : "platform") + " thread " + thread.getName());
		}

	}

	@PrimaryOnly
	static class WholeClass {

		public String first() {
			return "first";
		}

		@Override
		public String toString() {
			return "whole class";
		}

	}

}
