package dev.litefs.spring.primary;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import dev.litefs.spring.test.FakeLiteFsMount;
import dev.litefs.spring.testapp.TestNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.context.Lifecycle;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link PrimaryBound} beans through role changes on a fake mount: a
 * {@code SmartLifecycle} of the application's own class, and a plain {@code Lifecycle}
 * of a class that knows nothing of LiteFS, marked on its {@code @Bean} method.
 */
class PrimaryBoundTests {

	@TempDir
	Path dir;

	TestNode node;

	@AfterEach
	void close() {
		if (this.node != null && this.node.context().isActive()) {
			this.node.close();
		}
	}

	@Test
	void onAReplicaTheBeansStayStoppedAndStartOnPromotionStopOnDemotionAndAtShutdown() {
		FakeLiteFsMount mount = FakeLiteFsMount.replicaOf(this.dir, "node-a").txid(1);
		this.node = start(mount);
		Consumer consumer = this.node.bean(Consumer.class);
		Worker worker = this.node.bean(Beans.class).worker;
		Lifecycle workerBean = this.node.context().getBean("worker", Lifecycle.class);

		assertThat(consumer.isRunning()).as("the context's start at refresh was skipped").isFalse();
		assertThat(worker.isRunning()).isFalse();
		assertThat(workerBean).as("a final class is proxied by its interfaces").isNotInstanceOf(Worker.class);
		assertThat(consumer.starts()).isZero();
		assertThat(this.node.bean(PrimaryBoundLifecycles.class).beanNames()).containsExactlyInAnyOrder("consumer",
				"worker");

		mount.becomePrimary();
		await().atMost(Duration.ofSeconds(5)).until(() -> consumer.isRunning() && worker.isRunning());

		mount.becomeReplicaOf("node-a");
		await().atMost(Duration.ofSeconds(5)).until(() -> !consumer.isRunning() && !worker.isRunning());

		mount.becomePrimary();
		await().atMost(Duration.ofSeconds(5)).until(() -> consumer.isRunning() && worker.isRunning());
		assertThat(consumer.starts()).isEqualTo(2);
		assertThat(worker.starts.get()).isEqualTo(2);

		this.node.close();
		assertThat(consumer.isRunning()).isFalse();
		assertThat(worker.isRunning()).isFalse();
	}

	@Test
	void onThePrimaryTheBeansRunFromStartUp() {
		this.node = start(FakeLiteFsMount.primary(this.dir));

		assertThat(this.node.bean(Consumer.class).isRunning()).isTrue();
		await().atMost(Duration.ofSeconds(5)).until(() -> this.node.context().getBean("worker", Lifecycle.class).isRunning());
	}

	@Test
	void aPromotedNodeStartsThemOnlyOnceItsWritesAreNoLongerHeld() {
		FakeLiteFsMount mount = FakeLiteFsMount.replicaOf(this.dir, "node-a").txid(1);
		this.node = start(mount);
		Consumer consumer = this.node.bean(Consumer.class);
		AtomicBoolean migrating = new AtomicBoolean(true);
		this.node.node()
			.addWriteHold((previous, current) -> (migrating.get() && current.role().acceptsWrites()) ? "migrating" : null);

		mount.becomePrimary();
		await().atMost(Duration.ofSeconds(5)).until(() -> this.node.node().state().writeHold() != null);
		sleep(300);
		assertThat(consumer.isRunning()).as("not while writes are held").isFalse();

		migrating.set(false);
		this.node.node().checkWriteHolds();
		await().atMost(Duration.ofSeconds(5)).until(consumer::isRunning);
	}

	private TestNode start(FakeLiteFsMount mount) {
		return TestNode.start(List.of(Beans.class), mount, "node-b");
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class Beans {

		final Worker worker = new Worker();

		@Bean
		Consumer consumer() {
			return new Consumer();
		}

		@Bean
		@PrimaryBound
		Worker worker() {
			return this.worker;
		}

	}

	/** Counts its starts; whether it runs is what the tests watch. */
	abstract static class Counting implements Lifecycle {

		private volatile boolean running;

		final AtomicInteger starts = new AtomicInteger();

		@Override
		public void start() {
			this.starts.incrementAndGet();
			this.running = true;
		}

		@Override
		public void stop() {
			this.running = false;
		}

		@Override
		public boolean isRunning() {
			return this.running;
		}

	}

	/** A queue consumer of the application's own. */
	@PrimaryBound
	static class Consumer extends Counting implements SmartLifecycle {

		int starts() {
			return this.starts.get();
		}

	}

	/** Someone else's lifecycle bean: it knows nothing of LiteFS. */
	static final class Worker extends Counting {

	}

}
