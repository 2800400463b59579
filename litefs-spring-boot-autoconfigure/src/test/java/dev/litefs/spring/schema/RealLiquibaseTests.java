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
 * Spring Boot's Liquibase on a real cluster: a replica started before the primary has a
 * database runs no change set and waits until the changelog's change sets have
 * replicated; the primary runs the changelog, once for the cluster; a replica promoted
 * after startup runs the change sets still pending.
 */
@RealLiteFs
class RealLiquibaseTests {

	private static final String[] LIQUIBASE = { "spring.liquibase.enabled=true", "testapp.plays-litefs=false",
			"litefs.routing.strategy=reject" };

	/** The replica's checks read the file over connections of their own: in both journal modes. */
	@ParameterizedTest
	@ValueSource(strings = { "DELETE", "WAL" })
	void theReplicaWaitsForTheChangelogWhichOnlyThePrimaryRunsAndAPromotedReplicaRunsWhatIsPending(String journalMode)
			throws Exception {
		try (LiteFsCluster cluster = LiteFsCluster.builder().nodes(2).start()) {
			String mode = "spring.datasource.hikari.data-source-properties.journal_mode=" + journalMode;
			LiteFsCluster.Node nodeA = cluster.primary();
			LiteFsCluster.Node nodeB = cluster.node(1);
			CompletableFuture<TestNode> replicaStarting = CompletableFuture
				.supplyAsync(() -> node(nodeB, "liquibase/posts.sql", mode, "litefs.schema.replica-timeout=60s"));
			try {
				TimeUnit.SECONDS.sleep(1);
				assertThat(replicaStarting).as("the replica waits for the changelog").isNotDone();
				assertThat(nodeB.mountDir().resolve("app.db")).as("the replica created no database").doesNotExist();
				try (TestNode primary = node(nodeA, "liquibase/posts.sql", mode);
						TestNode replica = replicaStarting.get(60, TimeUnit.SECONDS)) {
					assertThat(primary.bean(LiteFsLiquibase.class).lastRun()).hasValueSatisfying(
							(run) -> assertThat(run.outcome()).isEqualTo(MigrationRun.Outcome.MIGRATED));
					assertThat(replica.bean(LiteFsLiquibase.class).lastRun()).hasValueSatisfying((run) -> {
						assertThat(run.outcome()).isEqualTo(MigrationRun.Outcome.REPLICATED);
						assertThat(run.missing()).isEmpty();
						assertThat(run.schemaVersion()).isEqualTo("first-post");
					});
					cluster.awaitReplicated("app.db", Duration.ofSeconds(15));
					assertThat(primary.get("/posts/count").body()).isEqualTo("1");
					assertThat(replica.get("/posts/count").body()).as("the changelog ran once, on the primary")
						.isEqualTo("1");
					assertThat(FlywayFixtures.journalMode(nodeA.mountDir().resolve("app.db")))
						.isEqualToIgnoringCase(journalMode);
				}
			}
			finally {
				replicaStarting.cancel(true);
			}

			try (TestNode node = node(nodeB, "liquibase/posts-and-tags.yaml", mode, "litefs.schema.replica-mode=skip")) {
				await().atMost(Duration.ofSeconds(15))
					.until(() -> node.node().eventStream().orElseThrow().connected());
				assertThat(FlywayFixtures.tables(nodeB.mountDir().resolve("app.db"))).as("a replica runs no change set").doesNotContain("tags");

				cluster.promote(nodeB);

				await().atMost(Duration.ofSeconds(30)).until(() -> node.node().isPrimary());
				assertThat(node.bean(LiteFsLiquibase.class).lastRun()).hasValueSatisfying((run) -> {
					assertThat(run.trigger()).isEqualTo(MigrationRun.Trigger.PROMOTION);
					assertThat(run.outcome()).isEqualTo(MigrationRun.Outcome.MIGRATED);
				});
				assertThat(FlywayFixtures.tables(nodeB.mountDir().resolve("app.db"))).contains("tags");
				assertThat(node.get("/posts/count").body()).as("the posts change sets did not run again")
					.isEqualTo("1");
			}
		}
	}

	private static TestNode node(LiteFsCluster.Node node, String changelog, String... more) {
		String[] properties = new String[LIQUIBASE.length + 2 + more.length];
		properties[0] = "litefs.api-url=" + node.apiUrl();
		properties[1] = "spring.liquibase.change-log=classpath:" + changelog;
		System.arraycopy(LIQUIBASE, 0, properties, 2, LIQUIBASE.length);
		System.arraycopy(more, 0, properties, 2 + LIQUIBASE.length, more.length);
		return TestNode.start(node.mountDir(), "app.db", node.hostname(), properties);
	}

}
