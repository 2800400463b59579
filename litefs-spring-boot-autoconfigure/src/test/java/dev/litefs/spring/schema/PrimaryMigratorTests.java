package dev.litefs.spring.schema;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.litefs.spring.schema.FlywayFixtures.MigrateProbe;
import dev.litefs.spring.schema.MigrationRun.Outcome;
import dev.litefs.spring.schema.MigrationRun.Trigger;
import dev.litefs.spring.node.LiteFsNode;
import dev.litefs.spring.node.LiteFsScheduler;
import dev.litefs.spring.test.FakeLiteFsMount;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.callback.Context;
import org.flywaydb.core.api.callback.Event;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static dev.litefs.spring.schema.FlywayFixtures.database;
import static dev.litefs.spring.schema.FlywayFixtures.flyway;
import static dev.litefs.spring.schema.FlywayFixtures.installedVersions;
import static dev.litefs.spring.schema.FlywayFixtures.migrate;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link PrimaryMigrator}: migrations on a node that takes writes, one at a
 * time in the JVM, and the last run.
 */
class PrimaryMigratorTests {

	@TempDir
	Path dir;

	private final LiteFsScheduler scheduler = new LiteFsScheduler();

	@AfterEach
	void close() {
		this.scheduler.close();
	}

	@Test
	void atStartupAPrimaryMigratesAndKeepsTheRun() {
		FakeLiteFsMount mount = FakeLiteFsMount.primary(this.dir);
		PrimaryMigrator migrator = new PrimaryMigrator(node(mount));

		migrator.migrate(flyway(mount), Trigger.STARTUP);

		assertThat(installedVersions(database(mount))).containsExactly("1", "2", "3");
		assertThat(migrator.lastRun()).hasValueSatisfying((run) -> {
			assertThat(run.trigger()).isEqualTo(Trigger.STARTUP);
			assertThat(run.outcome()).isEqualTo(Outcome.MIGRATED);
			assertThat(run.applied()).isEqualTo(3);
			assertThat(run.schemaVersion()).isEqualTo("3");
			assertThat(run.error()).isNull();
		});
	}

	@Test
	void atStartupFlywayRunsEvenWithNothingPending() {
		FakeLiteFsMount mount = FakeLiteFsMount.primary(this.dir);
		migrate(database(mount), "3");
		MigrateProbe probe = new MigrateProbe();
		PrimaryMigrator migrator = new PrimaryMigrator(node(mount));

		migrator.migrate(flyway(mount, probe), Trigger.STARTUP);

		assertThat(probe.migrations).as("migrate() called, as Spring Boot would").hasValue(1);
		assertThat(migrator.lastRun().orElseThrow().applied()).isZero();
		assertThat(migrator.lastRun().orElseThrow().schemaVersion()).isEqualTo("3");
	}

	@Test
	void afterAPromotionWithNothingPendingFlywayDoesNotMigrateAndNoRunIsKept() {
		FakeLiteFsMount mount = FakeLiteFsMount.primary(this.dir);
		migrate(database(mount), "3");
		MigrateProbe probe = new MigrateProbe();
		PrimaryMigrator migrator = new PrimaryMigrator(node(mount));

		migrator.migrate(flyway(mount, probe), Trigger.PROMOTION);

		assertThat(probe.migrations).hasValue(0);
		assertThat(migrator.lastRun()).isEmpty();
	}

	@Test
	void aNodeThatTakesNoWritesNeverMigrates() {
		FakeLiteFsMount mount = FakeLiteFsMount.replicaOf(this.dir, "node-a");
		MigrateProbe probe = new MigrateProbe();
		PrimaryMigrator migrator = new PrimaryMigrator(node(mount));

		migrator.migrate(flyway(mount, probe), Trigger.STARTUP);
		migrator.migrate(flyway(mount, probe), Trigger.PROMOTION);

		assertThat(probe.migrations).hasValue(0);
		assertThat(probe.infos).hasValue(0);
		assertThat(database(mount)).doesNotExist();
		assertThat(migrator.lastRun()).isEmpty();
	}

	@Test
	void aFailedMigrationIsKeptAsFailedAndThrown() {
		FakeLiteFsMount mount = FakeLiteFsMount.primary(this.dir);
		PrimaryMigrator migrator = new PrimaryMigrator(node(mount));
		MigrateProbe failing = new MigrateProbe() {

			@Override
			public void handle(Event event, Context context) {
				throw new FlywayException("the disk is full");
			}

		};

		assertThatExceptionOfType(FlywayException.class)
			.isThrownBy(() -> migrator.migrate(flyway(mount, failing), Trigger.STARTUP))
			.withMessageContaining("the disk is full");
		assertThat(migrator.lastRun()).hasValueSatisfying((run) -> {
			assertThat(run.outcome()).isEqualTo(Outcome.FAILED);
			assertThat(run.error()).contains("the disk is full");
		});
	}

	@Test
	void migrationsOfTwoMigratorsInTheJvmRunOneAtATime() throws Exception {
		FakeLiteFsMount mount = FakeLiteFsMount.primary(this.dir);
		MigrateProbe probe = new MigrateProbe(Duration.ofMillis(300));
		PrimaryMigrator one = new PrimaryMigrator(node(mount));
		PrimaryMigrator other = new PrimaryMigrator(node(mount));

		CompletableFuture<Void> first = CompletableFuture
			.runAsync(() -> one.migrate(flyway(mount, probe), Trigger.STARTUP), this.scheduler::execute);
		CompletableFuture<Void> second = CompletableFuture
			.runAsync(() -> other.migrate(flyway(mount, probe), Trigger.STARTUP), this.scheduler::execute);
		CompletableFuture.allOf(first, second).get(30, TimeUnit.SECONDS);

		assertThat(probe.migrations).hasValue(2);
		assertThat(probe.mostAtOnce).as("migrations at once").hasValue(1);
		assertThat(one.lastRun().orElseThrow().applied() + other.lastRun().orElseThrow().applied()).isEqualTo(3);
		assertThat(installedVersions(database(mount))).containsExactly("1", "2", "3");
	}

	private LiteFsNode node(FakeLiteFsMount mount) {
		return FlywayFixtures.node(mount, (event) -> {
		}, this.scheduler);
	}

}
