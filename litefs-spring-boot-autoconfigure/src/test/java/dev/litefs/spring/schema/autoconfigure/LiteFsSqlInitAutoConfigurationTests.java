package dev.litefs.spring.schema.autoconfigure;

import java.nio.file.Path;

import dev.litefs.spring.schema.LiteFsScriptDatabaseInitializer;
import dev.litefs.spring.schema.MigrationRun.Outcome;
import dev.litefs.spring.test.FakeLiteFsMount;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.jdbc.autoconfigure.ApplicationDataSourceScriptDatabaseInitializer;
import org.springframework.boot.jdbc.autoconfigure.DataSourceInitializationAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static dev.litefs.spring.schema.FlywayFixtures.tables;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link LiteFsSqlInitAutoConfiguration}: Spring Boot's schema and data scripts
 * on real SQLite files in fake LiteFS mounts.
 */
class LiteFsSqlInitAutoConfigurationTests {

	@TempDir
	Path tempDir;

	private Path mountDir() {
		return this.tempDir.resolve("litefs");
	}

	private Path database() {
		return FakeMountContexts.database(mountDir());
	}

	private ApplicationContextRunner contextRunner() {
		return FakeMountContexts
			.on(mountDir(), DataSourceInitializationAutoConfiguration.class, LiteFsSqlInitAutoConfiguration.class)
			.withPropertyValues("spring.sql.init.mode=always", "spring.sql.init.schema-locations=classpath:sql-init/schema.sql",
					"spring.sql.init.data-locations=classpath:sql-init/data.sql");
	}

	@Test
	void thePrimaryRunsTheScripts() {
		FakeLiteFsMount.primary(mountDir());
		contextRunner().run((context) -> {
			assertThat(context).hasNotFailed().hasSingleBean(LiteFsScriptDatabaseInitializer.class);
			assertThat(context.getBean(LiteFsScriptDatabaseInitializer.class).lastRun().orElseThrow().outcome())
				.isEqualTo(Outcome.MIGRATED);
			assertThat(tables(database())).contains("posts");
		});
	}

	@Test
	void aReplicaRunsNoScriptAndNamesWhatIsMissingWhenItGivesUp() {
		FakeLiteFsMount.replicaOf(mountDir(), "node-a");
		contextRunner().run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(LiteFsScriptDatabaseInitializer.class).lastRun()).hasValueSatisfying((run) -> {
				assertThat(run.outcome()).isEqualTo(Outcome.TIMED_OUT);
				assertThat(run.missing()).containsExactly("table posts", "index posts_by_node");
			});
			assertThat(database()).doesNotExist();
		});
	}

	@Test
	void litefsSchemaDisabledRestoresSpringBootsInitializer() {
		FakeLiteFsMount.primary(mountDir());
		contextRunner().withPropertyValues("litefs.schema.enabled=false").run((context) -> {
			assertThat(context).hasNotFailed().doesNotHaveBean(LiteFsScriptDatabaseInitializer.class);
			assertThat(context).hasSingleBean(ApplicationDataSourceScriptDatabaseInitializer.class);
		});
	}

	@Test
	void noScriptInitializationRegistersNothing() {
		FakeLiteFsMount.primary(mountDir());
		contextRunner().withPropertyValues("spring.sql.init.mode=never").run((context) -> {
			assertThat(context).hasNotFailed().doesNotHaveBean(LiteFsScriptDatabaseInitializer.class);
		});
	}

}
