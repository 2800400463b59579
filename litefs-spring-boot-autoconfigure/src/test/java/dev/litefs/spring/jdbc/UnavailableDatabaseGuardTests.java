package dev.litefs.spring.jdbc;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import dev.litefs.spring.jdbc.autoconfigure.LiteFsJdbcAutoConfiguration;
import dev.litefs.spring.node.LiteFsNode;
import dev.litefs.spring.node.NodeRole;
import dev.litefs.spring.node.autoconfigure.LiteFsNodeAutoConfiguration;
import dev.litefs.spring.test.FakeLiteFsMount;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sqlite.SQLiteDataSource;

import org.springframework.aop.support.AopUtils;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * While LiteFS is away the application's DataSource refuses connections at once, with
 * the reason, and opens nothing in the directory left behind; once LiteFS is back it
 * hands them out again. The bean is still the pool, for whoever casts it: Spring Boot's
 * Hikari pool and any other on the mount.
 */
class UnavailableDatabaseGuardTests {

	@TempDir
	Path dir;

	@Test
	void springBootsPoolRefusesConnectionsAtOnceWhileLiteFsIsAwayKeepsItsSettingsAndClosesWithTheContext() {
		FakeLiteFsMount mount = FakeLiteFsMount.replicaOf(this.dir, "node-a").txid(3);
		AtomicReference<HikariDataSource> pool = new AtomicReference<>();
		runner().withPropertyValues("spring.datasource.url=jdbc:sqlite:" + this.dir.resolve("app.db"),
				"spring.datasource.hikari.maximum-pool-size=3", "spring.datasource.hikari.pool-name=posts")
			.run((context) -> {
				// still the pool, for whoever asks for it by its class
				HikariDataSource dataSource = context.getBean(HikariDataSource.class);
				pool.set(dataSource);
				assertThat(dataSource.getMaximumPoolSize()).isEqualTo(3);
				assertThat(dataSource.getPoolName()).isEqualTo("posts");
				// Hikari fills the pool to its minimum in the background after the first
				// connection: filled before LiteFS goes away, as a pool long in use is
				try (Connection connection = dataSource.getConnection()) {
					await().atMost(Duration.ofSeconds(30))
						.until(() -> dataSource.getHikariPoolMXBean().getTotalConnections() == 3);
				}
				refusedWhileAwayGivenWhenBack(mount, context, dataSource);
			});
		assertThat(pool.get().isClosed()).as("closed with the context").isTrue();
	}

	/**
	 * Connections lent when LiteFS went away can stay stuck in SQLite for seconds on the
	 * broken mount: once LiteFS is back they are evicted, so that they do not keep the
	 * pool from lending new ones.
	 */
	@Test
	void connectionsStillLentSinceLiteFsWentAwayNoLongerHoldThePoolOnceItIsBack() {
		FakeLiteFsMount mount = FakeLiteFsMount.replicaOf(this.dir, "node-a").txid(3);
		poolOfTwo().run((context) -> {
			HikariDataSource dataSource = context.getBean(HikariDataSource.class);
			LiteFsNode node = context.getBean(LiteFsNode.class);
			Connection first = dataSource.getConnection();
			Connection second = dataSource.getConnection();

			mount.stopLiteFs();
			node.refresh();
			mount.becomeReplicaOf("node-a").txid(3);
			node.refresh();

			// the whole pool was lent: without the eviction this waits 2 s and fails
			try (Connection connection = dataSource.getConnection()) {
				assertThat(connection.isValid(1)).isTrue();
			}
			first.close();
			second.close();
			assertThat(dataSource.getHikariPoolMXBean().getActiveConnections()).isZero();
		});
	}

	/**
	 * LiteFS stopping can first show as an unknown role on a mount still listed (its files
	 * unreadable), and only then as no mount: the connections lent then, or while the role
	 * is unknown (the database still looks available), are evicted once LiteFS is back too.
	 */
	@ParameterizedTest
	@ValueSource(booleans = { false, true })
	void connectionsLentWhenOrWhileTheRoleWentUnknownNoLongerHoldThePoolOnceLiteFsIsBack(boolean lentWhileUnknown) {
		FakeLiteFsMount mount = FakeLiteFsMount.replicaOf(this.dir, "node-a").txid(3);
		poolOfTwo().run((context) -> {
			HikariDataSource dataSource = context.getBean(HikariDataSource.class);
			LiteFsNode node = context.getBean(LiteFsNode.class);
			List<Connection> lent = new ArrayList<>();
			if (!lentWhileUnknown) {
				lent.add(dataSource.getConnection());
				lent.add(dataSource.getConnection());
			}

			mount.write(FakeLiteFsMount.PRIMARY_FILE, "node_a\n");
			assertThat(node.refresh().role()).isEqualTo(NodeRole.UNKNOWN);
			if (lentWhileUnknown) {
				assertThat(node.state().isDatabaseAvailable()).isTrue();
				lent.add(dataSource.getConnection());
				lent.add(dataSource.getConnection());
			}
			mount.stopLiteFs();
			assertThat(node.refresh().isDatabaseAvailable()).isFalse();
			mount.becomeReplicaOf("node-a").txid(3);
			assertThat(node.refresh().role()).isEqualTo(NodeRole.REPLICA);

			// the whole pool was lent: without the eviction this waits 2 s and fails
			try (Connection connection = dataSource.getConnection()) {
				assertThat(connection.isValid(1)).isTrue();
			}
			for (Connection connection : lent) {
				connection.close();
			}
		});
	}

	@Test
	void thePoolReplacedIsClosedSoThatCodeWhichKeptItFailsInsteadOfOpeningASecondPool() {
		FakeLiteFsMount.replicaOf(this.dir, "node-a").txid(3);
		AtomicReference<HikariDataSource> kept = new AtomicReference<>();
		runner().withBean("dataSource", HikariDataSource.class, () -> {
			HikariDataSource dataSource = new HikariDataSource();
			dataSource.setJdbcUrl("jdbc:sqlite:" + this.dir.resolve("app.db"));
			kept.set(dataSource);
			return dataSource;
		}).run((context) -> {
			HikariDataSource bean = context.getBean(HikariDataSource.class);
			assertThat(bean).isNotSameAs(kept.get());
			assertThat(bean.getJdbcUrl()).isEqualTo(kept.get().getJdbcUrl());
			assertThatExceptionOfType(SQLException.class).isThrownBy(() -> kept.get().getConnection())
				.withMessageContaining("has been closed");
			try (Connection connection = bean.getConnection()) {
				assertThat(connection.isValid(1)).isTrue();
			}
		});
	}

	@Test
	void anotherPoolOnTheMountIsGuardedTooAndKeepsItsClass() {
		FakeLiteFsMount mount = FakeLiteFsMount.replicaOf(this.dir, "node-a").txid(3);
		runner().withBean("dataSource", SQLiteDataSource.class, () -> {
			SQLiteDataSource dataSource = new SQLiteDataSource();
			dataSource.setUrl("jdbc:sqlite:" + this.dir.resolve("app.db"));
			return dataSource;
		}).run((context) -> {
			SQLiteDataSource dataSource = context.getBean(SQLiteDataSource.class);
			refusedWhileAwayGivenWhenBack(mount, context, dataSource);
		});
	}

	private void refusedWhileAwayGivenWhenBack(FakeLiteFsMount mount, ApplicationContext context,
			DataSource dataSource) throws SQLException {
		try (Connection connection = dataSource.getConnection()) {
			assertThat(connection.isValid(1)).isTrue();
		}

		mount.stopLiteFs().delete("app.db");
		// the node's next reading (every litefs.poll-interval) sees it
		context.getBean(LiteFsNode.class).refresh();

		assertThatExceptionOfType(SQLTransientConnectionException.class).isThrownBy(dataSource::getConnection)
			.withMessageContaining("The LiteFS database of node node-b is unavailable")
			.withMessageContaining("no longer a LiteFS mount");
		assertThat(this.dir.resolve("app.db")).as("no database created in the directory left").doesNotExist();

		// LiteFS is back: the guard reads the mount again itself, without waiting for a poll
		mount.becomeReplicaOf("node-a").txid(3);

		try (Connection connection = dataSource.getConnection()) {
			assertThat(connection.isValid(1)).isTrue();
		}
	}

	@Test
	void aDataSourceOfAnotherDatabaseIsLeftAlone(@TempDir Path elsewhere) {
		// LiteFS has not mounted yet: this node's database is unavailable, the other one is not
		runner().withPropertyValues("litefs.mount-dir=" + this.dir.resolve("not-mounted-yet"),
				"spring.datasource.url=jdbc:sqlite:" + elsewhere.resolve("other.db"))
			.run((context) -> {
				assertThat(context.getBean(LiteFsNode.class).state().isDatabaseAvailable()).isFalse();
				DataSource dataSource = context.getBean(DataSource.class);
				assertThat(dataSource).isExactlyInstanceOf(HikariDataSource.class);
				assertThat(AopUtils.isAopProxy(dataSource)).isFalse();
				try (Connection connection = dataSource.getConnection()) {
					assertThat(connection.isValid(1)).isTrue();
				}
			});
	}

	/** A pool of two connections on the mount's database, which waits 2 s for one. */
	private ApplicationContextRunner poolOfTwo() {
		return runner().withPropertyValues("spring.datasource.url=jdbc:sqlite:" + this.dir.resolve("app.db"),
				"spring.datasource.hikari.maximum-pool-size=2", "spring.datasource.hikari.connection-timeout=2000");
	}

	private ApplicationContextRunner runner() {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(LiteFsNodeAutoConfiguration.class, LiteFsJdbcAutoConfiguration.class,
					DataSourceAutoConfiguration.class))
			.withPropertyValues("litefs.mount-dir=" + this.dir, "litefs.hostname=node-b",
					"litefs.api-url=http://127.0.0.1:1", "litefs.poll-interval=1h");
	}

}
