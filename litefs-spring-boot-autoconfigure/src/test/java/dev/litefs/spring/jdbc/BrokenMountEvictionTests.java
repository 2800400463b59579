package dev.litefs.spring.jdbc;

import com.zaxxer.hikari.SQLExceptionOverride.Override;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link BrokenMountEviction}: a connection is evicted for the errors of a mount that
 * went away, never for a write a replica refused (in either journal mode), a lock not
 * taken in time, nor for the application's own errors, which Hikari judges as usual.
 */
class BrokenMountEvictionTests {

	@ParameterizedTest
	@CsvSource({ "SQLITE_IOERR_LOCK, MUST_EVICT", "SQLITE_IOERR_READ, MUST_EVICT", "SQLITE_IOERR_FSTAT, MUST_EVICT",
			"SQLITE_IOERR_SHMMAP, MUST_EVICT", "SQLITE_CANTOPEN, MUST_EVICT",
			// what real LiteFS answers a write on a replica: WAL mode, rollback-journal mode
			"SQLITE_IOERR_WRITE, CONTINUE_EVICT", "SQLITE_READONLY_DIRECTORY, CONTINUE_EVICT",
			"SQLITE_READONLY, CONTINUE_EVICT",
			// locks not taken in time: the connection must still roll its transaction back
			"SQLITE_BUSY, CONTINUE_EVICT", "SQLITE_PROTOCOL, CONTINUE_EVICT",
			"SQLITE_CONSTRAINT_NOTNULL, CONTINUE_EVICT", "SQLITE_ERROR, CONTINUE_EVICT" })
	void evictsOnlyForABrokenMount(SQLiteErrorCode code, Override expected) {
		SQLiteException error = new SQLiteException("[" + code.name() + "] " + code.message, code);
		assertThat(new BrokenMountEviction().adjudicate(error)).isEqualTo(expected);
	}

}
