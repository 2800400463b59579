package dev.litefs.spring.schema;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.litefs.spring.schema.MigrationRun.Outcome;
import dev.litefs.spring.schema.MigrationRun.Trigger;
import dev.litefs.spring.test.cluster.LiteFsCluster;
import dev.litefs.spring.test.cluster.RealLiteFs;
import dev.litefs.spring.testapp.TestNode;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.flyway.autoconfigure.FlywayMigrationInitializer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two databases on a real cluster, each with its own {@code Flyway} bean (the pattern
 * Spring Boot documents for a second database: {@code app.db}'s run by
 * {@code initMethod = "migrate"}, {@code tags.db}'s by a
 * {@link FlywayMigrationInitializer}): the primary migrates both; a replica started
 * before the primary has either database waits for both and starts with both schemas; a
 * replica promoted after startup migrates both.
 */
@RealLiteFs
class RealFlywayDatabasesTests {

	private static final String[] APP = { "testapp.plays-litefs=false", "litefs.routing.strategy=reject" };

	@ParameterizedTest
	@ValueSource(strings = { "DELETE", "WAL" })
	void thePrimaryMigratesBothDatabasesAReplicaWaitsForBothAndAPromotionMigratesBoth(String journalMode)
			throws Exception {
		try (LiteFsCluster cluster = LiteFsCluster.builder().nodes(2).start()) {
			String mode = "schema-test.journal-mode=" + journalMode;
			LiteFsCluster.Node nodeA = cluster.primary();
			LiteFsCluster.Node nodeB = cluster.node(1);
			CompletableFuture<TestNode> replicaStarting = CompletableFuture
				.supplyAsync(() -> node(nodeB, mode, "litefs.schema.replica-timeout=60s"));
			try {
				TimeUnit.SECONDS.sleep(1);
				assertThat(replicaStarting).as("the replica waits for the schemas").isNotDone();
				assertThat(nodeB.mountDir().resolve("app.db")).as("the replica created no database").doesNotExist();
				assertThat(nodeB.mountDir().resolve("tags.db")).as("the replica created no database").doesNotExist();
				try (TestNode primary = node(nodeA, mode); TestNode replica = replicaStarting.get(60, TimeUnit.SECONDS)) {
					assertThat(runs(primary)).containsOnlyKeys("app.db", "tags.db")
						.allSatisfy((db, run) -> assertThat(run.outcome()).isEqualTo(Outcome.MIGRATED));
					assertThat(runs(replica)).containsOnlyKeys("app.db", "tags.db").allSatisfy((db, run) -> {
						assertThat(run.outcome()).isEqualTo(Outcome.REPLICATED);
						assertThat(run.missing()).isEmpty();
					});
					assertThat(FlywayFixtures.installedVersions(nodeB.mountDir().resolve("app.db")))
						.containsExactly("1", "2", "3");
					assertThat(FlywayFixtures.tables(nodeB.mountDir().resolve("tags.db"))).contains("tags")
						.doesNotContain("posts");
					assertThat(FlywayFixtures.journalMode(nodeA.mountDir().resolve("tags.db")))
						.isEqualToIgnoringCase(journalMode);
				}
			}
			finally {
				replicaStarting.cancel(true);
			}

			try (TestNode node = node(nodeB, mode, "litefs.schema.replica-mode=skip",
					"schema-test.posts=classpath:db/migration,classpath:db/more-posts",
					"schema-test.tags=classpath:db/tags,classpath:db/more-tags")) {
				await().atMost(Duration.ofSeconds(15)).until(() -> node.node().eventStream().orElseThrow().connected());
				assertThat(FlywayFixtures.tables(nodeB.mountDir().resolve("app.db"))).as("a replica migrates nothing")
					.doesNotContain("labels");

				cluster.promote(nodeB);

				await().atMost(Duration.ofSeconds(30))
					.until(() -> runs(node).values().stream().filter((run) -> run.trigger() == Trigger.PROMOTION).count() == 2);
				assertThat(runs(node).values()).allSatisfy((run) -> assertThat(run.outcome()).isEqualTo(Outcome.MIGRATED));
				await().atMost(Duration.ofSeconds(15)).until(() -> node.node().isPrimary());
				assertThat(FlywayFixtures.installedVersions(nodeB.mountDir().resolve("app.db")))
					.containsExactly("1", "2", "3", "4");
				assertThat(FlywayFixtures.installedVersions(nodeB.mountDir().resolve("tags.db"))).containsExactly("1", "2");
			}
		}
	}

	private static Map<String, MigrationRun> runs(TestNode node) {
		return node.bean(LiteFsFlywayMigrationStrategy.class).lastRuns();
	}

	private static TestNode node(LiteFsCluster.Node node, String... more) {
		String[] properties = new String[APP.length + 1 + more.length];
		properties[0] = "litefs.api-url=" + node.apiUrl();
		System.arraycopy(APP, 0, properties, 1, APP.length);
		System.arraycopy(more, 0, properties, 1 + APP.length, more.length);
		return TestNode.start(List.of(TwoDatabases.class), node.mountDir(), "app.db", node.hostname(), properties);
	}

	/** Each database of the mount with its Flyway, as an application with two databases has them. */
	@Configuration(proxyBeanMethods = false)
	static class TwoDatabases {

		@Bean(initMethod = "migrate")
		Flyway postsFlyway(@Value("${litefs.mount-dir}") Path mountDir, @Value("${schema-test.journal-mode}") String mode,
				@Value("${schema-test.posts:classpath:db/migration}") String[] locations) {
			return flyway(mountDir.resolve("app.db"), mode, locations);
		}

		@Bean
		Flyway tagsFlyway(@Value("${litefs.mount-dir}") Path mountDir, @Value("${schema-test.journal-mode}") String mode,
				@Value("${schema-test.tags:classpath:db/tags}") String[] locations) {
			return flyway(mountDir.resolve("tags.db"), mode, locations);
		}

		@Bean
		FlywayMigrationInitializer tagsInitializer(@Qualifier("tagsFlyway") Flyway tags) {
			return new FlywayMigrationInitializer(tags);
		}

		private static Flyway flyway(Path database, String journalMode, String[] locations) {
			return Flyway.configure()
				.dataSource("jdbc:sqlite:" + database + "?journal_mode=" + journalMode, null, null)
				.locations(locations)
				.load();
		}

	}

}
