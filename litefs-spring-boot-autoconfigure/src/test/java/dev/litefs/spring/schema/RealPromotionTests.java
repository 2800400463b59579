package dev.litefs.spring.schema;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import dev.litefs.spring.node.NodeRole;
import dev.litefs.spring.test.cluster.LiteFsCluster;
import dev.litefs.spring.test.cluster.RealLiteFs;
import dev.litefs.spring.testapp.HeldMigration;
import dev.litefs.spring.testapp.TestNode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A real promotion: the cluster restarted with node-b as the primary. The application
 * on node-b sees it through LiteFS's events, holds its writes (503) while its migration
 * runs, migrates once, then takes writes.
 */
@RealLiteFs
class RealPromotionTests {

	@Test
	void thePromotedNodeMigratesOnceAndHoldsWritesUntilItIsDone() throws Exception {
		try (LiteFsCluster cluster = LiteFsCluster.builder().nodes(2).start()) {
			createPosts(cluster);
			cluster.awaitReplicated("app.db", Duration.ofSeconds(15));
			LiteFsCluster.Node nodeB = cluster.node(1);
			try (TestNode node = TestNode.start(nodeB.mountDir(), "app.db", "node-b",
					"litefs.api-url=" + nodeB.apiUrl(), "litefs.routing.strategy=reject",
					"spring.flyway.enabled=true", "spring.flyway.locations=classpath:db/none",
					"spring.flyway.baseline-on-migrate=true", "spring.flyway.baseline-version=0",
					"litefs.schema.replica-mode=skip", "testapp.held-migration=true", "testapp.plays-litefs=false")) {
				HeldMigration migration = node.bean(HeldMigration.class);
				await().atMost(Duration.ofSeconds(15))
					.until(() -> node.node().eventStream().orElseThrow().connected());
				assertThat(node.node().state().role()).isEqualTo(NodeRole.REPLICA);

				cluster.promote(nodeB);

				assertThat(migration.awaitStarted()).as("migration started after the promotion").isTrue();
				assertThat(node.node().state().role()).isEqualTo(NodeRole.PRIMARY);
				HttpResponse<String> held = node.postJson("/posts", "{\"title\":\"too early\"}");
				assertThat(held.statusCode()).as(held.body()).isEqualTo(503);
				assertThat(held.headers().firstValue("Retry-After")).isPresent();
				assertThat(held.body()).contains("Primary not taking writes yet");
				assertThat(node.calls().of("create")).isZero();

				migration.release();

				await().atMost(Duration.ofSeconds(20)).until(() -> node.node().isPrimary());
				HttpResponse<String> written = await().atMost(Duration.ofSeconds(20))
					.until(() -> node.postJson("/posts", "{\"title\":\"on the new primary\"}"),
							(answer) -> answer.statusCode() != 503);
				assertThat(written.statusCode()).as(written.body()).isEqualTo(201);
				assertThat(migration.runs()).isEqualTo(1);
				assertThat(node.bean(LiteFsFlywayMigrationStrategy.class).lastRun()).hasValueSatisfying((run) -> {
					assertThat(run.trigger()).isEqualTo(MigrationRun.Trigger.PROMOTION);
					assertThat(run.outcome()).isEqualTo(MigrationRun.Outcome.MIGRATED);
				});
				cluster.node(0).awaitTxid("app.db", nodeB.txid("app.db"), Duration.ofSeconds(15));
			}
		}
	}

	private static void createPosts(LiteFsCluster cluster) throws SQLException {
		try (Connection connection = DriverManager
			.getConnection("jdbc:sqlite:" + cluster.primary().mountDir().resolve("app.db"));
				Statement statement = connection.createStatement()) {
			statement.execute("create table posts (id integer primary key autoincrement, title text not null, "
					+ "node text not null)");
		}
	}

}
