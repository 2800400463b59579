package dev.litefs.spring.schema;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.litefs.spring.schema.posts.Post;
import dev.litefs.spring.schema.tags.Tag;
import dev.litefs.spring.test.cluster.LiteFsCluster;
import dev.litefs.spring.test.cluster.RealLiteFs;
import dev.litefs.spring.testapp.TestNode;
import jakarta.persistence.EntityManagerFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Hibernate's {@code ddl-auto=update} on a real cluster: a replica started before the
 * primary has a database runs no DDL and waits for the entity tables; the primary's
 * Hibernate creates them; a replica promoted after startup updates the schema with the
 * entities it has.
 */
@RealLiteFs
@ExtendWith(OutputCaptureExtension.class)
class RealHibernateDdlTests {

	private static final String[] JPA = { "spring.autoconfigure.exclude=org.springframework.boot.session.jdbc.autoconfigure.JdbcSessionAutoConfiguration",
			"spring.jpa.hibernate.ddl-auto=update",
			"spring.jpa.open-in-view=false", "testapp.plays-litefs=false", "litefs.routing.strategy=reject" };

	/** The replica's checks read the file over connections of their own: in both journal modes. */
	@ParameterizedTest
	@ValueSource(strings = { "DELETE", "WAL" })
	void theReplicaWaitsForTheEntityTablesWhichOnlyThePrimaryCreatesAndAPromotedReplicaUpdatesThem(String journalMode,
			CapturedOutput output) throws Exception {
		try (LiteFsCluster cluster = LiteFsCluster.builder().nodes(2).start()) {
			String mode = "spring.datasource.hikari.data-source-properties.journal_mode=" + journalMode;
			LiteFsCluster.Node nodeB = cluster.node(1);
			CompletableFuture<TestNode> replicaStarting = CompletableFuture
				.supplyAsync(() -> node(nodeB, Post.Entities.class, mode, "litefs.schema.replica-timeout=60s"));
			try {
				// Hibernate has built its mapping (and looked at the database, if it does) when the wait starts
				await().atMost(Duration.ofSeconds(30))
					.until(() -> output.toString().contains("LiteFS replica node-b: waiting up to 60s"));
				assertThat(replicaStarting).as("the replica waits for the entity tables").isNotDone();
				assertThat(nodeB.mountDir().resolve("app.db")).as("the replica created no database").doesNotExist();
				try (TestNode primary = node(cluster.primary(), Post.Entities.class, mode);
						TestNode replica = replicaStarting.get(60, TimeUnit.SECONDS)) {
					assertThat(replica.bean(EntityManagerFactory.class).getProperties())
						.as("the replica's schema action").containsEntry("hibernate.hbm2ddl.auto", "none");
					assertThat(output).as("the replica ran no DDL").doesNotContain("SQLITE_READONLY");
					assertThat(replica.bean(LiteFsHibernateSchema.class).lastRun()).hasValueSatisfying((run) -> {
						assertThat(run.outcome()).isEqualTo(MigrationRun.Outcome.REPLICATED);
						assertThat(run.missing()).isEmpty();
					});
					assertThat(primary.postJson("/posts", "{\"title\":\"on the primary\"}").statusCode()).isEqualTo(201);
					cluster.awaitReplicated("app.db", Duration.ofSeconds(15));
					assertThat(replica.get("/posts/count").body()).isEqualTo("1");
					assertThat(FlywayFixtures.journalMode(cluster.primary().mountDir().resolve("app.db")))
						.isEqualToIgnoringCase(journalMode);
				}
			}
			finally {
				replicaStarting.cancel(true);
			}

			try (TestNode node = node(nodeB, Tag.Entities.class, mode, "litefs.schema.replica-mode=skip")) {
				await().atMost(Duration.ofSeconds(15))
					.until(() -> node.node().eventStream().orElseThrow().connected());
				assertThat(FlywayFixtures.tables(nodeB.mountDir().resolve("app.db")))
					.as("a replica runs no DDL").doesNotContain("tags");

				cluster.promote(nodeB);

				await().atMost(Duration.ofSeconds(30)).until(() -> node.node().isPrimary());
				assertThat(node.bean(LiteFsHibernateSchema.class).lastRun()).hasValueSatisfying((run) -> {
					assertThat(run.trigger()).isEqualTo(MigrationRun.Trigger.PROMOTION);
					assertThat(run.outcome()).isEqualTo(MigrationRun.Outcome.MIGRATED);
				});
				assertThat(FlywayFixtures.tables(nodeB.mountDir().resolve("app.db"))).contains("posts", "tags");
				assertThat(node.get("/posts/count").body()).as("the update kept the data").isEqualTo("1");
			}
		}
	}

	private static TestNode node(LiteFsCluster.Node node, Class<?> entities, String... more) {
		String[] properties = new String[JPA.length + 1 + more.length];
		properties[0] = "litefs.api-url=" + node.apiUrl();
		System.arraycopy(JPA, 0, properties, 1, JPA.length);
		System.arraycopy(more, 0, properties, 1 + JPA.length, more.length);
		return TestNode.start(List.of(entities), node.mountDir(), "app.db", node.hostname(), properties);
	}

}
