package dev.litefs.spring.halt.autoconfigure;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import dev.litefs.spring.node.autoconfigure.LiteFsNodeAutoConfiguration;
import dev.litefs.spring.halt.LiteFsHaltException.Reason;
import dev.litefs.spring.routing.EnsurePrimary;
import dev.litefs.spring.routing.autoconfigure.LiteFsRoutingAutoConfiguration;
import dev.litefs.spring.routing.NotPrimaryException;
import dev.litefs.spring.test.FakeLiteFsMount;
import dev.litefs.spring.testapp.ExceptionText;
import dev.litefs.spring.halt.LiteFsHalt;
import dev.litefs.spring.halt.LiteFsHaltException;
import io.micrometer.observation.tck.TestObservationRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static io.micrometer.observation.tck.TestObservationRegistryAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@link LiteFsHalt} as configured, on fake mounts: what needs no LiteFS (a primary or
 * standalone node just runs the block, a replica that cannot take the lock never runs
 * it), its properties, and the opt-in of {@code @EnsurePrimary}. The lock itself is
 * proved on real LiteFS by {@code RealHaltTests}.
 */
class LiteFsHaltAutoConfigurationTests {

	@TempDir
	Path dir;

	ApplicationContextRunner contextRunner() {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(LiteFsNodeAutoConfiguration.class, LiteFsHaltAutoConfiguration.class,
					LiteFsRoutingAutoConfiguration.class, AopAutoConfiguration.class))
			.withBean(TestObservationRegistry.class, TestObservationRegistry::create)
			.withBean(Job.class)
			.withPropertyValues("litefs.mount-dir=" + this.dir, "litefs.api-url=http://localhost:1");
	}

	@Test
	void onAStandaloneNodeOrAPrimaryTheBlockSimplyRuns() {
		FakeLiteFsMount.primary(this.dir.resolve("primary"));
		for (Path mount : new Path[] { this.dir, this.dir.resolve("primary") }) {
			contextRunner().withPropertyValues("litefs.mount-dir=" + mount).run((context) -> {
				LiteFsHalt halt = context.getBean(LiteFsHalt.class);
				assertThat(halt.call(() -> "ran")).isEqualTo("ran");
				assertThat(halt.lockFile()).isEqualTo(mount.resolve("app.db-lock"));
				assertThat(Files.exists(halt.lockFile())).as("no lock taken").isFalse();
				assertThat(context.getBean(TestObservationRegistry.class)).doesNotHaveAnyObservation();
			});
		}
	}

	@Test
	void aReplicaThatCannotOpenTheLockFileNeverRunsTheBlock() {
		FakeLiteFsMount.replicaOf(this.dir, "node-a").txid(1);
		contextRunner().run((context) -> {
			AtomicInteger runs = new AtomicInteger();
			assertThatExceptionOfType(LiteFsHaltException.class)
				.isThrownBy(() -> context.getBean(LiteFsHalt.class).run(runs::incrementAndGet))
				.satisfies((ex) -> assertThat(ex.reason()).isEqualTo(Reason.FAILED))
				.withMessageContaining("app.db-lock");
			assertThat(runs).hasValue(0);
			assertThat(context.getBean(TestObservationRegistry.class))
				.hasObservationWithNameEqualTo(LiteFsHalt.ACQUIRE_OBSERVATION)
				.that()
				.hasLowCardinalityKeyValue("outcome", "failed")
				.hasError();
		});
	}

	@Test
	void aNodeThatKnowsNoPrimaryRefusesAtOnce() {
		FakeLiteFsMount.replicaOf(this.dir, "node-a").txid(1).loseConnection();
		contextRunner().run((context) -> {
			AtomicInteger runs = new AtomicInteger();
			assertThatExceptionOfType(LiteFsHaltException.class)
				.isThrownBy(() -> context.getBean(LiteFsHalt.class).run(runs::incrementAndGet))
				.satisfies((ex) -> assertThat(ex.reason()).isEqualTo(Reason.NO_PRIMARY))
				.withMessageContaining("knows no primary");
			assertThat(runs).hasValue(0);
		});
	}

	@Test
	void propertiesHaveTheirDocumentedDefaultsAndAreBound() {
		LiteFsHaltProperties defaults = new LiteFsHaltProperties();
		assertThat(defaults.getMaxHold()).isEqualTo(Duration.ofSeconds(5));
		assertThat(defaults.getWaitTimeout()).isEqualTo(Duration.ofSeconds(10));
		assertThat(defaults.isEnsurePrimaryOutsideRequests()).isFalse();
		contextRunner().withPropertyValues("litefs.halt.max-hold=1500ms").run((context) -> {
			assertThat(context.getBean(LiteFsHalt.class).maxHold()).isEqualTo(Duration.ofMillis(1500));
		});
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', textBlock = """
			litefs.halt.max-hold=30s         | litefs.halt.max-hold     | below LiteFS's 30s lock TTL
			litefs.halt.max-hold=0s          | litefs.halt.max-hold     | at least 1ms
			litefs.halt.wait-timeout=-1s     | litefs.halt.wait-timeout | must not be negative
			litefs.halt.ensure-primary-outside-requests=maybe | litefs.halt.ensure-primary-outside-requests | maybe
			""")
	void aBadValueFailsStartupNamingTheProperty(String property, String name, String reason) {
		contextRunner().withPropertyValues(property)
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining(reason)
				.satisfies((ex) -> assertThat(ExceptionText.of(context.getStartupFailure())).contains(name)));
	}

	@Test
	void byDefaultAnEnsurePrimaryMethodOutsideARequestOnAReplicaIsRefused() {
		FakeLiteFsMount.replicaOf(this.dir, "node-a").txid(1);
		contextRunner().run((context) -> {
			assertThatExceptionOfType(NotPrimaryException.class).isThrownBy(() -> context.getBean(Job.class).write());
			assertThat(context.getBean(Job.class).runs()).isZero();
			assertThat(context.getBean(TestObservationRegistry.class)).doesNotHaveAnyObservation();
		});
	}

	@Test
	void optedInAnEnsurePrimaryMethodOutsideARequestOnAReplicaGoesThroughTheHaltLock() {
		FakeLiteFsMount.replicaOf(this.dir, "node-a").txid(1);
		contextRunner().withPropertyValues("litefs.halt.ensure-primary-outside-requests=true").run((context) -> {
			// a fake mount has no <db>-lock: the attempt shows, and the method does not run
			assertThatExceptionOfType(LiteFsHaltException.class).isThrownBy(() -> context.getBean(Job.class).write())
				.satisfies((ex) -> assertThat(ex.reason()).isEqualTo(Reason.FAILED));
			assertThat(context.getBean(Job.class).runs()).isZero();
			assertThat(context.getBean(TestObservationRegistry.class))
				.hasObservationWithNameEqualTo(LiteFsHalt.ACQUIRE_OBSERVATION);
		});
	}

	static class Job {

		private final AtomicInteger runs = new AtomicInteger();

		@EnsurePrimary
		public void write() {
			this.runs.incrementAndGet();
		}

		public int runs() {
			return this.runs.get();
		}

	}

}
