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
import liquibase.integration.spring.SpringLiquibase;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.flyway.autoconfigure.FlywayMigrationInitializer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two databases on a real cluster, each with its own migration bean, as Spring Boot
 * documents a second database: a {@code Flyway} bean each ({@code app.db}'s run by
 * {@code initMethod = "migrate"}, {@code tags.db}'s by a
 * {@link FlywayMigrationInitializer}), or a {@code SpringLiquibase} bean each. The
 * primary migrates both; a replica started before the primary has either database waits
 * for both and starts with both schemas; a replica promoted after startup migrates both.
 */
@RealLiteFs
class RealSchemaDatabasesTests {

	private static final String[] APP = { "testapp.plays-litefs=false", "litefs.routing.strategy=reject" };

	@ParameterizedTest(name = "{0}, journal mode {1}")
	@CsvSource({ "Flyway, DELETE", "Flyway, WAL", "Liquibase, WAL" })
	void thePrimaryMigratesBothDatabasesAReplicaWaitsForBothAndAPromotionMigratesBoth(Tool tool, String journalMode)
			throws Exception {
		try (LiteFsCluster cluster = LiteFsCluster.builder().nodes(2).start()) {
			String mode = "schema-test.journal-mode=" + journalMode;
			LiteFsCluster.Node nodeA = cluster.primary();
			LiteFsCluster.Node nodeB = cluster.node(1);
			CompletableFuture<TestNode> replicaStarting = CompletableFuture
				.supplyAsync(() -> node(tool, nodeB, mode, "litefs.schema.replica-timeout=60s"));
			try {
				TimeUnit.SECONDS.sleep(1);
				assertThat(replicaStarting).as("the replica waits for the schemas").isNotDone();
				assertThat(nodeB.mountDir().resolve("app.db")).as("the replica created no database").doesNotExist();
				assertThat(nodeB.mountDir().resolve("tags.db")).as("the replica created no database").doesNotExist();
				try (TestNode primary = node(tool, nodeA, mode);
						TestNode replica = replicaStarting.get(60, TimeUnit.SECONDS)) {
					assertThat(tool.runs(primary)).containsOnlyKeys("app.db", "tags.db")
						.allSatisfy((db, run) -> assertThat(run.outcome()).isEqualTo(Outcome.MIGRATED));
					assertThat(tool.runs(replica)).containsOnlyKeys("app.db", "tags.db").allSatisfy((db, run) -> {
						assertThat(run.outcome()).isEqualTo(Outcome.REPLICATED);
						assertThat(run.missing()).isEmpty();
					});
					assertThat(FlywayFixtures.tables(nodeB.mountDir().resolve("app.db"))).contains("posts")
						.doesNotContain("tags");
					assertThat(FlywayFixtures.tables(nodeB.mountDir().resolve("tags.db"))).contains("tags")
						.doesNotContain("posts");
					assertThat(FlywayFixtures.journalMode(nodeA.mountDir().resolve("tags.db")))
						.isEqualToIgnoringCase(journalMode);
				}
			}
			finally {
				replicaStarting.cancel(true);
			}

			try (TestNode node = node(tool, nodeB, mode, "litefs.schema.replica-mode=skip", "schema-test.more=true")) {
				await().atMost(Duration.ofSeconds(15)).until(() -> node.node().eventStream().orElseThrow().connected());
				assertThat(FlywayFixtures.tables(nodeB.mountDir().resolve("tags.db"))).as("a replica migrates nothing")
					.doesNotContain("colors");

				cluster.promote(nodeB);

				await().atMost(Duration.ofSeconds(30))
					.until(() -> tool.runs(node).values().stream().filter((run) -> run.trigger() == Trigger.PROMOTION).count() == 2);
				assertThat(tool.runs(node).values())
					.allSatisfy((run) -> assertThat(run.outcome()).isEqualTo(Outcome.MIGRATED));
				await().atMost(Duration.ofSeconds(15)).until(() -> node.node().isPrimary());
				assertThat(FlywayFixtures.tables(nodeB.mountDir().resolve("app.db"))).contains(tool.morePosts);
				assertThat(FlywayFixtures.tables(nodeB.mountDir().resolve("tags.db"))).contains("colors");
			}
		}
	}

	private static TestNode node(Tool tool, LiteFsCluster.Node node, String... more) {
		String[] properties = new String[APP.length + 1 + more.length];
		properties[0] = "litefs.api-url=" + node.apiUrl();
		System.arraycopy(APP, 0, properties, 1, APP.length);
		System.arraycopy(more, 0, properties, 1 + APP.length, more.length);
		return TestNode.start(List.of(tool.databases), node.mountDir(), "app.db", node.hostname(), properties);
	}

	private static String url(Path database, String journalMode) {
		return "jdbc:sqlite:" + database + "?journal_mode=" + journalMode;
	}

	/** The migration tool of a run, its beans, and what a promotion adds to app.db. */
	enum Tool {

		Flyway(TwoFlyways.class, "labels"),

		Liquibase(TwoLiquibases.class, "tags");

		final Class<?> databases;

		final String morePosts;

		Tool(Class<?> databases, String morePosts) {
			this.databases = databases;
			this.morePosts = morePosts;
		}

		Map<String, MigrationRun> runs(TestNode node) {
			return (this == Flyway) ? node.bean(LiteFsFlywayMigrationStrategy.class).lastRuns()
					: node.bean(LiteFsLiquibase.class).lastRuns();
		}

	}

	/** Each database of the mount with its Flyway; with {@code schema-test.more}, one more migration each. */
	@Configuration(proxyBeanMethods = false)
	static class TwoFlyways {

		@Bean(initMethod = "migrate")
		org.flywaydb.core.Flyway postsFlyway(@Value("${litefs.mount-dir}") Path mountDir,
				@Value("${schema-test.journal-mode}") String mode, @Value("${schema-test.more:false}") boolean more) {
			return flyway(mountDir.resolve("app.db"), mode, more ? "db/more-posts" : null, "db/migration");
		}

		@Bean
		org.flywaydb.core.Flyway tagsFlyway(@Value("${litefs.mount-dir}") Path mountDir,
				@Value("${schema-test.journal-mode}") String mode, @Value("${schema-test.more:false}") boolean more) {
			return flyway(mountDir.resolve("tags.db"), mode, more ? "db/more-tags" : null, "db/tags");
		}

		@Bean
		FlywayMigrationInitializer tagsInitializer(@Qualifier("tagsFlyway") org.flywaydb.core.Flyway tags) {
			return new FlywayMigrationInitializer(tags);
		}

		private static org.flywaydb.core.Flyway flyway(Path database, String journalMode, String more,
				String locations) {
			return org.flywaydb.core.Flyway.configure()
				.dataSource(url(database, journalMode), null, null)
				.locations((more != null) ? new String[] { locations, more } : new String[] { locations })
				.load();
		}

	}

	/** Each database of the mount with its Liquibase; with {@code schema-test.more}, one more change set each. */
	@Configuration(proxyBeanMethods = false)
	static class TwoLiquibases {

		@Bean
		SpringLiquibase postsLiquibase(@Value("${litefs.mount-dir}") Path mountDir,
				@Value("${schema-test.journal-mode}") String mode, @Value("${schema-test.more:false}") boolean more) {
			return liquibase(mountDir.resolve("app.db"), mode,
					more ? "classpath:liquibase/posts-and-tags.yaml" : "classpath:liquibase/posts.sql");
		}

		@Bean
		SpringLiquibase tagsLiquibase(@Value("${litefs.mount-dir}") Path mountDir,
				@Value("${schema-test.journal-mode}") String mode, @Value("${schema-test.more:false}") boolean more) {
			return liquibase(mountDir.resolve("tags.db"), mode,
					more ? "classpath:liquibase/tags-and-colors.yaml" : "classpath:liquibase/tags.sql");
		}

		private static SpringLiquibase liquibase(Path database, String journalMode, String changelog) {
			SpringLiquibase liquibase = new SpringLiquibase();
			liquibase.setDataSource(new DriverManagerDataSource(url(database, journalMode)));
			liquibase.setChangeLog(changelog);
			return liquibase;
		}

	}

}
