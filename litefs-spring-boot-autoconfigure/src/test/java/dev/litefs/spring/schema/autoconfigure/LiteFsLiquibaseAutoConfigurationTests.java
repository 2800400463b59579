package dev.litefs.spring.schema.autoconfigure;

import java.nio.file.Path;

import dev.litefs.spring.schema.LiteFsLiquibase;
import dev.litefs.spring.schema.MigrationRun.Outcome;
import dev.litefs.spring.test.FakeLiteFsMount;
import liquibase.exception.ChangeLogParseException;
import liquibase.integration.spring.SpringLiquibase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.liquibase.autoconfigure.LiquibaseAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

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

}
