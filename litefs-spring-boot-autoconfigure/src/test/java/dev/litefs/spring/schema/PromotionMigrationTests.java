package dev.litefs.spring.schema;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

import dev.litefs.spring.node.NodeRole;
import dev.litefs.spring.test.FakeLiteFsMount;
import dev.litefs.spring.testapp.HeldMigration;
import dev.litefs.spring.testapp.TestNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A replica promoted to primary migrates once, on a thread of the strategy's own, and
 * answers writes with a 503 problem detail until the migration is done; reads go on.
 */
class PromotionMigrationTests {

	@Test
	void aPromotedNodeHoldsWritesUntilItsMigrationIsDoneAndMigratesOnce(@TempDir Path dir) throws Exception {
		FakeLiteFsMount mount = FakeLiteFsMount.replicaOf(dir, "node-a").txid(5);
		try (TestNode node = startWithHeldMigration(mount)) {
			HeldMigration migration = node.bean(HeldMigration.class);
			LiteFsFlywayMigrationStrategy strategy = node.bean(LiteFsFlywayMigrationStrategy.class);
			assertThat(node.postJson("/posts", "{\"title\":\"on a replica\"}").statusCode()).as("rejected on a replica")
				.isEqualTo(503);

			mount.becomePrimary();

			assertThat(migration.awaitStarted()).as("migration started after the promotion").isTrue();
			assertThat(node.node().state().role()).isEqualTo(NodeRole.PRIMARY);
			HttpResponse<String> held = node.postJson("/posts", "{\"title\":\"too early\"}");
			assertThat(held.statusCode()).as(held.body()).isEqualTo(503);
			assertThat(held.headers().firstValue("Content-Type")).hasValue("application/problem+json");
			assertThat(held.headers().firstValue("Retry-After")).hasValue("1");
			assertThat(held.body()).contains("Primary not taking writes yet").contains("migrating its schema");
			assertThat(node.calls().of("create")).isZero();
			assertThat(node.get("/posts/1").statusCode()).as("reads go on").isIn(200, 404);
			assertThat(node.get("/actuator/litefs").body()).contains("\"writeHold\":\"migrating its schema\"");

			migration.release();

			await().atMost(Duration.ofSeconds(20)).until(() -> node.node().isPrimary());
			HttpResponse<String> written = node.postJson("/posts", "{\"title\":\"after the migration\"}");
			assertThat(written.statusCode()).as(written.body()).isEqualTo(201);
			assertThat(migration.runs()).isEqualTo(1);
			assertThat(migration.thread()).as("on the starter's scheduler").startsWith("litefs-scheduler-");
			assertThat(strategy.lastRun()).hasValueSatisfying((run) -> {
				assertThat(run.trigger()).isEqualTo(MigrationRun.Trigger.PROMOTION);
				assertThat(run.outcome()).isEqualTo(MigrationRun.Outcome.MIGRATED);
				assertThat(run.applied()).isEqualTo(1);
			});
			// more readings of the same primary: no second run
			Thread.sleep(300);
			assertThat(migration.runs()).isEqualTo(1);
		}
	}

	@Test
	void aPromotionWhoseMigrationFailsHoldsWritesAndTriesAgainUntilItMigrates(@TempDir Path dir) throws Exception {
		FakeLiteFsMount mount = FakeLiteFsMount.replicaOf(dir, "node-a").txid(5);
		try (TestNode node = startWithHeldMigration(mount)) {
			HeldMigration migration = node.bean(HeldMigration.class);
			mount.becomePrimary();
			assertThat(migration.awaitStarted()).isTrue();

			migration.releaseToFailOnce();

			await().atMost(Duration.ofSeconds(20)).until(() -> migration.runs() == 2);
			await().atMost(Duration.ofSeconds(20)).until(() -> node.node().isPrimary());
			HttpResponse<String> written = node.postJson("/posts", "{\"title\":\"after the second try\"}");
			assertThat(written.statusCode()).as(written.body()).isEqualTo(201);
			assertThat(node.bean(LiteFsFlywayMigrationStrategy.class).lastRun()).hasValueSatisfying(
					(run) -> assertThat(run.outcome()).isEqualTo(MigrationRun.Outcome.MIGRATED));
		}
	}

	/** A replica node whose Flyway has one migration, {@link HeldMigration}, for a promotion to run. */
	private static TestNode startWithHeldMigration(FakeLiteFsMount mount) {
		return TestNode.start(mount, "node-b", "spring.flyway.enabled=true", "spring.flyway.locations=classpath:db/none",
				"spring.flyway.baseline-on-migrate=true", "spring.flyway.baseline-version=0",
				"litefs.schema.replica-mode=skip", "testapp.held-migration=true", "litefs.routing.strategy=reject",
				"spring.datasource.hikari.read-only=false", "spring.datasource.hikari.data-source-properties.open_mode=6",
				"management.endpoints.web.exposure.include=litefs");
	}

}
