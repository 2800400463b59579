package dev.litefs.spring.schema.autoconfigure;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import dev.litefs.spring.actuate.LiteFsEndpoint;
import dev.litefs.spring.actuate.autoconfigure.LiteFsActuatorAutoConfiguration;
import dev.litefs.spring.schema.LiteFsFlywayMigrationStrategy;
import dev.litefs.spring.schema.MigrationRun;
import dev.litefs.spring.schema.MigrationRun.Outcome;
import dev.litefs.spring.schema.MigrationRun.Trigger;
import dev.litefs.spring.test.FakeLiteFsMount;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.aop.support.AopUtils;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.ApplicationAvailabilityBean;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration;
import org.springframework.boot.flyway.autoconfigure.FlywayMigrationInitializer;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static dev.litefs.spring.schema.FlywayFixtures.installedVersions;
import static dev.litefs.spring.schema.FlywayFixtures.migrate;
import static dev.litefs.spring.schema.FlywayFixtures.pause;
import static dev.litefs.spring.schema.FlywayFixtures.tables;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link LiteFsFlywayAutoConfiguration} with several databases: an
 * application's own {@code Flyway} beans, one per database of a fake mount, run with
 * {@code initMethod = "migrate"} ({@code app.db}) and with a
 * {@link FlywayMigrationInitializer} ({@code tags.db}), as Spring Boot documents a second
 * database; Spring Boot's own Flyway backs off.
 */
class LiteFsFlywayBeansTests {

	@TempDir
	Path tempDir;

	private Path mountDir() {
		return this.tempDir.resolve("litefs");
	}

	private Path database(String name) {
		return mountDir().resolve(name);
	}

	private ApplicationContextRunner contextRunner() {
		return FakeMountContexts.on(mountDir(), FlywayAutoConfiguration.class, LiteFsFlywayAutoConfiguration.class)
			.withUserConfiguration(TwoDatabases.class);
	}

	@Test
	void thePrimaryMigratesEachDatabaseWithItsOwnFlyway() {
		FakeLiteFsMount.primary(mountDir());
		contextRunner().run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(installedVersions(database("app.db"))).containsExactly("1", "2", "3");
			assertThat(tables(database("tags.db"))).contains("tags").doesNotContain("posts");
			Map<String, MigrationRun> runs = context.getBean(LiteFsFlywayMigrationStrategy.class).lastRuns();
			assertThat(runs).containsOnlyKeys("app.db", "tags.db");
			assertThat(runs.values()).allSatisfy((run) -> {
				assertThat(run.trigger()).isEqualTo(Trigger.STARTUP);
				assertThat(run.outcome()).isEqualTo(Outcome.MIGRATED);
			});
			assertThat(AopUtils.isAopProxy(context.getBean("posts"))).as("the Flyway bean is primary-only").isTrue();
			MigrateResult again = context.getBean("tags", Flyway.class).migrate();
			assertThat(again.migrationsExecuted).isZero();
			assertThat(again.initialSchemaVersion).as("what Flyway answered on the primary").isEqualTo("1");
		});
	}

	@Test
	void theEndpointShowsTheLastRunOfEachDatabase() {
		FakeLiteFsMount.primary(mountDir());
		contextRunner().withConfiguration(AutoConfigurations.of(LiteFsActuatorAutoConfiguration.class))
			.withPropertyValues("management.endpoints.web.exposure.include=litefs")
			.run((context) -> {
				Map<String, ?> body = context.getBean(LiteFsEndpoint.class).litefs();
				assertThat(body).extractingByKey("flyway")
					.asInstanceOf(InstanceOfAssertFactories.map(String.class, Object.class))
					.containsKey("lastRun")
					.extractingByKey("databases")
					.asInstanceOf(InstanceOfAssertFactories.map(String.class, Object.class))
					.containsOnlyKeys("app.db", "tags.db")
					.extractingByKey("tags.db")
					.asInstanceOf(InstanceOfAssertFactories.map(String.class, Object.class))
					.containsEntry("outcome", "migrated")
					.containsEntry("schemaVersion", "1");
			});
	}

	@Test
	void aReplicaWaitsForEachDatabaseFollowingThatDatabasesPosition() throws Exception {
		FakeLiteFsMount mount = FakeLiteFsMount.replicaOf(mountDir(), "node-a");
		AtomicReference<Map<String, MigrationRun>> runs = new AtomicReference<>();
		CompletableFuture<Void> replica = CompletableFuture.runAsync(() -> contextRunner()
			.withPropertyValues("litefs.schema.replica-timeout=20s")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				runs.set(context.getBean(LiteFsFlywayMigrationStrategy.class).lastRuns());
			}));
		try {
			pause(Duration.ofMillis(500));
			assertThat(replica).as("waits for app.db").isNotDone();
			assertThat(database("app.db")).as("a replica creates no database").doesNotExist();

			migrate(database("app.db"), "3");
			mount.txid(10);
			pause(Duration.ofMillis(500));
			assertThat(replica).as("waits for tags.db").isNotDone();
			assertThat(database("tags.db")).as("a replica creates no database").doesNotExist();

			migrateTags();
			mount.txid(20);
			pause(Duration.ofMillis(700));
			assertThat(replica).as("app.db moving is no news of tags.db").isNotDone();

			mount.txid("tags.db", 3);
			replica.get(10, TimeUnit.SECONDS);
			assertThat(runs.get()).containsOnlyKeys("app.db", "tags.db");
			assertThat(runs.get().values()).allSatisfy((run) -> {
				assertThat(run.outcome()).isEqualTo(Outcome.REPLICATED);
				assertThat(run.missing()).isEmpty();
			});
		}
		finally {
			replica.cancel(true);
		}
	}

	@Test
	void aReplicaThatStartedWithoutBothSchemasIsReadyOnlyOnceBothHaveReplicated() {
		FakeLiteFsMount mount = FakeLiteFsMount.replicaOf(mountDir(), "node-a");
		contextRunner().withBean(ApplicationAvailabilityBean.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(LiteFsFlywayMigrationStrategy.class).lastRuns().values())
				.allSatisfy((run) -> assertThat(run.outcome()).isEqualTo(Outcome.TIMED_OUT));
			ApplicationAvailability availability = context.getBean(ApplicationAvailability.class);
			AvailabilityChangeEvent.publish(context, ReadinessState.ACCEPTING_TRAFFIC);
			await().atMost(Duration.ofSeconds(5))
				.until(() -> availability.getReadinessState() == ReadinessState.REFUSING_TRAFFIC);

			// Spring Boot's record takes its own ACCEPTING_TRAFFIC after the refusal, as when the
			// two publications race: the next watch refuses again
			context.getBean(ApplicationAvailabilityBean.class)
				.onApplicationEvent(new AvailabilityChangeEvent<>(context, ReadinessState.ACCEPTING_TRAFFIC));
			await().atMost(Duration.ofSeconds(5))
				.until(() -> availability.getReadinessState() == ReadinessState.REFUSING_TRAFFIC);

			migrate(database("app.db"), "3");
			mount.txid(10);
			await().atMost(Duration.ofSeconds(5))
				.until(() -> context.getBean(LiteFsFlywayMigrationStrategy.class).lastRuns().get("app.db").outcome() == Outcome.REPLICATED);
			pause(Duration.ofMillis(300));
			assertThat(availability.getReadinessState()).as("tags.db is still missing")
				.isEqualTo(ReadinessState.REFUSING_TRAFFIC);

			migrateTags();
			mount.txid("tags.db", 3);
			await().atMost(Duration.ofSeconds(5))
				.until(() -> availability.getReadinessState() == ReadinessState.ACCEPTING_TRAFFIC);
		});
	}

	@Test
	void aReplicaThatSkipsRunsNoMigrationAndAPromotionMigratesEachDatabase() {
		FakeLiteFsMount mount = FakeLiteFsMount.replicaOf(mountDir(), "node-a");
		contextRunner().withPropertyValues("litefs.schema.replica-mode=skip").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean("posts", Flyway.class).migrate().migrationsExecuted).isZero();
			assertThat(database("app.db")).doesNotExist();
			assertThat(database("tags.db")).doesNotExist();

			mount.becomePrimary();

			LiteFsFlywayMigrationStrategy strategy = context.getBean(LiteFsFlywayMigrationStrategy.class);
			await().atMost(Duration.ofSeconds(10))
				.until(() -> strategy.lastRuns().values().stream().filter((run) -> run.trigger() == Trigger.PROMOTION).count() == 2);
			assertThat(strategy.lastRuns().values()).allSatisfy((run) -> assertThat(run.outcome()).isEqualTo(Outcome.MIGRATED));
			assertThat(installedVersions(database("app.db"))).containsExactly("1", "2", "3");
			assertThat(tables(database("tags.db"))).contains("tags");
		});
	}

	@Test
	void aFlywayOffTheMountIsLeftAlone() {
		FakeLiteFsMount.replicaOf(mountDir(), "node-a");
		Path elsewhere = this.tempDir.resolve("local.db");
		contextRunner().withPropertyValues("litefs.schema.replica-mode=skip")
			.withBean("local", Flyway.class, () -> Flyway.configure()
				.dataSource("jdbc:sqlite:" + elsewhere, null, null)
				.locations("classpath:db/tags")
				.load(), (definition) -> definition.setInitMethodName("migrate"))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(AopUtils.isAopProxy(context.getBean("local"))).isFalse();
				assertThat(tables(elsewhere)).as("LiteFS does not replicate it: every node migrates it").contains("tags");
				assertThat(database("app.db")).doesNotExist();
			});
	}

	private void migrateTags() {
		Flyway.configure()
			.dataSource("jdbc:sqlite:" + database("tags.db"), null, null)
			.locations("classpath:db/tags")
			.load()
			.migrate();
	}

	/** Two databases of the mount, each with its Flyway, run the two ways Spring Boot documents. */
	@Configuration(proxyBeanMethods = false)
	static class TwoDatabases {

		@Bean(initMethod = "migrate")
		Flyway posts(@Value("${litefs.mount-dir}") Path mountDir) {
			return flyway(mountDir.resolve("app.db"), "classpath:db/migration");
		}

		@Bean
		Flyway tags(@Value("${litefs.mount-dir}") Path mountDir) {
			return flyway(mountDir.resolve("tags.db"), "classpath:db/tags");
		}

		@Bean
		FlywayMigrationInitializer tagsInitializer(@Qualifier("tags") Flyway tags) {
			return new FlywayMigrationInitializer(tags);
		}

		private static Flyway flyway(Path database, String locations) {
			return Flyway.configure().dataSource("jdbc:sqlite:" + database, null, null).locations(locations).load();
		}

	}

}
