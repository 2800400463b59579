package dev.litefs.spring.schema;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.litefs.spring.test.cluster.LiteFsCluster;
import dev.litefs.spring.test.cluster.RealLiteFs;
import dev.litefs.spring.testapp.TestNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code spring.sql.init} on a real cluster: a replica started before the primary has a
 * database runs no script and waits for the schema scripts' tables and indexes to
 * replicate; the primary runs the schema and data scripts, once for the cluster; a
 * replica promoted after startup runs them.
 */
@RealLiteFs
class RealSqlInitTests {

	private static final String[] SQL_INIT = { "spring.sql.init.mode=always",
			"spring.sql.init.schema-locations=classpath:sql-init/schema.sql",
			"spring.sql.init.data-locations=classpath:sql-init/data.sql", "testapp.plays-litefs=false",
			"litefs.routing.strategy=reject" };

	/** The replica's checks read the file over connections of their own: in both journal modes. */
	@ParameterizedTest
	@ValueSource(strings = { "DELETE", "WAL" })
	void theReplicaWaitsForTheSchemaScriptsWhichOnlyThePrimaryRunsAndAPromotedReplicaRunsThem(String journalMode)
			throws Exception {
		try (LiteFsCluster cluster = LiteFsCluster.builder().nodes(2).start()) {
			String mode = "spring.datasource.hikari.data-source-properties.journal_mode=" + journalMode;
			LiteFsCluster.Node nodeB = cluster.node(1);
			CompletableFuture<TestNode> replicaStarting = CompletableFuture
				.supplyAsync(() -> node(nodeB, mode, "litefs.schema.replica-timeout=60s"));
			try {
				TimeUnit.SECONDS.sleep(1);
				assertThat(replicaStarting).as("the replica waits for the schema").isNotDone();
				assertThat(nodeB.mountDir().resolve("app.db")).as("the replica created no database").doesNotExist();
				try (TestNode primary = node(cluster.primary(), mode);
						TestNode replica = replicaStarting.get(60, TimeUnit.SECONDS)) {
					assertThat(primary.bean(LiteFsScriptDatabaseInitializer.class).lastRun()).hasValueSatisfying(
							(run) -> assertThat(run.outcome()).isEqualTo(MigrationRun.Outcome.MIGRATED));
					assertThat(replica.bean(LiteFsScriptDatabaseInitializer.class).lastRun())
						.hasValueSatisfying((run) -> {
							assertThat(run.outcome()).isEqualTo(MigrationRun.Outcome.REPLICATED);
							assertThat(run.missing()).isEmpty();
						});
					cluster.awaitReplicated("app.db", Duration.ofSeconds(15));
					assertThat(primary.get("/posts/count").body()).isEqualTo("1");
					assertThat(replica.get("/posts/count").body()).as("data.sql ran once, on the primary")
						.isEqualTo("1");
					assertThat(FlywayFixtures.journalMode(cluster.primary().mountDir().resolve("app.db"))).isEqualToIgnoringCase(journalMode);
				}
			}
			finally {
				replicaStarting.cancel(true);
			}

			try (TestNode node = node(nodeB, mode,
					"spring.sql.init.schema-locations=classpath:sql-init/schema.sql,classpath:sql-init/tags.sql",
					"spring.sql.init.data-locations=optional:classpath:sql-init/none.sql",
					"litefs.schema.replica-mode=skip")) {
				await().atMost(Duration.ofSeconds(15))
					.until(() -> node.node().eventStream().orElseThrow().connected());
				assertThat(FlywayFixtures.tables(nodeB.mountDir().resolve("app.db"))).as("a replica runs no script").doesNotContain("tags");

				cluster.promote(nodeB);

				await().atMost(Duration.ofSeconds(30)).until(() -> node.node().isPrimary());
				assertThat(node.bean(LiteFsScriptDatabaseInitializer.class).lastRun()).hasValueSatisfying((run) -> {
					assertThat(run.trigger()).isEqualTo(MigrationRun.Trigger.PROMOTION);
					assertThat(run.outcome()).isEqualTo(MigrationRun.Outcome.MIGRATED);
				});
				assertThat(FlywayFixtures.tables(nodeB.mountDir().resolve("app.db"))).as("the promoted node ran the scripts")
					.contains("tags");
			}
		}
	}

	private static TestNode node(LiteFsCluster.Node node, String... more) {
		String[] properties = new String[SQL_INIT.length + 1 + more.length];
		properties[0] = "litefs.api-url=" + node.apiUrl();
		System.arraycopy(SQL_INIT, 0, properties, 1, SQL_INIT.length);
		System.arraycopy(more, 0, properties, 1 + SQL_INIT.length, more.length);
		return TestNode.start(node.mountDir(), "app.db", node.hostname(), properties);
	}

}
