package dev.litefs.spring.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

import dev.litefs.spring.internal.SqliteFiles;
import dev.litefs.spring.node.LiteFsNode;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.util.ClassUtils;

/**
 * Which databases on the LiteFS mount a piece of work wrote (a request, for its
 * {@code __txid} cookie): the databases whose connection committed a transaction that
 * wrote, while a {@link Scope} was open on the thread that committed.
 * <p>
 * SQLite tells: sqlite-jdbc's commit listener ({@code SQLiteConnection.addCommitListener},
 * SQLite's commit hook) runs for a transaction that wrote, and for no read-only one or
 * rollback. The listener is added to each physical connection that a DataSource bean
 * of the application hands out ({@link #watch(Connection)}, at each borrow: one look-up
 * in a map by the connection's URL), found by unwrapping the pool's connection, so that
 * a routing DataSource over several pools (a database per tenant) is watched per
 * connection. Only SQLite files directly inside the mount are watched; the database is
 * the file's name, which the node then tracks ({@link LiteFsNode#addDatabase}). A write
 * that changed no row is recorded too, which costs a cookie entry at most.
 * <p>
 * Writes on another thread than the one that opened the scope (an {@code @Async}
 * method, a {@code DeferredResult} completed elsewhere) are not seen.
 *
 * @since 0.3.0
 */
public final class DatabaseWrites {

	private static final Logger logger = LoggerFactory.getLogger(DatabaseWrites.class);

	private static final boolean SQLITE_PRESENT = ClassUtils.isPresent("org.sqlite.SQLiteConnection",
			DatabaseWrites.class.getClassLoader());

	/** The most URLs whose database is remembered: beyond, each borrow works it out again. */
	private static final int MAX_URLS = 10_000;

	private final LiteFsNode node;

	private final ThreadLocal<@Nullable Scope> current = new ThreadLocal<>();

	/** The database of each JDBC URL seen, empty when it is not a file on the mount. */
	private final Map<String, Optional<String>> databases = new ConcurrentHashMap<>();

	/**
	 * Creates the record of writes of a node's databases.
	 * @param node this node, whose mount holds the databases watched
	 */
	public DatabaseWrites(LiteFsNode node) {
		this.node = node;
	}

	/**
	 * Opens a scope on this thread: from now until it is closed, each commit that writes
	 * a watched database on this thread is recorded in it. A scope still open on the
	 * thread is replaced.
	 * @return the scope
	 */
	public Scope open() {
		Scope scope = new Scope(this);
		this.current.set(scope);
		return scope;
	}

	/**
	 * The scope open on this thread.
	 * @return the scope, or {@code null} when none is
	 */
	public @Nullable Scope current() {
		return this.current.get();
	}

	/**
	 * Watches a connection's commits, once per physical connection: a SQLite connection
	 * to a file directly inside the mount; any other is left alone.
	 * @param connection a connection just borrowed, perhaps a pool's proxy of the physical one
	 * @return the same connection
	 */
	public Connection watch(Connection connection) {
		if (SQLITE_PRESENT) {
			try {
				SqliteCommits.watch(this, connection);
			}
			catch (SQLException | RuntimeException ex) {
				logger.debug("Cannot watch the commits of {}: {}", connection, ex.toString());
			}
		}
		return connection;
	}

	/**
	 * The database a SQLite JDBC URL opens on the mount.
	 * @param url the URL
	 * @return the database's name, or empty when the URL opens no file directly inside
	 * the mount
	 */
	Optional<String> database(String url) {
		Optional<String> database = this.databases.get(url);
		if (database == null) {
			database = databaseOf(url);
			if (this.databases.size() < MAX_URLS) {
				this.databases.put(url, database);
			}
		}
		return database;
	}

	private Optional<String> databaseOf(String url) {
		Optional<String> database = this.node.mount().databaseName(SqliteFiles.file(url));
		database.ifPresent((name) -> {
			// a tenant's pool made at run time: the node tracks its database from now on
			this.node.addDatabase(name);
			logger.debug("Watching the commits of database {} on the mount of node {}", name, this.node.hostname());
		});
		return database;
	}

	/** Records a commit that wrote a database, in the scope open on this thread. */
	void committed(String database) {
		Scope scope = this.current.get();
		if (scope != null) {
			scope.written.add(database);
		}
	}

	/**
	 * The databases written while a scope was open; thread-safe, readable after it is
	 * closed.
	 */
	public static final class Scope implements AutoCloseable {

		private final DatabaseWrites writes;

		private final Set<String> written = ConcurrentHashMap.newKeySet();

		private Scope(DatabaseWrites writes) {
			this.writes = writes;
		}

		/**
		 * The databases written so far.
		 * @return their names, sorted
		 */
		public SortedSet<String> databases() {
			return Collections.unmodifiableSortedSet(new TreeSet<>(this.written));
		}

		/**
		 * Binds the scope to this thread again (another thread that continues the same
		 * work, such as an async dispatch of the request), replacing any open there.
		 */
		public void resume() {
			this.writes.current.set(this);
		}

		/** Stops recording in this scope on this thread; what it recorded stays readable. */
		@Override
		public void close() {
			if (this.writes.current.get() == this) {
				this.writes.current.remove();
			}
		}

	}

}
