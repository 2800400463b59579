package dev.litefs.spring.jdbc.autoconfigure;

import java.nio.file.Path;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import dev.litefs.spring.node.autoconfigure.LiteFsNodeAutoConfiguration;
import dev.litefs.spring.test.FakeLiteFsMount;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.support.TestPropertySourceUtils;

import static org.assertj.core.api.Assertions.assertThat;

class LiteFsDataSourceEnvironmentPostProcessorTests {

	@TempDir
	Path dir;

	ConfigurableApplicationContext run(String... properties) {
		return new SpringApplicationBuilder(App.class).web(WebApplicationType.NONE)
			.properties("spring.main.banner-mode=off")
			.properties(properties)
			.run();
	}

	@Test
	void theDataSourceOpensTheDatabaseOnTheMount() {
		FakeLiteFsMount mount = FakeLiteFsMount.primary(this.dir).withDatabase("blog.db");
		try (ConfigurableApplicationContext context = run(mount.properties())) {
			HikariDataSource dataSource = (HikariDataSource) context.getBean(DataSource.class);
			assertThat(dataSource.getJdbcUrl()).isEqualTo("jdbc:sqlite:" + this.dir + "/blog.db");
			assertThat(dataSource.getMaximumPoolSize()).isEqualTo(4);
			JdbcTemplate jdbc = new JdbcTemplate(dataSource);
			assertThat(jdbc.queryForObject("PRAGMA busy_timeout", Integer.class)).isEqualTo(5000);
			assertThat(jdbc.queryForObject("PRAGMA foreign_keys", Integer.class)).isEqualTo(1);
			jdbc.execute("CREATE TABLE posts (id INTEGER PRIMARY KEY)");
			assertThat(this.dir.resolve("blog.db")).isNotEmptyFile();
			// a pool that never empties: opened once, never retired
			assertThat(dataSource.getMinimumIdle()).isEqualTo(4);
			assertThat(dataSource.getMaxLifetime()).isZero();
			assertThat(dataSource.getIdleTimeout()).isZero();
		}
	}

	@Test
	void aPoolTheApplicationSizesStaysFixedAndItsOwnRetirementWins() {
		try (ConfigurableApplicationContext context = run("litefs.mount-dir=" + this.dir,
				"spring.datasource.hikari.maximum-pool-size=2", "spring.datasource.hikari.max-lifetime=600000")) {
			HikariDataSource dataSource = (HikariDataSource) context.getBean(DataSource.class);
			new JdbcTemplate(dataSource).queryForObject("select 1", Integer.class);
			assertThat(dataSource.getMinimumIdle()).isEqualTo(2);
			assertThat(dataSource.getMaxLifetime()).isEqualTo(600000);
			assertThat(dataSource.getIdleTimeout()).isZero();
		}
	}

	@Test
	void theApplicationsDataSourcePropertiesWinOverTheDefaults() {
		try (ConfigurableApplicationContext context = run("litefs.mount-dir=" + this.dir,
				"spring.datasource.hikari.maximum-pool-size=2",
				"spring.datasource.hikari.data-source-properties.journal_mode=wal")) {
			HikariDataSource dataSource = (HikariDataSource) context.getBean(DataSource.class);
			assertThat(dataSource.getMaximumPoolSize()).isEqualTo(2);
			JdbcTemplate jdbc = new JdbcTemplate(dataSource);
			assertThat(jdbc.queryForObject("PRAGMA journal_mode", String.class)).isEqualTo("wal");
			assertThat(jdbc.queryForObject("PRAGMA busy_timeout", Integer.class)).isEqualTo(5000);
		}
	}

	@Test
	void aUserSetUrlWinsAndBringsNoDefaults() {
		String url = "jdbc:sqlite:" + this.dir.resolve("elsewhere.db");
		try (ConfigurableApplicationContext context = run("litefs.mount-dir=" + this.dir,
				"spring.datasource.url=" + url)) {
			HikariDataSource dataSource = (HikariDataSource) context.getBean(DataSource.class);
			assertThat(dataSource.getJdbcUrl()).isEqualTo(url);
			assertThat(dataSource.getMaximumPoolSize()).isEqualTo(10);
			assertThat(dataSource.getDataSourceProperties()).isEmpty();
		}
	}

	@Test
	void disabledAddsNothing() {
		assertThat(postProcess("litefs.enabled=false", "litefs.mount-dir=" + this.dir)
			.getPropertySources()
			.contains(LiteFsDataSourceEnvironmentPostProcessor.PROPERTY_SOURCE_NAME)).isFalse();
	}

	@Test
	void withoutAMountDirAddsNothing() {
		assertThat(postProcess().containsProperty("spring.datasource.url")).isFalse();
	}

	@Test
	void theDefaultsAreTheEnvironmentsLastResort() {
		StandardEnvironment environment = postProcess("litefs.mount-dir=/litefs");
		assertThat(environment.getPropertySources().stream().reduce((first, second) -> second).orElseThrow().getName())
			.isEqualTo(LiteFsDataSourceEnvironmentPostProcessor.PROPERTY_SOURCE_NAME);
		assertThat(environment.getProperty("spring.datasource.url")).isEqualTo("jdbc:sqlite:/litefs/app.db");
	}

	StandardEnvironment postProcess(String... properties) {
		StandardEnvironment environment = new StandardEnvironment();
		TestPropertySourceUtils.addInlinedPropertiesToEnvironment(environment, properties);
		new LiteFsDataSourceEnvironmentPostProcessor().postProcessEnvironment(environment,
				new SpringApplication(App.class));
		return environment;
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ LiteFsNodeAutoConfiguration.class, DataSourceAutoConfiguration.class })
	static class App {

	}

}
