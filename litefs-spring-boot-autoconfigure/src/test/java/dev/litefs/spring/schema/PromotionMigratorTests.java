package dev.litefs.spring.schema;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import dev.litefs.spring.schema.FlywayFixtures.MigrateProbe;
import dev.litefs.spring.schema.MigrationRun.Outcome;
import dev.litefs.spring.schema.MigrationRun.Trigger;
import dev.litefs.spring.node.LiteFsNode;
import dev.litefs.spring.node.LiteFsRoleChangedEvent;
import dev.litefs.spring.node.LiteFsScheduler;
import dev.litefs.spring.test.FakeLiteFsMount;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.callback.Context;
import org.flywaydb.core.api.callback.Event;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static dev.litefs.spring.schema.FlywayFixtures.database;
import static dev.litefs.spring.schema.FlywayFixtures.flyway;
import static dev.litefs.spring.schema.FlywayFixtures.installedVersions;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link PromotionMigrator}: a promoted node's writes held until it migrated,
 * on the scheduler, tried again while it fails.
 */
class PromotionMigratorTests {

	@TempDir
	Path dir;

	private final LiteFsScheduler scheduler = new LiteFsScheduler();

	private final List<LiteFsRoleChangedEvent> promotions = new CopyOnWriteArrayList<>();

	private final AtomicReference<PromotionMigrator> migrator = new AtomicReference<>();

	private FakeLiteFsMount mount;

	private LiteFsNode node;

	private PrimaryMigrator runs;

	@AfterEach
	void close() {
		this.scheduler.close();
	}

	@Test
	void beforeItTakesOverAPromotionIsNeitherHeldNorMigrated() {
		MigrateProbe probe = new MigrateProbe();
		mount();
		start();

		promote();

		assertThat(this.promotions).hasSize(1);
		assertThat(this.node.isPrimary()).isTrue();
		assertThat(probe.migrations).hasValue(0);
	}

	@Test
	void aPromotionIsHeldFromItsReadingUntilItsMigrationRanOnTheScheduler() {
		AtomicReference<String> thread = new AtomicReference<>();
		MigrateProbe probe = new MigrateProbe() {

			@Override
			public void handle(Event event, Context context) {
				if (event == Event.BEFORE_MIGRATE) {
					thread.set(Thread.currentThread().getName());
				}
				super.handle(event, context);
			}

		};
		mount();
		PromotionMigrator migrator = start();
		PrimaryMigrator runs = this.runs;
		takeOver(migrator, flyway(this.mount, probe));

		promote();

		assertThat(this.promotions).hasSize(1);
		assertThat(this.promotions.get(0).getState().writeHold()).as("held from the reading of the promotion")
			.isEqualTo("migrating its schema");
		await().atMost(Duration.ofSeconds(10)).until(this.node::isPrimary);
		assertThat(thread.get()).startsWith("litefs-scheduler-");
		assertThat(installedVersions(database(this.mount))).containsExactly("1", "2", "3");
		assertThat(runs.lastRun()).hasValueSatisfying((run) -> {
			assertThat(run.trigger()).isEqualTo(Trigger.PROMOTION);
			assertThat(run.outcome()).isEqualTo(Outcome.MIGRATED);
			assertThat(run.applied()).isEqualTo(3);
		});
	}

	@Test
	void theSameEventMigratesOnce() throws Exception {
		MigrateProbe probe = new MigrateProbe();
		mount();
		PromotionMigrator migrator = start();
		takeOver(migrator, flyway(this.mount, probe));

		promote();
		await().atMost(Duration.ofSeconds(10)).until(this.node::isPrimary);
		migrator.onRoleChange(this.promotions.get(0));
		Thread.sleep(300);

		assertThat(probe.infos).as("runs after the promotion").hasValue(1);
	}

	@Test
	void aFailedMigrationKeepsTheWritesHeldAndIsTriedAgainWhileTheNodeIsPrimary() {
		AtomicInteger tries = new AtomicInteger();
		AtomicBoolean restarting = new AtomicBoolean(true);
		MigrateProbe failingWhileRestarting = new MigrateProbe() {

			@Override
			public void handle(Event event, Context context) {
				if (event == Event.BEFORE_MIGRATE) {
					tries.incrementAndGet();
					if (restarting.get()) {
						throw new FlywayException("LiteFS restarts");
					}
				}
				super.handle(event, context);
			}

		};
		mount();
		PromotionMigrator migrator = start();
		takeOver(migrator, flyway(this.mount, failingWhileRestarting));

		promote();

		await().atMost(Duration.ofSeconds(10)).until(() -> tries.get() >= 2);
		assertThat(this.node.state().writeHold()).as("after failed runs").isEqualTo("migrating its schema");
		assertThat(this.node.isPrimary()).isFalse();
		int failed = tries.get();
		restarting.set(false);
		await().atMost(Duration.ofSeconds(10)).until(this.node::isPrimary);
		assertThat(tries).as("tried again once LiteFS was back").hasValueGreaterThan(failed);
		assertThat(installedVersions(database(this.mount))).containsExactly("1", "2", "3");
	}

	@Test
	void stoppedItTriesNoMore() throws Exception {
		AtomicInteger tries = new AtomicInteger();
		MigrateProbe failing = new MigrateProbe() {

			@Override
			public void handle(Event event, Context context) {
				if (event == Event.BEFORE_MIGRATE) {
					tries.incrementAndGet();
					throw new FlywayException("LiteFS restarts");
				}
			}

		};
		mount();
		PromotionMigrator migrator = start();
		takeOver(migrator, flyway(this.mount, failing));
		promote();
		await().atMost(Duration.ofSeconds(10)).until(() -> tries.get() >= 1);

		migrator.stop();
		int triedBefore = tries.get();
		Thread.sleep(500);

		assertThat(tries).as("tries after stop (the retry is due within 20-40 ms)").hasValueLessThanOrEqualTo(triedBefore + 1);
		int triedAfter = tries.get();
		Thread.sleep(300);
		assertThat(tries).hasValue(triedAfter);
		assertThat(this.node.isPrimary()).as("the schema is not current").isFalse();
	}

	private void mount() {
		this.mount = FakeLiteFsMount.replicaOf(this.dir, "node-a");
	}

	/** Promotions of the migrator migrate with this Flyway, as the Flyway strategy's do. */
	private void takeOver(PromotionMigrator migrator, Flyway flyway) {
		PrimaryMigrator runs = this.runs;
		migrator.takeOver(() -> runs.migrate(flyway, MigrationRun.Trigger.PROMOTION));
	}

	/** A migrator of a replica's node on {@link #mount}. */
	private PromotionMigrator start() {
		this.runs = new PrimaryMigrator(node(this.mount));
		PromotionMigrator migrator = new PromotionMigrator(this.node, this.scheduler);
		this.migrator.set(migrator);
		return migrator;
	}

	private LiteFsNode node(FakeLiteFsMount mount) {
		this.node = FlywayFixtures.node(mount, (event) -> {
			if (event instanceof LiteFsRoleChangedEvent change && change.isPromotion()) {
				this.promotions.add(change);
				PromotionMigrator migrator = this.migrator.get();
				if (migrator != null) {
					migrator.onRoleChange(change);
				}
			}
		}, this.scheduler);
		return this.node;
	}

	/** The node reads its promotion. */
	private void promote() {
		this.mount.becomePrimary();
		this.node.refresh();
	}

}
