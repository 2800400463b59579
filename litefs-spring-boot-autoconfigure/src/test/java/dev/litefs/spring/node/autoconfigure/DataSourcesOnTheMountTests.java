package dev.litefs.spring.node.autoconfigure;

import java.nio.file.Files;
import java.nio.file.Path;

import dev.litefs.spring.jdbc.autoconfigure.LiteFsJdbcAutoConfiguration;
import dev.litefs.spring.node.LiteFsNode;
import dev.litefs.spring.test.FakeLiteFsMount;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteDataSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every DataSource bean whose SQLite file lies on the mount makes its database known to
 * the node; DataSources elsewhere do not.
 */
class DataSourcesOnTheMountTests {

	@TempDir
	Path dir;

	@TempDir
	Path elsewhere;

	@Test
	void eachDataSourceOnTheMountMakesItsDatabaseKnown() throws Exception {
		FakeLiteFsMount.replicaOf(this.dir, "node-a").txid(3).txid("cache.db", 4);
		Files.createDirectories(this.dir.resolve("sub"));
		runner().withPropertyValues("spring.datasource.url=jdbc:sqlite:" + this.dir.resolve("app.db"))
			.withBean("cache", SQLiteDataSource.class, () -> sqlite(this.dir.resolve("cache.db")))
			.withBean("sessions", SQLiteDataSource.class, () -> sqlite(this.dir.resolve("sessions.db")))
			.withBean("other", SQLiteDataSource.class, () -> sqlite(this.elsewhere.resolve("other.db")))
			.withBean("nested", SQLiteDataSource.class, () -> sqlite(this.dir.resolve("sub/nested.db")))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				LiteFsNode node = context.getBean(LiteFsNode.class);
				assertThat(node.databases()).containsExactlyInAnyOrder("app.db", "cache.db", "sessions.db");
				assertThat(node.databases()).first().isEqualTo("app.db");
				assertThat(node.position("cache.db").txid()).isEqualTo(4);
			});
	}

	private static SQLiteDataSource sqlite(Path file) {
		SQLiteDataSource dataSource = new SQLiteDataSource();
		dataSource.setUrl("jdbc:sqlite:" + file);
		return dataSource;
	}

	private ApplicationContextRunner runner() {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(LiteFsNodeAutoConfiguration.class, LiteFsJdbcAutoConfiguration.class,
					DataSourceAutoConfiguration.class))
			.withPropertyValues("litefs.mount-dir=" + this.dir, "litefs.hostname=node-b",
					"litefs.api-url=http://127.0.0.1:1", "litefs.poll-interval=1h");
	}

}
