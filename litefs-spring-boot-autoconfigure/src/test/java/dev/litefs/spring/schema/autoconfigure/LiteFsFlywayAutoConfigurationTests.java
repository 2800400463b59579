package dev.litefs.spring.schema.autoconfigure;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import dev.litefs.spring.actuate.autoconfigure.LiteFsActuatorAutoConfiguration;
import dev.litefs.spring.actuate.LiteFsEndpoint;
import dev.litefs.spring.node.autoconfigure.LiteFsNodeAutoConfiguration;
import dev.litefs.spring.schema.MigrationRun.Outcome;
import dev.litefs.spring.schema.MigrationRun.Trigger;
import dev.litefs.spring.node.LiteFsNode;
import dev.litefs.spring.node.LiteFsRoleChangedEvent;
import dev.litefs.spring.test.FakeLiteFsMount;
import dev.litefs.spring.testapp.ExceptionText;
import dev.litefs.spring.schema.FlywayFixtures.MigrateProbe;
import dev.litefs.spring.schema.LiteFsFlywayMigrationStrategy;
import dev.litefs.spring.schema.MigrationRun;
import dev.litefs.spring.schema.ReplicaMode;
import dev.litefs.spring.schema.ReplicaSchemaTimeoutException;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.callback.Callback;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration;
import org.springframework.boot.liquibase.autoconfigure.LiquibaseAutoConfiguration;
import org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration;
import org.springframework.boot.flyway.autoconfigure.FlywayMigrationStrategy;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

import static dev.litefs.spring.schema.FlywayFixtures.installedVersions;
import static dev.litefs.spring.schema.FlywayFixtures.migrate;
import static dev.litefs.spring.schema.FlywayFixtures.pause;
import static dev.litefs.spring.schema.FlywayFixtures.tables;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link LiteFsFlywayAutoConfiguration}: real Flyway migrating real SQLite
 * files in fake LiteFS mounts.
 */
@ExtendWith(OutputCaptureExtension.class)
class LiteFsFlywayAutoConfigurationTests {

	private static final List<String> ALL_VERSIONS = List.of("1", "2", "3");

	@TempDir
	Path tempDir;

	private Path mountDir() {
		return this.tempDir.resolve("litefs");
	}

	private Path database() {
		return mountDir().resolve(FakeLiteFsMount.DEFAULT_DATABASE);
	}

	/** No LiteFS API: a LiteFS running on this machine must not answer for the fake mount. */
	private static final String NO_API = "litefs.api-url=http://127.0.0.1:1";

	private ApplicationContextRunner contextRunner() {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(LiteFsNodeAutoConfiguration.class, DataSourceAutoConfiguration.class,
					FlywayAutoConfiguration.class, LiteFsFlywayAutoConfiguration.class))
			.withPropertyValues("litefs.mount-dir=" + mountDir(), "litefs.hostname=node-b", NO_API,
					"litefs.poll-interval=50ms", "litefs.schema.replica-timeout=300ms",
					"spring.datasource.url=jdbc:sqlite:" + database());
	}

	/** The context runner, with a Flyway callback that watches the migrations. */
	private ApplicationContextRunner contextRunner(MigrateProbe probe) {
		return contextRunner().withBean(Callback.class, () -> probe);
	}

	@Nested
	class BackOff {

		@ParameterizedTest
		@CsvSource({ "spring.flyway.enabled=false, org.flywaydb.core.Flyway",
				"litefs.enabled=false, dev.litefs.spring.node.LiteFsNode" })
		void registersNothingWhenTurnedOff(String property, Class<?> turnedOff) {
			FakeLiteFsMount.primary(mountDir());
			contextRunner().withPropertyValues(property).run((context) -> {
				assertThat(context).hasNotFailed().doesNotHaveBean(turnedOff);
				assertThat(context).doesNotHaveBean(FlywayMigrationStrategy.class);
			});
		}

		@Test
		void noFlywayOnTheClasspathRegistersNothing() {
			FakeLiteFsMount.primary(mountDir());
			contextRunner().withClassLoader(new FilteredClassLoader(Flyway.class)).run((context) -> {
				assertThat(context).hasNotFailed().hasSingleBean(LiteFsNode.class);
				assertThat(context).doesNotHaveBean(FlywayMigrationStrategy.class);
			});
		}

		@Test
		void liteFsSchemaDisabledRestoresSpringBootsMigrationEvenOnAReplica() {
			FakeLiteFsMount.replicaOf(mountDir(), "node-a");
			contextRunner().withPropertyValues("litefs.schema.enabled=false").run((context) -> {
				assertThat(context).hasNotFailed().doesNotHaveBean(FlywayMigrationStrategy.class);
				assertThat(tables(database())).contains("posts", "comments", "flyway_schema_history");
			});
		}

		@Test
		void liteFsFlywayDisabledRestoresSpringBootsMigrationEvenOnAReplica() {
			// the deprecated name, still read
			FakeLiteFsMount.replicaOf(mountDir(), "node-a");
			contextRunner().withPropertyValues("litefs.flyway.enabled=false").run((context) -> {
				assertThat(context).hasNotFailed().doesNotHaveBean(FlywayMigrationStrategy.class);
				assertThat(tables(database())).contains("posts", "comments", "flyway_schema_history");
			});
		}

		@Test
		void anApplicationsOwnStrategyWins() {
			FakeLiteFsMount.primary(mountDir());
			AtomicInteger calls = new AtomicInteger();
			contextRunner().withBean(FlywayMigrationStrategy.class, () -> (flyway) -> calls.incrementAndGet())
				.run((context) -> {
					assertThat(context).hasNotFailed().doesNotHaveBean(LiteFsFlywayMigrationStrategy.class);
					assertThat(calls).hasValue(1);
					assertThat(database()).doesNotExist();
				});
		}

	}

	@Nested
	class Primary {

		@Test
		void primaryAppliesTheMigrations(CapturedOutput output) {
			FakeLiteFsMount.primary(mountDir());
			contextRunner().run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(tables(database())).contains("posts", "comments");
				assertThat(lastRun(context)).satisfies((run) -> {
					assertThat(run.trigger()).isEqualTo(Trigger.STARTUP);
					assertThat(run.outcome()).isEqualTo(Outcome.MIGRATED);
					assertThat(run.applied()).isEqualTo(3);
					assertThat(run.schemaVersion()).isEqualTo("3");
					assertThat(run.error()).isNull();
				});
				assertThat(output).contains("LiteFS primary node-b: applied 3 migrations to app.db (schema version 3)");
			});
		}

		@Test
		void standaloneDirectoryMigratesAsUsual() throws IOException {
			Files.createDirectories(mountDir());
			contextRunner().run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(tables(database())).contains("posts", "comments");
				assertThat(lastRun(context).outcome()).isEqualTo(Outcome.MIGRATED);
				assertThat(lastRun(context).applied()).isEqualTo(3);
			});
		}

		@Test
		void primaryWithTheSchemaValidatesAndAppliesNothing(CapturedOutput output) {
			FakeLiteFsMount.primary(mountDir());
			migrate(database(), "3");
			contextRunner().run((context) -> {
				assertThat(lastRun(context).outcome()).isEqualTo(Outcome.MIGRATED);
				assertThat(lastRun(context).applied()).isZero();
				assertThat(lastRun(context).schemaVersion()).isEqualTo("3");
				assertThat(output).contains("LiteFS primary node-b: no migrations pending in app.db (schema version 3)");
			});
		}

		@Test
		void failedMigrationFailsStartup() {
			FakeLiteFsMount.primary(mountDir());
			migrate(database(), "1");
			execute(database(), "CREATE TABLE comments (id INTEGER PRIMARY KEY)");
			contextRunner().run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("comments");
			});
		}

	}

	@Nested
	class ReplicaStartup {

		@Test
		void replicaWithAnEmptyDirectoryWritesNothingAndNamesTheMissingMigrations(CapturedOutput output) {
			FakeLiteFsMount.replicaOf(mountDir(), "node-a").delete("app.db-pos");
			Map<String, String> before = snapshot(mountDir());
			contextRunner().run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(snapshot(mountDir())).isEqualTo(before);
				assertThat(lastRun(context)).satisfies((run) -> {
					assertThat(run.outcome()).isEqualTo(Outcome.TIMED_OUT);
					assertThat(run.missing()).isEqualTo(ALL_VERSIONS);
					assertThat(run.applied()).isZero();
				});
				assertThat(output).contains("LiteFS replica node-b: the schema of Flyway in app.db has not replicated from the primary "
						+ "(node-a) within 300ms (litefs.schema.replica-timeout): missing migrations 1, 2, 3; "
						+ "starting anyway");
			});
			assertThat(snapshot(mountDir())).isEqualTo(before);
			assertThat(database()).doesNotExist();
		}

		@Test
		void replicaChecksTheDatabaseOfFlywaysOwnDataSourceNotTheMountsFile() {
			FakeLiteFsMount.replicaOf(mountDir(), "node-a");
			Path flywayDatabase = migrate(LiteFsFlywayAutoConfigurationTests.this.tempDir.resolve("flyway.db"), "3");
			contextRunner().withPropertyValues("spring.flyway.url=jdbc:sqlite:" + flywayDatabase).run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(lastRun(context)).satisfies((run) -> {
					assertThat(run.outcome()).isEqualTo(Outcome.REPLICATED);
					assertThat(run.schemaVersion()).isEqualTo("3");
					assertThat(run.missing()).isEmpty();
				});
			});
			assertThat(database()).as("the mount's database, neither read nor created").doesNotExist();
		}

		@Test
		void replicaFailsStartupOnTimeoutWhenAskedTo() {
			FakeLiteFsMount.replicaOf(mountDir(), "node-a");
			Map<String, String> before = snapshot(mountDir());
			contextRunner().withPropertyValues("litefs.schema.replica-fail-on-timeout=true").run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.isInstanceOf(ReplicaSchemaTimeoutException.class)
					.hasMessageContaining("missing migrations 1, 2, 3")
					.hasMessageContaining("litefs.schema.replica-fail-on-timeout=true");
			});
			assertThat(snapshot(mountDir())).isEqualTo(before);
		}

		@Test
		void replicaHoldingTheSchemaStartsAtOnceWithoutTouchingTheDatabase() {
			FakeLiteFsMount.replicaOf(mountDir(), "node-a").txid(9);
			migrate(database(), "3");
			Map<String, String> before = snapshot(mountDir());
			// a wait would last at least one 10s poll interval
			contextRunner().withPropertyValues("litefs.poll-interval=10s", "litefs.schema.replica-timeout=60s")
				.run((context) -> {
					assertThat(lastRun(context).outcome()).isEqualTo(Outcome.REPLICATED);
					assertThat(lastRun(context).schemaVersion()).isEqualTo("3");
					assertThat(lastRun(context).duration()).isLessThan(Duration.ofSeconds(5));
					assertThat(snapshot(mountDir())).isEqualTo(before);
				});
		}

		@Test
		void replicaBehindTimesOutNamingWhatIsMissing(CapturedOutput output) {
			FakeLiteFsMount.replicaOf(mountDir(), "node-a").txid(5);
			migrate(database(), "2");
			Map<String, String> before = snapshot(mountDir());
			contextRunner().run((context) -> {
				assertThat(lastRun(context).outcome()).isEqualTo(Outcome.TIMED_OUT);
				assertThat(lastRun(context).missing()).containsExactly("3");
				assertThat(lastRun(context).schemaVersion()).isEqualTo("2");
				assertThat(output).contains("missing migrations 3; starting anyway");
				assertThat(snapshot(mountDir())).isEqualTo(before);
			});
		}

		@Test
		void replicaWaitsUntilTheSchemaReplicates() {
			FakeLiteFsMount mount = FakeLiteFsMount.replicaOf(mountDir(), "node-a");
			Path replicated = migrate(LiteFsFlywayAutoConfigurationTests.this.tempDir.resolve("primary.db"), "3");
			CompletableFuture<Void> replication = CompletableFuture.runAsync(() -> {
				pause(Duration.ofMillis(300));
				copy(replicated, database());
				mount.txid(7);
			});
			contextRunner().withPropertyValues("litefs.schema.replica-timeout=20s").run((context) -> {
				assertThat(lastRun(context).outcome()).isEqualTo(Outcome.REPLICATED);
				assertThat(lastRun(context).schemaVersion()).isEqualTo("3");
				assertThat(lastRun(context).duration()).isLessThan(Duration.ofSeconds(15));
				assertThat(Files.mismatch(replicated, database())).isEqualTo(-1);
			});
			replication.join();
		}

		@Test
		void waitingReadsTheSchemaAgainOnlyWhenThePositionMoves() {
			FakeLiteFsMount mount = FakeLiteFsMount.replicaOf(mountDir(), "node-a").txid(4);
			migrate(database(), "1");
			MigrateProbe probe = new MigrateProbe();
			// many polls of the node; the position moves once, after the first comparison
			CompletableFuture<Void> replication = CompletableFuture.runAsync(() -> {
				awaitFirstComparison(probe);
				mount.txid(5);
			});
			contextRunner(probe).withPropertyValues("litefs.schema.replica-timeout=2s").run((context) -> {
				assertThat(lastRun(context).outcome()).isEqualTo(Outcome.TIMED_OUT);
				assertThat(lastRun(context).missing()).containsExactly("2", "3");
				assertThat(probe.infos).hasValue(2);
				assertThat(probe.migrations).hasValue(0);
			});
			replication.join();
		}

		@Test
		void nodeOfUnknownRoleWaitsLikeAReplica() {
			FakeLiteFsMount.replicaOf(mountDir(), "node-a").loseConnection();
			Map<String, String> before = snapshot(mountDir());
			contextRunner().run((context) -> {
				assertThat(lastRun(context).outcome()).isEqualTo(Outcome.TIMED_OUT);
				assertThat(lastRun(context).missing()).isEqualTo(ALL_VERSIONS);
				assertThat(snapshot(mountDir())).isEqualTo(before);
			});
		}

		@Test
		void replicaInSkipModeStartsAtOnce(CapturedOutput output) {
			// the deprecated names, still read
			FakeLiteFsMount.replicaOf(mountDir(), "node-a");
			Map<String, String> before = snapshot(mountDir());
			contextRunner().withPropertyValues("litefs.flyway.replica-mode=skip", "litefs.flyway.replica-timeout=60s")
				.run((context) -> {
					assertThat(lastRun(context).outcome()).isEqualTo(Outcome.SKIPPED);
					assertThat(snapshot(mountDir())).isEqualTo(before);
					assertThat(output).contains("LiteFS replica node-b: not waiting for the schema");
				});
		}

		@Test
		void replicaWithAZeroTimeoutLooksOnceAndStarts() {
			FakeLiteFsMount.replicaOf(mountDir(), "node-a");
			contextRunner().withPropertyValues("litefs.schema.replica-timeout=0s", "litefs.poll-interval=10s")
				.run((context) -> {
					assertThat(lastRun(context).outcome()).isEqualTo(Outcome.TIMED_OUT);
					assertThat(lastRun(context).missing()).isEqualTo(ALL_VERSIONS);
					assertThat(lastRun(context).duration()).isLessThan(Duration.ofSeconds(5));
				});
		}

		@Test
		void propertiesHaveTheirDocumentedDefaults() {
			LiteFsSchemaProperties schema = new LiteFsSchemaProperties();
			assertThat(schema.isEnabled()).isTrue();
			assertThat(schema.getReplicaMode()).isEqualTo(ReplicaMode.WAIT);
			assertThat(schema.getReplicaTimeout()).isEqualTo(Duration.ofSeconds(60));
			assertThat(schema.isReplicaFailOnTimeout()).isFalse();
		}

		@ParameterizedTest
		@CsvSource(delimiter = '|', textBlock = """
				litefs.schema.replica-timeout=-1s      | Property litefs.schema.replica-timeout with value 'PT-1S' is invalid: must not be negative
				litefs.schema.replica-mode=sometimes   | Failed to bind properties under 'litefs.schema.replica-mode'
				litefs.flyway.replica-timeout=-1s      | Property litefs.flyway.replica-timeout with value 'PT-1S' is invalid: must not be negative
				""")
		void badValuesFailStartupNamingTheProperty(String property, String message) {
			FakeLiteFsMount.replicaOf(mountDir(), "node-a");
			contextRunner().withPropertyValues(property).run((context) -> {
				assertThat(context).hasFailed();
				assertThat(ExceptionText.of(context.getStartupFailure())).contains(message);
			});
		}

	}

	@Nested
	class Promotion {

		@Test
		void promotedReplicaAppliesPendingMigrationsExactlyOnce(CapturedOutput output) {
			FakeLiteFsMount mount = FakeLiteFsMount.replicaOf(mountDir(), "node-a").txid(3);
			migrate(database(), "1");
			MigrateProbe probe = new MigrateProbe();
			contextRunner(probe).run((context) -> {
				assertThat(lastRun(context).outcome()).isEqualTo(Outcome.TIMED_OUT);
				assertThat(probe.migrations).hasValue(0);

				mount.becomePrimary();
				await().atMost(Duration.ofSeconds(10))
					.until(() -> lastRun(context).trigger() == Trigger.PROMOTION);
				assertThat(lastRun(context).outcome()).isEqualTo(Outcome.MIGRATED);
				assertThat(lastRun(context).applied()).isEqualTo(2);
				assertThat(output).contains("LiteFS primary node-b: applying 2 migrations");

				// the same promotion again, twice at once: nothing pending, nothing run
				LiteFsRoleChangedEvent promotion = context.getBean(LiteFsNode.class).lastRoleChange().orElseThrow();
				atOnce(2, () -> {
					context.publishEvent(promotion);
					return null;
				});
				assertThat(probe.migrations).hasValue(1);
				assertThat(installedVersions(database())).containsExactly("1", "2", "3");
			});
		}

		@Test
		void promotionDuringTheStartupWaitMigrates() {
			FakeLiteFsMount mount = FakeLiteFsMount.replicaOf(mountDir(), "node-a");
			MigrateProbe probe = new MigrateProbe();
			// promoted once the replica's startup wait has compared the schema, however slow the start
			CompletableFuture<Void> promotion = CompletableFuture.runAsync(() -> {
				awaitFirstComparison(probe);
				mount.becomePrimary();
			});
			contextRunner(probe).withPropertyValues("litefs.schema.replica-timeout=20s")
				.run((context) -> {
					assertThat(context).hasNotFailed();
					assertThat(lastRun(context).trigger()).isEqualTo(Trigger.PROMOTION);
					assertThat(lastRun(context).outcome()).isEqualTo(Outcome.MIGRATED);
					assertThat(lastRun(context).applied()).isEqualTo(3);
					assertThat(probe.migrations).hasValue(1);
					assertThat(installedVersions(database())).containsExactly("1", "2", "3");
				});
			promotion.join();
		}

		@Test
		void promotionWithNothingPendingRunsNothing(CapturedOutput output) {
			FakeLiteFsMount mount = FakeLiteFsMount.replicaOf(mountDir(), "node-a").txid(9);
			migrate(database(), "3");
			MigrateProbe probe = new MigrateProbe();
			contextRunner(probe).run((context) -> {
				assertThat(lastRun(context).outcome()).isEqualTo(Outcome.REPLICATED);
				mount.becomePrimary();
				await().atMost(Duration.ofSeconds(10)).until(() -> output.toString().contains("no migrations pending"));
				assertThat(probe.migrations).hasValue(0);
				assertThat(lastRun(context).outcome()).isEqualTo(Outcome.REPLICATED);
			});
		}

		@Test
		void demotionRunsNothing() {
			FakeLiteFsMount mount = FakeLiteFsMount.primary(mountDir());
			MigrateProbe probe = new MigrateProbe();
			contextRunner(probe).run((context) -> {
				assertThat(probe.migrations).hasValue(1);
				mount.becomeReplicaOf("node-a");
				await().atMost(Duration.ofSeconds(10))
					.until(() -> context.getBean(LiteFsNode.class).lastRoleChange().isPresent());
				assertThat(probe.migrations).hasValue(1);
				assertThat(lastRun(context).trigger()).isEqualTo(Trigger.STARTUP);
			});
		}

		@Test
		void migrationsOfTwoApplicationsInOneJvmRunOneAtATime() throws Exception {
			FakeLiteFsMount.primary(mountDir());
			MigrateProbe probe = new MigrateProbe(Duration.ofMillis(500));
			ApplicationContextRunner runner = contextRunner(probe);
			List<MigrationRun> runs = atOnce(2, () -> {
				List<MigrationRun> run = new ArrayList<>();
				runner.run((context) -> {
					assertThat(context).hasNotFailed();
					run.add(lastRun(context));
				});
				return run.get(0);
			});
			assertThat(probe.migrations).hasValue(2);
			assertThat(probe.mostAtOnce).hasValue(1);
			assertThat(runs).extracting(MigrationRun::outcome).containsOnly(Outcome.MIGRATED);
			assertThat(runs).extracting(MigrationRun::applied).containsExactlyInAnyOrder(3, 0);
			assertThat(installedVersions(database())).containsExactly("1", "2", "3");
		}

	}

	@Nested
	class Actuator {

		private ApplicationContextRunner withEndpoint() {
			return contextRunner().withConfiguration(AutoConfigurations.of(LiteFsActuatorAutoConfiguration.class))
				.withPropertyValues("management.endpoints.web.exposure.include=litefs");
		}

		@Test
		void theEndpointShowsTheLastRun() {
			FakeLiteFsMount.replicaOf(mountDir(), "node-a");
			withEndpoint().run((context) -> {
				Map<String, ?> body = context.getBean(LiteFsEndpoint.class).litefs();
				assertThat(body).extractingByKey("flyway")
					.asInstanceOf(InstanceOfAssertFactories.map(String.class, Object.class))
					.extractingByKey("lastRun")
					.asInstanceOf(InstanceOfAssertFactories.map(String.class, Object.class))
					.containsEntry("trigger", "startup")
					.containsEntry("outcome", "timed-out")
					.containsEntry("applied", 0)
					.containsEntry("missing", ALL_VERSIONS)
					.containsEntry("schemaVersion", null)
					.containsKeys("startedAt", "durationMillis", "error");
			});
		}

		@Test
		void withoutActuatorOnlyTheStrategyIsRegistered() {
			FakeLiteFsMount.primary(mountDir());
			withEndpoint().withClassLoader(new FilteredClassLoader(Endpoint.class)).run((context) -> {
				assertThat(context).hasNotFailed().hasSingleBean(LiteFsFlywayMigrationStrategy.class);
				assertThat(context).doesNotHaveBean("flywayEndpointContributor");
			});
		}

		@Test
		void anApplicationsOwnStrategyHasNoSection() {
			FakeLiteFsMount.primary(mountDir());
			withEndpoint().withBean(FlywayMigrationStrategy.class, () -> (flyway) -> flyway.migrate())
				.run((context) -> {
					assertThat(context).hasNotFailed().doesNotHaveBean("flywayEndpointContributor");
					assertThat(context.getBean(LiteFsEndpoint.class).litefs()).doesNotContainKey("flyway");
				});
		}

	}

	@Nested
	class Application {

		@Test
		void replicaApplicationStartupLeavesAnEmptyMountUntouched() {
			FakeLiteFsMount.replicaOf(mountDir(), "node-a").delete("app.db-pos");
			Map<String, String> before = snapshot(mountDir());
			try (ConfigurableApplicationContext context = application().run()) {
				assertThat(context.getBean(DataSource.class)).isInstanceOf(HikariDataSource.class);
				assertThat(((HikariDataSource) context.getBean(DataSource.class)).getJdbcUrl())
					.isEqualTo("jdbc:sqlite:" + database());
				assertThat(context.getBean(LiteFsFlywayMigrationStrategy.class).lastRun())
					.hasValueSatisfying((run) -> assertThat(run.outcome()).isEqualTo(Outcome.TIMED_OUT));
				assertThat(snapshot(mountDir())).isEqualTo(before);
			}
			assertThat(snapshot(mountDir())).isEqualTo(before);
		}

		@Test
		void primaryApplicationMigrates() {
			FakeLiteFsMount.primary(mountDir());
			try (ConfigurableApplicationContext context = application().run()) {
				assertThat(context.getBean(LiteFsFlywayMigrationStrategy.class).lastRun())
					.hasValueSatisfying((run) -> assertThat(run.applied()).isEqualTo(3));
			}
			assertThat(tables(database())).contains("posts", "comments");
		}

		@Test
		void aReplicaGivingUpOnTheSchemaFailsStartUpSayingWhatToCheckAndChange(CapturedOutput output) {
			FakeLiteFsMount.replicaOf(mountDir(), "node-a");
			assertThatThrownBy(() -> application().properties("litefs.schema.replica-fail-on-timeout=true").run())
				.rootCause()
				.isInstanceOf(ReplicaSchemaTimeoutException.class);
			// Spring Boot's failure report, from the starter's analyzer: no stack trace to read
			assertThat(output).contains("APPLICATION FAILED TO START")
				.contains("the schema of Flyway in app.db has not replicated from the primary (node-a) within 300ms")
				.contains("LiteFS on this node is connected to the primary (node-a")
				.contains("raise litefs.schema.replica-timeout (now PT0.3S)")
				.contains("set litefs.schema.replica-fail-on-timeout=false");
		}

		private SpringApplicationBuilder application() {
			return new SpringApplicationBuilder(AutoConfiguredApplication.class).web(WebApplicationType.NONE)
				.properties("spring.main.banner-mode=off", "litefs.mount-dir=" + mountDir(), "litefs.hostname=node-b",
						"litefs.poll-interval=50ms", "litefs.schema.replica-timeout=300ms");
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration(exclude = { LiquibaseAutoConfiguration.class, HibernateJpaAutoConfiguration.class }) // on this module's test classpath
	static class AutoConfiguredApplication {

	}

	private static MigrationRun lastRun(AssertableApplicationContext context) {
		return context.getBean(LiteFsFlywayMigrationStrategy.class).lastRun().orElseThrow();
	}

	/** Every file of a directory with its size and modification time. */
	private static Map<String, String> snapshot(Path dir) {
		try (Stream<Path> files = Files.list(dir)) {
			Map<String, String> snapshot = new TreeMap<>();
			for (Path file : files.toList()) {
				snapshot.put(file.getFileName().toString(),
						Files.size(file) + " bytes, modified " + Files.getLastModifiedTime(file).toInstant());
			}
			return snapshot;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static void execute(Path database, String sql) {
		try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + database);
				Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** Copies a file the way replication makes it appear: whole, at once. */
	private static void copy(Path from, Path to) {
		try {
			Path temp = Files.createTempFile(to.getParent(), ".replicating-", ".tmp");
			Files.copy(from, temp, StandardCopyOption.REPLACE_EXISTING);
			Files.move(temp, to, StandardCopyOption.ATOMIC_MOVE);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** Runs a task on several threads, started together, and returns their results. */
	private static <T> List<T> atOnce(int threads, Callable<T> task) throws Exception {
		ExecutorService executor = Executors.newFixedThreadPool(threads);
		CyclicBarrier start = new CyclicBarrier(threads);
		try {
			List<Future<T>> futures = new ArrayList<>();
			for (int i = 0; i < threads; i++) {
				futures.add(executor.submit(() -> {
					start.await();
					return task.call();
				}));
			}
			List<T> results = new ArrayList<>();
			for (Future<T> future : futures) {
				results.add(future.get(30, TimeUnit.SECONDS));
			}
			return results;
		}
		finally {
			executor.shutdownNow();
		}
	}

	/** Until the replica's wait has compared the schema once (bounded: 10 s). */
	private static void awaitFirstComparison(MigrateProbe probe) {
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		while (probe.infos.get() == 0 && System.nanoTime() < deadline) {
			pause(Duration.ofMillis(10));
		}
	}

}
