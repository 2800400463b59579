package dev.litefs.spring.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;

import org.sqlite.SQLiteCommitListener;
import org.sqlite.SQLiteConnection;

/**
 * sqlite-jdbc's side of {@link DatabaseWrites}, loaded only when sqlite-jdbc is present.
 */
final class SqliteCommits {

	private SqliteCommits() {
	}

	/**
	 * Adds the commit listener of a database on the mount to the physical SQLite
	 * connection behind a connection; sqlite-jdbc keeps its listeners in a set, where an
	 * equal listener added again is not added twice.
	 */
	static void watch(DatabaseWrites writes, Connection connection) throws SQLException {
		if (!connection.isWrapperFor(SQLiteConnection.class)) {
			return;
		}
		SQLiteConnection sqlite = connection.unwrap(SQLiteConnection.class);
		Optional<String> database = writes.database(sqlite.getUrl());
		if (database.isPresent()) {
			sqlite.addCommitListener(new Recorder(writes, database.get()));
		}
	}

	/**
	 * Records the commits of one database; equal to any other of the same database and
	 * record, so that one physical connection holds one.
	 */
	private record Recorder(DatabaseWrites writes, String database) implements SQLiteCommitListener {

		@Override
		public void onCommit() {
			this.writes.committed(this.database);
		}

		@Override
		public void onRollback() {
		}

	}

}
