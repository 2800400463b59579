package dev.litefs.spring.jdbc;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import dev.litefs.spring.jdbc.autoconfigure.LiteFsJdbcAutoConfiguration;
import dev.litefs.spring.node.autoconfigure.LiteFsNodeAutoConfiguration;
import dev.litefs.spring.test.FakeLiteFsMount;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.lookup.AbstractRoutingDataSource;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The databases a piece of work wrote, told by SQLite's commits on the connections the
 * application's DataSource beans hand out: Spring Boot's Hikari pool, a pool of the
 * application's own, and a routing DataSource over per-tenant pools that are not beans.
 */
class DatabaseWritesTests {

	@TempDir
	Path dir;

	@Test
	void aCommitThatWroteRecordsItsDatabaseThroughSpringBootsPool() {
		FakeLiteFsMount.primary(this.dir);
		runner().withPropertyValues("spring.datasource.url=jdbc:sqlite:" + this.dir.resolve("app.db"))
			.run((context) -> {
				DatabaseWrites writes = context.getBean(DatabaseWrites.class);
				JdbcTemplate jdbc = new JdbcTemplate(context.getBean(DataSource.class));
				jdbc.execute("create table posts (id integer primary key, title text)");
				try (DatabaseWrites.Scope scope = writes.open()) {
					jdbc.update("insert into posts (title) values ('one')");
					assertThat(scope.databases()).containsExactly("app.db");
				}
			});
	}

	@Test
	void aReadOnlyTransactionARollbackAndAWriteOutsideAnyScopeRecordNothing() {
		FakeLiteFsMount.primary(this.dir);
		runner().withPropertyValues("spring.datasource.url=jdbc:sqlite:" + this.dir.resolve("app.db"))
			.run((context) -> {
				DatabaseWrites writes = context.getBean(DatabaseWrites.class);
				DataSource dataSource = context.getBean(DataSource.class);
				JdbcTemplate jdbc = new JdbcTemplate(dataSource);
				TransactionTemplate transaction = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
				jdbc.execute("create table posts (id integer primary key, title text)");
				try (DatabaseWrites.Scope scope = writes.open()) {
					transaction.executeWithoutResult((status) -> jdbc.queryForObject("select count(*) from posts",
							Long.class));
					jdbc.queryForObject("select count(*) from posts", Long.class);
					transaction.executeWithoutResult((status) -> {
						jdbc.update("insert into posts (title) values ('rolled back')");
						status.setRollbackOnly();
					});
					assertThat(scope.databases()).isEmpty();
					assertThat(jdbc.queryForObject("select count(*) from posts", Long.class)).isZero();
				}
				jdbc.update("insert into posts (title) values ('outside')");
				try (DatabaseWrites.Scope scope = writes.open()) {
					assertThat(scope.databases()).isEmpty();
				}
			});
	}

	@Test
	void twoDatabasesOfTheApplicationsOwnPoolsWrittenInOneScopeAreBothRecordedAndADatabaseOffTheMountIsNot() {
		FakeLiteFsMount.primary(this.dir);
		Path elsewhere = this.dir.resolveSibling(this.dir.getFileName() + "-elsewhere.db");
		runner().withBean("dataSource", HikariDataSource.class, () -> pool("jdbc:sqlite:" + this.dir.resolve("app.db")))
			.withBean("cacheDataSource", HikariDataSource.class, () -> pool("jdbc:sqlite:" + this.dir.resolve("cache.db")))
			.withBean("otherDataSource", HikariDataSource.class, () -> pool("jdbc:sqlite:" + elsewhere))
			.run((context) -> {
				DatabaseWrites writes = context.getBean(DatabaseWrites.class);
				JdbcTemplate app = new JdbcTemplate(context.getBean("dataSource", DataSource.class));
				JdbcTemplate cache = new JdbcTemplate(context.getBean("cacheDataSource", DataSource.class));
				JdbcTemplate other = new JdbcTemplate(context.getBean("otherDataSource", DataSource.class));
				try (DatabaseWrites.Scope scope = writes.open()) {
					app.execute("create table if not exists a (x)");
					cache.execute("create table if not exists c (x)");
					other.execute("create table if not exists o (x)");
					assertThat(scope.databases()).containsExactly("app.db", "cache.db");
				}
			});
		assertThat(elsewhere.toFile().delete()).isTrue();
	}

	@Test
	void aRoutingDataSourceOverPerTenantPoolsRecordsTheTenantWrittenPerConnection() {
		FakeLiteFsMount.primary(this.dir);
		runner().withUserConfiguration(Tenants.class)
			.withPropertyValues("tenants.dir=" + this.dir)
			.run((context) -> {
				DatabaseWrites writes = context.getBean(DatabaseWrites.class);
				JdbcTemplate jdbc = new JdbcTemplate(context.getBean(DataSource.class));
				try (DatabaseWrites.Scope scope = writes.open()) {
					Tenants.current.set("tenant-2");
					jdbc.execute("create table t (x)");
					jdbc.queryForObject("select count(*) from t", Long.class);
					assertThat(scope.databases()).containsExactly("tenant-2.db");
					Tenants.current.set("tenant-1");
					jdbc.execute("create table t (x)");
					assertThat(scope.databases()).containsExactly("tenant-1.db", "tenant-2.db");
				}
				finally {
					Tenants.current.remove();
				}
				try (DatabaseWrites.Scope scope = writes.open()) {
					Tenants.current.set("tenant-1");
					jdbc.queryForObject("select count(*) from t", Long.class);
					assertThat(scope.databases()).isEmpty();
				}
				finally {
					Tenants.current.remove();
				}
			});
	}

	@Test
	void aScopeResumedOnAnotherThreadRecordsThere() throws Exception {
		FakeLiteFsMount.primary(this.dir);
		runner().withPropertyValues("spring.datasource.url=jdbc:sqlite:" + this.dir.resolve("app.db"))
			.run((context) -> {
				DatabaseWrites writes = context.getBean(DatabaseWrites.class);
				JdbcTemplate jdbc = new JdbcTemplate(context.getBean(DataSource.class));
				DatabaseWrites.Scope scope = writes.open();
				scope.close();
				Thread other = new Thread(() -> {
					scope.resume();
					try {
						jdbc.execute("create table t (x)");
					}
					finally {
						scope.close();
					}
				});
				other.start();
				other.join();
				assertThat(scope.databases()).containsExactly("app.db");
				assertThat(writes.current()).isNull();
			});
	}

	private static HikariDataSource pool(String url) {
		HikariDataSource pool = new HikariDataSource();
		pool.setJdbcUrl(url);
		pool.setMaximumPoolSize(2);
		return pool;
	}

	private ApplicationContextRunner runner() {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(LiteFsNodeAutoConfiguration.class, LiteFsJdbcAutoConfiguration.class,
					DataSourceAutoConfiguration.class))
			.withPropertyValues("litefs.mount-dir=" + this.dir, "litefs.hostname=node-a",
					"litefs.api-url=http://127.0.0.1:1", "litefs.poll-interval=1h");
	}

	/** A database per tenant: a routing DataSource bean over pools that are not beans. */
	@Configuration(proxyBeanMethods = false)
	static class Tenants {

		static final ThreadLocal<String> current = new ThreadLocal<>();

		@Bean
		TenantRouting dataSource(Environment environment) {
			Path dir = Path.of(environment.getRequiredProperty("tenants.dir"));
			Map<Object, Object> pools = new ConcurrentHashMap<>();
			for (String tenant : new String[] { "tenant-1", "tenant-2" }) {
				pools.put(tenant, pool("jdbc:sqlite:" + dir.resolve(tenant + ".db")));
			}
			TenantRouting routing = new TenantRouting();
			routing.setTargetDataSources(pools);
			return routing;
		}

	}

	/** Routes to the current tenant's pool. */
	static class TenantRouting extends AbstractRoutingDataSource implements AutoCloseable {

		@Override
		protected Object determineCurrentLookupKey() {
			return Tenants.current.get();
		}

		@Override
		public void close() {
			getResolvedDataSources().values().forEach((pool) -> ((HikariDataSource) pool).close());
		}

	}

}
