package dev.litefs.spring.schema.autoconfigure;

import java.nio.file.Path;
import java.time.Duration;

import dev.litefs.spring.schema.LiteFsLiquibase;
import dev.litefs.spring.schema.MigrationRun.Outcome;
import dev.litefs.spring.schema.MigrationRun.Trigger;
import dev.litefs.spring.test.FakeLiteFsMount;
import liquibase.exception.ChangeLogParseException;
import liquibase.integration.spring.SpringLiquibase;
import org.sqlite.SQLiteDataSource;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.liquibase.autoconfigure.LiquibaseAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static dev.litefs.spring.schema.FlywayFixtures.tables;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link LiteFsLiquibaseAutoConfiguration}: Spring Boot's Liquibase on real
 * SQLite files in fake LiteFS mounts.
 */
class LiteFsLiquibaseAutoConfigurationTests {

	@TempDir
	Path tempDir;

	private Path mountDir() {
		return this.tempDir.resolve("litefs");
	}

	private Path database() {
		return FakeMountContexts.database(mountDir());
	}

	private ApplicationContextRunner contextRunner() {
		return FakeMountContexts.on(mountDir(), LiquibaseAutoConfiguration.class, LiteFsLiquibaseAutoConfiguration.class)
			.withPropertyValues("spring.liquibase.change-log=classpath:liquibase/posts.sql");
	}

	@Test
	void thePrimaryRunsTheChangelog() {
		FakeLiteFsMount.primary(mountDir());
		contextRunner().run((context) -> {
			assertThat(context).hasNotFailed().hasSingleBean(LiteFsLiquibase.class);
			assertThat(context.getBean(LiteFsLiquibase.class).lastRun().orElseThrow().outcome())
				.isEqualTo(Outcome.MIGRATED);
			assertThat(tables(database())).contains("posts", "DATABASECHANGELOG");
		});
	}

	@Test
	void aReplicaRunsNoChangeSetAndNamesWhatIsMissingWhenItGivesUp() {
		FakeLiteFsMount.replicaOf(mountDir(), "node-a");
		contextRunner().run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(LiteFsLiquibase.class).lastRun()).hasValueSatisfying((run) -> {
				assertThat(run.outcome()).isEqualTo(Outcome.TIMED_OUT);
				assertThat(run.missing()).containsExactly("posts", "posts-by-node", "first-post");
			});
			assertThat(database()).doesNotExist();
		});
	}

	@Test
	void aReplicaFailsStartupNamingThePropertyWhenAskedTo() {
		FakeLiteFsMount.replicaOf(mountDir(), "node-a");
		contextRunner().withPropertyValues("litefs.schema.replica-fail-on-timeout=true")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("litefs.schema.replica-timeout")
				.hasMessageContaining("first-post"));
	}

	@Test
	void aReplicaWithoutItsChangelogFailsStartupAsThePrimaryWould() {
		FakeLiteFsMount.replicaOf(mountDir(), "node-a");
		contextRunner().withPropertyValues("spring.liquibase.change-log=classpath:liquibase/none.yaml")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOf(ChangeLogParseException.class)
				.hasMessageContaining("liquibase/none.yaml"));
	}

	@Test
	void litefsSchemaDisabledRestoresSpringBootsLiquibase() {
		FakeLiteFsMount.primary(mountDir());
		contextRunner().withPropertyValues("litefs.schema.enabled=false").run((context) -> {
			assertThat(context).hasNotFailed().doesNotHaveBean(LiteFsLiquibase.class);
			assertThat(context).hasSingleBean(SpringLiquibase.class);
			assertThat(tables(database())).contains("posts");
		});
	}

	@Test
	void withoutLiquibaseNothingIsRegistered() {
		FakeLiteFsMount.primary(mountDir());
		contextRunner().withClassLoader(new FilteredClassLoader(SpringLiquibase.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(LiteFsLiquibase.class));
	}


	@Test
	void eachLiquibaseBeanRunsItsChangelogOnItsOwnDatabaseOnThePrimary() {
		FakeLiteFsMount.primary(mountDir());
		contextRunner().withUserConfiguration(TwoDatabases.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(tables(database())).contains("posts").doesNotContain("tags");
			assertThat(tables(mountDir().resolve("tags.db"))).contains("tags").doesNotContain("posts");
			assertThat(context.getBean(LiteFsLiquibase.class).lastRuns()).containsOnlyKeys("app.db", "tags.db")
				.allSatisfy((db, run) -> assertThat(run.outcome()).isEqualTo(Outcome.MIGRATED));
		});
	}

	@Test
	void aReplicaWaitsForEachLiquibaseBeanAndAPromotionRunsEach() {
		FakeLiteFsMount mount = FakeLiteFsMount.replicaOf(mountDir(), "node-a");
		contextRunner().withUserConfiguration(TwoDatabases.class).run((context) -> {
			assertThat(context).hasNotFailed();
			LiteFsLiquibase liquibase = context.getBean(LiteFsLiquibase.class);
			assertThat(liquibase.lastRuns()).containsOnlyKeys("app.db", "tags.db")
				.allSatisfy((db, run) -> assertThat(run.outcome()).isEqualTo(Outcome.TIMED_OUT));
			assertThat(liquibase.lastRuns().get("tags.db").missing()).containsExactly("tags");
			assertThat(database()).doesNotExist();
			assertThat(mountDir().resolve("tags.db")).doesNotExist();

			mount.becomePrimary();

			Awaitility.await()
				.atMost(Duration.ofSeconds(10))
				.until(() -> liquibase.lastRuns().values().stream().filter((run) -> run.trigger() == Trigger.PROMOTION).count() == 2);
			assertThat(tables(database())).contains("posts");
			assertThat(tables(mountDir().resolve("tags.db"))).contains("tags");
		});
	}

	/** Two databases of the mount, each with its Liquibase; Spring Boot's backs off. */
	@Configuration(proxyBeanMethods = false)
	static class TwoDatabases {

		@Bean
		SpringLiquibase posts(@Value("${litefs.mount-dir}") Path mountDir) {
			return liquibase(mountDir.resolve("app.db"), "classpath:liquibase/posts.sql");
		}

		@Bean
		SpringLiquibase tags(@Value("${litefs.mount-dir}") Path mountDir) {
			return liquibase(mountDir.resolve("tags.db"), "classpath:liquibase/tags.sql");
		}

		private static SpringLiquibase liquibase(Path database, String changelog) {
			SQLiteDataSource dataSource = new SQLiteDataSource();
			dataSource.setUrl("jdbc:sqlite:" + database);
			SpringLiquibase liquibase = new SpringLiquibase();
			liquibase.setDataSource(dataSource);
			liquibase.setChangeLog(changelog);
			return liquibase;
		}

	}

}
