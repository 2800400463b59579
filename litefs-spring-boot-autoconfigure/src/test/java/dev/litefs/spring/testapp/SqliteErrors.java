package dev.litefs.spring.testapp;

import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

import org.springframework.dao.DataAccessResourceFailureException;

/**
 * The error sqlite-jdbc raises for a write on a LiteFS replica in WAL mode, as seen on a
 * real LiteFS 0.5.14 cluster, wrapped as Spring's JDBC support wraps it.
 */
final class SqliteErrors {

	private SqliteErrors() {
	}

	static RuntimeException walModeWriteOnReplica() {
		SQLiteException cause = new SQLiteException(
				"[SQLITE_IOERR_WRITE] I/O error in the VFS layer while trying to write to a file on disk (disk I/O error)",
				SQLiteErrorCode.SQLITE_IOERR_WRITE);
		return new DataAccessResourceFailureException("PreparedStatementCallback; disk I/O error", cause);
	}

}
