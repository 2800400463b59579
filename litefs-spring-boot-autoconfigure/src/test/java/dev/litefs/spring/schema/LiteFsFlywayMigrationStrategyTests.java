package dev.litefs.spring.schema;

import java.nio.file.Path;
import java.time.Duration;

import dev.litefs.spring.schema.FlywayFixtures.MigrateProbe;
import dev.litefs.spring.schema.MigrationRun.Outcome;
import dev.litefs.spring.schema.MigrationRun.Trigger;
import dev.litefs.spring.node.LiteFsNode;
import dev.litefs.spring.node.LiteFsScheduler;
import dev.litefs.spring.test.FakeLiteFsMount;
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
 * Tests for {@link LiteFsFlywayMigrationStrategy}, the start-up policy: migrate on the
 * primary, never write on a replica, wait for the replicated schema or not.
 */
class LiteFsFlywayMigrationStrategyTests {

	@TempDir
	Path dir;

	private final LiteFsScheduler scheduler = new LiteFsScheduler();

	private LiteFsNode node;

	@AfterEach
	void close() {
		if (this.node != null) {
			this.node.stop();
		}
		this.scheduler.close();
	}

	@Test
	void aPrimaryMigratesAtStartup() {
		FakeLiteFsMount mount = FakeLiteFsMount.primary(this.dir);

		LiteFsFlywayMigrationStrategy strategy = strategy(mount, ReplicaMode.WAIT, Duration.ofSeconds(5), false);
		strategy.migrate(flyway(mount));

		assertThat(installedVersions(database(mount))).containsExactly("1", "2", "3");
		assertThat(strategy.lastRun()).hasValueSatisfying((run) -> {
			assertThat(run.trigger()).isEqualTo(Trigger.STARTUP);
			assertThat(run.outcome()).isEqualTo(Outcome.MIGRATED);
		});
	}

	@Test
	void aReplicaThatSkipsNeitherWritesNorReads() {
		FakeLiteFsMount mount = FakeLiteFsMount.replicaOf(this.dir, "node-a");
		MigrateProbe probe = new MigrateProbe();

		LiteFsFlywayMigrationStrategy strategy = strategy(mount, ReplicaMode.SKIP, Duration.ofSeconds(5), false);
		strategy.migrate(flyway(mount, probe));

		assertThat(probe.migrations).hasValue(0);
		assertThat(probe.infos).hasValue(0);
		assertThat(database(mount)).doesNotExist();
		assertThat(strategy.lastRun().orElseThrow().outcome()).isEqualTo(Outcome.SKIPPED);
	}

	@Test
	void aReplicaWhoseSchemaReplicatedStartsAtOnceWithoutWriting() {
		FakeLiteFsMount mount = FakeLiteFsMount.replicaOf(this.dir, "node-a");
		migrate(database(mount), "3");
		MigrateProbe probe = new MigrateProbe();

		LiteFsFlywayMigrationStrategy strategy = strategy(mount, ReplicaMode.WAIT, Duration.ofSeconds(5), false);
		strategy.migrate(flyway(mount, probe));

		assertThat(probe.migrations).hasValue(0);
		assertThat(strategy.lastRun()).hasValueSatisfying((run) -> {
			assertThat(run.outcome()).isEqualTo(Outcome.REPLICATED);
			assertThat(run.schemaVersion()).isEqualTo("3");
			assertThat(run.duration()).isLessThan(Duration.ofSeconds(5));
		});
	}

	@Test
	void aReplicaWaitsForTheSchemaThatReplicatesMeanwhile() throws Exception {
		FakeLiteFsMount mount = FakeLiteFsMount.replicaOf(this.dir, "node-a").txid(1);
		migrate(database(mount), "1");
		Thread primary = new Thread(() -> {
			sleep(300);
			migrate(database(mount), "3");
			mount.txid(2);
		});
		primary.start();

		LiteFsFlywayMigrationStrategy strategy = strategy(mount, ReplicaMode.WAIT, Duration.ofSeconds(20), false);
		strategy.migrate(flyway(mount));
		primary.join();

		assertThat(strategy.lastRun()).hasValueSatisfying((run) -> {
			assertThat(run.outcome()).isEqualTo(Outcome.REPLICATED);
			assertThat(run.schemaVersion()).isEqualTo("3");
			assertThat(run.duration()).isGreaterThanOrEqualTo(Duration.ofMillis(250)).isLessThan(Duration.ofSeconds(20));
		});
	}

	@Test
	void aReplicaWhoseSchemaDoesNotReplicateStartsAtTheTimeOutOrFailsIfAsked() {
		FakeLiteFsMount mount = FakeLiteFsMount.replicaOf(this.dir, "node-a");
		migrate(database(mount), "2");

		LiteFsFlywayMigrationStrategy starting = strategy(mount, ReplicaMode.WAIT, Duration.ofMillis(200), false);
		starting.migrate(flyway(mount));
		assertThat(starting.lastRun()).hasValueSatisfying((run) -> {
			assertThat(run.outcome()).isEqualTo(Outcome.TIMED_OUT);
			assertThat(run.missing()).containsExactly("3");
		});

		LiteFsFlywayMigrationStrategy failing = strategy(mount, ReplicaMode.WAIT, Duration.ofMillis(200), true);
		assertThatExceptionOfType(ReplicaSchemaTimeoutException.class)
			.isThrownBy(() -> failing.migrate(flyway(mount)))
			.withMessageContaining("litefs.schema.replica-fail-on-timeout=true");
		assertThat(installedVersions(database(mount))).containsExactly("1", "2");
	}

	@Test
	void afterStartupAPromotionHoldsTheWrites() {
		FakeLiteFsMount mount = FakeLiteFsMount.replicaOf(this.dir, "node-a");
		migrate(database(mount), "3");
		LiteFsFlywayMigrationStrategy strategy = strategy(mount, ReplicaMode.SKIP, Duration.ofSeconds(5), false);
		strategy.migrate(flyway(mount));

		mount.becomePrimary();

		assertThat(this.node.refresh().writeHold()).isEqualTo("migrating its schema");
	}

	private LiteFsFlywayMigrationStrategy strategy(FakeLiteFsMount mount, ReplicaMode mode, Duration timeout,
			boolean failOnTimeout) {
		if (this.node == null) {
			this.node = FlywayFixtures.node(mount, (event) -> {
			}, this.scheduler);
		}
		return new LiteFsFlywayMigrationStrategy(this.node, mode, timeout, failOnTimeout, this.scheduler);
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
