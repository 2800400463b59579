package dev.litefs.spring.testapp;

import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

import org.springframework.dao.DataAccessResourceFailureException;

/**
 * Errors sqlite-jdbc raises, wrapped as Spring's JDBC support wraps them: the one for a
 * write on a LiteFS replica in WAL mode, as seen on a real LiteFS 0.5.14 cluster, and any
 * other by its result code.
 */
final class SqliteErrors {

	private SqliteErrors() {
	}

	static RuntimeException walModeWriteOnReplica() {
		return of(SQLiteErrorCode.SQLITE_IOERR_WRITE);
	}

	/**
	 * An error as sqlite-jdbc words it: {@code [SQLITE_IOERR_WRITE] <SQLite's text>}.
	 * @param code its extended result code
	 * @return the error, wrapped by Spring
	 */
	static RuntimeException of(SQLiteErrorCode code) {
		SQLiteException cause = new SQLiteException("[" + code.name() + "] " + code.message, code);
		return new DataAccessResourceFailureException("PreparedStatementCallback; " + code.message, cause);
	}

}
