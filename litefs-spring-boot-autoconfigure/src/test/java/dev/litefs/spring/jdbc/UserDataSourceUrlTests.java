package dev.litefs.spring.jdbc;

import java.nio.file.Files;
import java.nio.file.Path;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import dev.litefs.spring.test.FakeLiteFsMount;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration;
import org.springframework.boot.liquibase.autoconfigure.LiquibaseAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The application's own {@code spring.datasource.url} wins over the database on the
 * mount, with the whole auto-configuration (the DataSource, Flyway and every part of the
 * starter): whatever way the starter points the DataSource at the mount, it must not
 * override the application's choice.
 */
class UserDataSourceUrlTests {

	@TempDir
	Path dir;

	@Test
	void theDataSourceAndFlywayUseTheApplicationsOwnUrl() throws Exception {
		FakeLiteFsMount mount = FakeLiteFsMount.primary(Files.createDirectory(this.dir.resolve("litefs")));
		Path own = Files.createDirectory(this.dir.resolve("own")).resolve("own.db");
		String url = "jdbc:sqlite:" + own;
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(AutoConfiguredApplication.class)
			.web(WebApplicationType.NONE)
			.properties("spring.main.banner-mode=off", "litefs.hostname=node-a")
			.properties(mount.properties())
			.run("--spring.datasource.url=" + url)) {
			HikariDataSource dataSource = (HikariDataSource) context.getBean(DataSource.class);
			assertThat(dataSource.getJdbcUrl()).isEqualTo(url);
			assertThat(dataSource.getDataSourceProperties()).isEmpty();
			assertThat(new JdbcTemplate(dataSource).queryForList("SELECT name FROM sqlite_master WHERE type = 'table'",
					String.class))
				.contains("flyway_schema_history", "posts", "comments");
		}
		assertThat(own).isNotEmptyFile();
		assertThat(mount.dir().resolve(mount.database())).doesNotExist();
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration(exclude = { LiquibaseAutoConfiguration.class, HibernateJpaAutoConfiguration.class }) // on this module's test classpath
	static class AutoConfiguredApplication {

	}

}
