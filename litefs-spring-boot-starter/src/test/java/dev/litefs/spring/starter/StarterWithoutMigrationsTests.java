package dev.litefs.spring.starter;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.util.ClassUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An application of the starter's dependencies alone, with no migrations of its own: the
 * starter brings no migration tool, so nothing migrates, creates a schema history table
 * or warns about missing migrations on its behalf.
 */
@ExtendWith(OutputCaptureExtension.class)
class StarterWithoutMigrationsTests {

	@Test
	void anApplicationWithoutMigrationsGetsNoMigrationToolAndNoMigrationNoise(@TempDir Path mount,
			CapturedOutput output) {
		assertThat(ClassUtils.isPresent("org.flywaydb.core.Flyway", null)).as("Flyway on the classpath").isFalse();
		assertThat(ClassUtils.isPresent("liquibase.Liquibase", null)).as("Liquibase on the classpath").isFalse();
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(NoMigrationsApplication.class)
			.properties("litefs.mount-dir=" + mount, "litefs.database=app.db", "server.port=0",
					"litefs.api-url=http://localhost:1", "spring.main.banner-mode=off")
			.run()) {
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			jdbc.execute("create table notes (id integer primary key, body text)");

			List<String> tables = jdbc.queryForList("select name from sqlite_master where type = 'table'",
					String.class);
			assertThat(tables).containsExactly("notes");
		}
		assertThat(output).doesNotContainIgnoringCase("migration").doesNotContain("flyway_schema_history");
	}

	@SpringBootApplication
	static class NoMigrationsApplication {

	}

}
