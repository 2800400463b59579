package dev.litefs.spring.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Iterator;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

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

	private final @Nullable DatabaseWrites writes;

	/**
	 * The connections lent, some perhaps returned already (Hikari lends a new proxy each
	 * time). Pruned of returned ones as it grows.
	 */
	private final Set<Connection> lent = ConcurrentHashMap.newKeySet();

	/**
	 * The connections lent when the mount went away and not returned then, and those lent
	 * while it was away (a borrower that passed the guard just before the loss was seen).
	 */
	private final Set<Connection> lentOnLostMount = ConcurrentHashMap.newKeySet();

	/** Between {@link #mountLost()} and {@link #mountBack()}. */
	private volatile boolean lost;

	private GuardedHikariDataSource(HikariDataSource configured, LiteFsNode node, @Nullable DatabaseWrites writes) {
		configured.copyStateTo(this);
		this.node = node;
		this.writes = writes;
	}

	/**
	 * A guarded pool with the settings of a plain Hikari pool that has not started; the
	 * pool copied is closed, so that whatever still holds it fails instead of starting a
	 * second pool.
	 * @param dataSource a DataSource bean, bound and initialised
	 * @param node this node
	 * @param writes the record of writes that watches each connection lent, or
	 * {@code null} for none
	 * @return the guarded pool, or {@code null} for any other DataSource: a subclass of
	 * Hikari's, or a pool already started or closed
	 */
	static @Nullable GuardedHikariDataSource copyOf(DataSource dataSource, LiteFsNode node,
			@Nullable DatabaseWrites writes) {
		if (dataSource.getClass() != HikariDataSource.class) {
			return null;
		}
		HikariDataSource configured = (HikariDataSource) dataSource;
		if (configured.isRunning() || configured.isClosed()) {
			return null;
		}
		GuardedHikariDataSource copy = new GuardedHikariDataSource(configured, node, writes);
		configured.close();
		return copy;
	}

	@Override
	public Connection getConnection() throws SQLException {
		UnavailableDatabaseGuard.check(this.node);
		Connection connection = super.getConnection();
		if (this.writes != null) {
			this.writes.watch(connection);
		}
		this.lent.add(connection);
		// read after the add: either mountLost() sees this connection in 'lent', or this sees 'lost'
		if (this.lost) {
			this.lentOnLostMount.add(connection);
		}
		if (this.lent.size() > 2 * getMaximumPoolSize()) {
			this.lent.removeIf(GuardedHikariDataSource::isReturned);
		}
		return connection;
	}

	/**
	 * Notes the connections lent now and not returned, and from now on those lent until
	 * {@link #mountBack()}: the mount under them went away.
	 */
	void mountLost() {
		this.lost = true;
		for (Connection connection : this.lent) {
			if (!isReturned(connection)) {
				this.lentOnLostMount.add(connection);
			}
		}
	}

	/**
	 * Evicts, at once, every connection lent before the mount went away, or while it was
	 * away, and still not returned. Such a connection can stay stuck in SQLite for seconds after LiteFS died
	 * under it, since SQLite takes a failed lock on a broken mount's {@code -shm} for a
	 * busy one and tries again (about 10 s before {@code SQLITE_PROTOCOL} in WAL mode):
	 * evicted, it no longer counts against the pool's size, so that the pool opens new
	 * connections on the mount LiteFS serves again instead of waiting for the old ones.
	 * Hikari closes each once SQLite returns; its borrower gets SQLite's error.
	 * @return how many connections were evicted
	 */
	int mountBack() {
		this.lost = false;
		int evicted = 0;
		for (Iterator<Connection> stale = this.lentOnLostMount.iterator(); stale.hasNext();) {
			Connection connection = stale.next();
			stale.remove();
			if (!isReturned(connection)) {
				evictConnection(connection);
				evicted++;
			}
		}
		return evicted;
	}

	private static boolean isReturned(Connection connection) {
		try {
			return connection.isClosed();
		}
		catch (SQLException ex) {
			return true;
		}
	}

}
