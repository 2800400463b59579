package dev.litefs.spring.jdbc;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLTransientConnectionException;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import dev.litefs.spring.autoconfigure.LiteFsAutoConfiguration;
import dev.litefs.spring.node.LiteFsNode;
import dev.litefs.spring.test.FakeLiteFsMount;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.aop.support.AopUtils;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * While LiteFS is away the application's DataSource refuses connections at once, with
 * the reason, and opens nothing in the directory left behind; once LiteFS is back it
 * hands them out again. The bean is still the pool, for whoever casts it.
 */
class UnavailableDatabaseGuardTests {

	@TempDir
	Path dir;

	@Test
	void connectionsAreRefusedAtOnceWhileLiteFsIsAwayAndGivenAgainWhenItIsBack() {
		FakeLiteFsMount mount = FakeLiteFsMount.replicaOf(this.dir, "node-a").txid(3);
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(LiteFsAutoConfiguration.class, LiteFsJdbcAutoConfiguration.class,
					DataSourceAutoConfiguration.class))
			.withPropertyValues("litefs.mount-dir=" + this.dir, "litefs.hostname=node-b",
					"litefs.api-url=http://127.0.0.1:1", "litefs.poll-interval=1h",
					"spring.datasource.url=jdbc:sqlite:" + this.dir.resolve("app.db"))
			.run((context) -> {
				DataSource dataSource = context.getBean(DataSource.class);
				assertThat(dataSource).isInstanceOf(HikariDataSource.class);
				try (Connection connection = dataSource.getConnection()) {
					assertThat(connection.isValid(1)).isTrue();
				}

				mount.stopLiteFs().delete("app.db");
				// the node's next reading (every litefs.poll-interval) sees it
				context.getBean(LiteFsNode.class).refresh();

				assertThatExceptionOfType(SQLTransientConnectionException.class)
					.isThrownBy(dataSource::getConnection)
					.withMessageContaining("The LiteFS database of node node-b is unavailable")
					.withMessageContaining("no longer a LiteFS mount");
				assertThat(this.dir.resolve("app.db")).as("no database created in the directory left").doesNotExist();

				// LiteFS is back: the guard reads the mount again itself, without waiting for a poll
				mount.becomeReplicaOf("node-a").txid(3);

				try (Connection connection = dataSource.getConnection()) {
					assertThat(connection.isValid(1)).isTrue();
				}
			});
	}

	@Test
	void aDataSourceOfAnotherDatabaseIsLeftAlone(@TempDir Path elsewhere) {
		// LiteFS has not mounted yet: this node's database is unavailable, the other one is not
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(LiteFsAutoConfiguration.class, LiteFsJdbcAutoConfiguration.class,
					DataSourceAutoConfiguration.class))
			.withPropertyValues("litefs.mount-dir=" + this.dir.resolve("not-mounted-yet"), "litefs.hostname=node-b",
					"litefs.api-url=http://127.0.0.1:1", "spring.datasource.url=jdbc:sqlite:" + elsewhere.resolve("other.db"))
			.run((context) -> {
				assertThat(context.getBean(LiteFsNode.class).state().isDatabaseAvailable()).isFalse();
				DataSource dataSource = context.getBean(DataSource.class);
				assertThat(AopUtils.isAopProxy(dataSource)).isFalse();
				try (Connection connection = dataSource.getConnection()) {
					assertThat(connection.isValid(1)).isTrue();
				}
			});
	}

}
