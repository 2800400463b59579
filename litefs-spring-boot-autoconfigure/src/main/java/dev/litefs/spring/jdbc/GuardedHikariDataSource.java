package dev.litefs.spring.jdbc;

import java.sql.Connection;
import java.sql.SQLException;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import dev.litefs.spring.node.LiteFsNode;
import org.jspecify.annotations.Nullable;

/**
 * A Hikari pool that asks the node before each connection: the
 * {@link UnavailableDatabaseGuard}'s way for a plain {@code HikariDataSource}, such as
 * Spring Boot's. A
 * subclass written here, so that nothing is generated at start-up: a CGLIB proxy of
 * {@code HikariDataSource}, a class of some 150 methods, took about 280 ms of the main
 * thread's time in the sample app's start-up on the benchmarks' machine (async-profiler).
 */
final class GuardedHikariDataSource extends HikariDataSource {

	private final LiteFsNode node;

	private GuardedHikariDataSource(HikariDataSource configured, LiteFsNode node) {
		configured.copyStateTo(this);
		this.node = node;
	}

	/**
	 * A guarded pool with the settings of a plain Hikari pool that has not started; the
	 * pool copied is closed, so that whatever still holds it fails instead of starting a
	 * second pool.
	 * @param dataSource a DataSource bean, bound and initialised
	 * @param node this node
	 * @return the guarded pool, or {@code null} for any other DataSource: a subclass of
	 * Hikari's, or a pool already started or closed
	 */
	static @Nullable GuardedHikariDataSource copyOf(DataSource dataSource, LiteFsNode node) {
		if (dataSource.getClass() != HikariDataSource.class) {
			return null;
		}
		HikariDataSource configured = (HikariDataSource) dataSource;
		if (configured.isRunning() || configured.isClosed()) {
			return null;
		}
		GuardedHikariDataSource copy = new GuardedHikariDataSource(configured, node);
		configured.close();
		return copy;
	}

	@Override
	public Connection getConnection() throws SQLException {
		UnavailableDatabaseGuard.check(this.node);
		return super.getConnection();
	}

}
