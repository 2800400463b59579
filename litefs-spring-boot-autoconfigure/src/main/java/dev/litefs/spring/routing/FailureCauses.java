package dev.litefs.spring.routing;

import java.sql.SQLException;

import dev.litefs.spring.internal.CauseChain;
import dev.litefs.spring.internal.SqliteFaults;
import org.jspecify.annotations.Nullable;

import org.springframework.transaction.TransactionSystemException;
import org.springframework.util.ClassUtils;

/**
 * Reads what a request failed of, for the exception resolvers: the SQLite error behind a
 * failure.
 */
final class FailureCauses {

	private static final boolean TRANSACTIONS_PRESENT = ClassUtils.isPresent(
			"org.springframework.transaction.TransactionSystemException", FailureCauses.class.getClassLoader());

	private FailureCauses() {
	}

	/**
	 * The SQLite error behind a failure, also when rolling the transaction back failed
	 * after it and Spring's {@code TransactionSystemException} replaced it.
	 * @param ex the failure
	 * @return the error, or {@code null} when SQLite reported none
	 */
	static @Nullable SQLException sqliteError(Throwable ex) {
		SQLException sqlite = SqliteFaults.find(ex);
		if (sqlite == null && TRANSACTIONS_PRESENT) {
			Throwable original = RolledBack.applicationException(ex);
			return (original != null) ? SqliteFaults.find(original) : null;
		}
		return sqlite;
	}

	/** Spring's transactions, only touched when they are on the class path. */
	private static final class RolledBack {

		static @Nullable Throwable applicationException(Throwable ex) {
			TransactionSystemException failed = CauseChain.find(ex, TransactionSystemException.class);
			return (failed != null) ? failed.getApplicationException() : null;
		}

	}

}
