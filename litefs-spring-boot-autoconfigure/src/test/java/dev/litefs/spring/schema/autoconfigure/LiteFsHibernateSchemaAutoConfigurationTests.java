package dev.litefs.spring.schema.autoconfigure;

import java.nio.file.Path;

import dev.litefs.spring.schema.LiteFsHibernateSchema;
import dev.litefs.spring.schema.MigrationRun.Outcome;
import dev.litefs.spring.schema.posts.Post;
import dev.litefs.spring.test.FakeLiteFsMount;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static dev.litefs.spring.schema.FlywayFixtures.tables;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link LiteFsHibernateSchemaAutoConfiguration}: Hibernate's ddl-auto on real
 * SQLite files in fake LiteFS mounts.
 */
class LiteFsHibernateSchemaAutoConfigurationTests {

	@TempDir
	Path tempDir;

	private Path mountDir() {
		return this.tempDir.resolve("litefs");
	}

	private ApplicationContextRunner contextRunner() {
		return FakeMountContexts
			.on(mountDir(), LiteFsHibernateSchemaAutoConfiguration.class, HibernateJpaAutoConfiguration.class)
			.withUserConfiguration(Post.Entities.class)
			.withPropertyValues("spring.jpa.hibernate.ddl-auto=update");
	}

	@Test
	void thePrimaryLetsHibernateCreateTheTables() {
		FakeLiteFsMount.primary(mountDir());
		contextRunner().run((context) -> {
			assertThat(context).hasNotFailed().hasSingleBean(LiteFsHibernateSchema.class);
			assertThat(tables(mountDir().resolve(FakeLiteFsMount.DEFAULT_DATABASE))).contains("posts");
		});
	}

	@Test
	void aReplicaRunsNoDdlAndNamesTheMissingTablesWhenItGivesUp() {
		FakeLiteFsMount.replicaOf(mountDir(), "node-a");
		contextRunner().run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(LiteFsHibernateSchema.class).lastRun()).hasValueSatisfying((run) -> {
				assertThat(run.outcome()).isEqualTo(Outcome.TIMED_OUT);
				assertThat(run.missing()).containsExactly("table posts");
			});
			assertThat(tables(mountDir().resolve(FakeLiteFsMount.DEFAULT_DATABASE))).doesNotContain("posts");
		});
	}

	@Test
	void aDdlAutoThatChangesNothingIsLeftAlone() {
		FakeLiteFsMount.replicaOf(mountDir(), "node-a");
		contextRunner().withPropertyValues("spring.jpa.hibernate.ddl-auto=none").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(LiteFsHibernateSchema.class).lastRun()).isEmpty();
		});
	}

	@Test
	void litefsSchemaDisabledRestoresSpringBootsBehaviour() {
		FakeLiteFsMount.replicaOf(mountDir(), "node-a");
		contextRunner().withPropertyValues("litefs.schema.enabled=false").run((context) -> {
			assertThat(context).hasNotFailed().doesNotHaveBean(LiteFsHibernateSchema.class);
			assertThat(tables(mountDir().resolve(FakeLiteFsMount.DEFAULT_DATABASE))).contains("posts");
		});
	}

}
