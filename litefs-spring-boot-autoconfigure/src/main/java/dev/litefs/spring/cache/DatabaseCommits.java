package dev.litefs.spring.cache;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.concurrent.locks.ReentrantLock;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells whether a SQLite database changed, where no LiteFS TXID says so (a standalone
 * node on a plain directory): SQLite's {@code PRAGMA data_version}, read on a connection
 * of its own that never writes. Its value changes whenever any other connection commits
 * a change to the file: the application's pool, another connection of the process, or
 * another process. SQLite reads it at the start of each statement, so a commit that
 * finished before a call is seen by that call.
 * <p>
 * The connection is opened at the first call that finds the database file (never
 * creating it), and again after a failure (a version of a new connection never equals
 * one of an old); calls are serialised on it.
 *
 * @since 0.2.0
 */
public class DatabaseCommits implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(DatabaseCommits.class);

	/** {@code SQLITE_OPEN_READWRITE} without {@code SQLITE_OPEN_CREATE}: a missing file is not made. */
	private static final String OPEN_EXISTING = "2";

	private final Path database;

	/** A lock, not a monitor: held across SQLite's file locks, which would pin a virtual thread. */
	private final ReentrantLock lock = new ReentrantLock();

	private @Nullable Connection connection;

	private @Nullable PreparedStatement dataVersion;

	private boolean closed;

	/**
	 * How many connections were opened: the high half of the version, as a new
	 * connection's {@code data_version} starts again.
	 */
	private long connections;

	/**
	 * Watches a database file.
	 * @param database the SQLite database file
	 */
	public DatabaseCommits(Path database) {
		this.database = database;
	}

	/**
	 * The database's version now: a number that differs from every earlier one once a
	 * change was committed to the database since.
	 * @return the version, or empty when the database cannot be read (missing, closed,
	 * no SQLite driver)
	 */
	public OptionalLong version() {
		this.lock.lock();
		try {
			if (this.closed || (this.dataVersion == null && !open())) {
				return OptionalLong.empty();
			}
			try (ResultSet result = this.dataVersion.executeQuery()) {
				return result.next() ? OptionalLong.of((this.connections << 32) | (result.getLong(1) & 0xffffffffL))
						: OptionalLong.empty();
			}
			catch (SQLException ex) {
				logger.debug("PRAGMA data_version failed on {}: {}", this.database, ex.getMessage());
				closeConnection();
				return OptionalLong.empty();
			}
		}
		finally {
			this.lock.unlock();
		}
	}

	private boolean open() {
		if (!Files.isRegularFile(this.database)) {
			return false;
		}
		Properties properties = new Properties();
		properties.setProperty("open_mode", OPEN_EXISTING);
		properties.setProperty("busy_timeout", "5000");
		try {
			this.connection = DriverManager.getConnection("jdbc:sqlite:" + this.database, properties);
			this.dataVersion = this.connection.prepareStatement("PRAGMA data_version");
			this.connections++;
			return true;
		}
		catch (SQLException ex) {
			logger.debug("Cannot open {} to watch its commits: {}", this.database, ex.getMessage());
			closeConnection();
			return false;
		}
	}

	/** Closes the connection; the next call opens it again (a new connection's version restarts). */
	private void closeConnection() {
		Connection open = this.connection;
		this.connection = null;
		this.dataVersion = null;
		if (open != null) {
			try {
				open.close();
			}
			catch (SQLException ex) {
				logger.debug("Closing the connection to {} failed: {}", this.database, ex.getMessage());
			}
		}
	}

	/** Closes the connection; from now on the version is unknown. */
	@Override
	public void close() {
		this.lock.lock();
		try {
			this.closed = true;
			closeConnection();
		}
		finally {
			this.lock.unlock();
		}
	}

}
