package dev.litefs.spring.internal;

import java.sql.SQLException;

import org.jspecify.annotations.Nullable;

/**
 * What a SQLite error says, read without a compile-time dependency on sqlite-jdbc: its
 * result code ({@link SQLException#getErrorCode()}, the primary code) and the name of its
 * extended result code, which sqlite-jdbc puts first in the message, e.g.
 * {@code [SQLITE_IOERR_WRITE] I/O error in the VFS layer ...}.
 * <p>
 * On a LiteFS mount, as seen on a real LiteFS 0.5.14 cluster:
 * <ul>
 * <li>a replica refuses a write with {@code SQLITE_READONLY_DIRECTORY} (rollback-journal
 * mode) or {@code SQLITE_IOERR_WRITE} (WAL mode): the connection is sound;</li>
 * <li>LiteFS going away under the application gives {@code SQLITE_IOERR_LOCK} and other
 * {@code SQLITE_IOERR_*}, {@code SQLITE_CANTOPEN}, and, as SQLite's locks on the
 * {@code -shm} fail or time out, {@code SQLITE_BUSY} and {@code SQLITE_PROTOCOL}.</li>
 * </ul>
 *
 * @since 0.3.0
 */
public final class SqliteFaults {

	/** {@code SQLITE_BUSY}: a lock could not be taken in time. */
	public static final int BUSY = 5;

	/** {@code SQLITE_READONLY}: a write to a file SQLite may not write. */
	public static final int READONLY = 8;

	/** {@code SQLITE_IOERR}: the file system failed an operation. */
	public static final int IOERR = 10;

	/** {@code SQLITE_CANTOPEN}: a file could not be opened. */
	public static final int CANTOPEN = 14;

	/** {@code SQLITE_PROTOCOL}: WAL-mode locking kept failing. */
	public static final int PROTOCOL = 15;

	private static final String IOERR_WRITE = "SQLITE_IOERR_WRITE";

	private SqliteFaults() {
	}

	/**
	 * The first SQLite error in a chain of causes.
	 * @param ex an exception, wrapped any number of times (Spring's
	 * {@code DataAccessException}, the pool, the transaction manager)
	 * @return the SQLite error, or {@code null} when there is none
	 */
	public static @Nullable SQLException find(Throwable ex) {
		return (SQLException) CauseChain.find(ex, (cause) -> cause instanceof SQLException sql && isSqlite(sql));
	}

	/**
	 * The primary result code of a SQLite error.
	 * @param ex the error
	 * @return the code, e.g. {@link #IOERR} for {@code SQLITE_IOERR_WRITE}
	 */
	public static int code(SQLException ex) {
		return ex.getErrorCode() & 0xff;
	}

	/**
	 * The name of a SQLite error's extended result code, as sqlite-jdbc's message starts.
	 * @param ex the error
	 * @return the name, e.g. {@code SQLITE_IOERR_WRITE}, or {@code null} when the message
	 * does not say
	 */
	public static @Nullable String extendedName(SQLException ex) {
		String message = ex.getMessage();
		int end = (message != null && message.startsWith("[SQLITE_")) ? message.indexOf(']') : -1;
		return (end > 0) ? message.substring(1, end) : null;
	}

	/**
	 * Whether a SQLite error is a fault of the file system under SQLite, such as LiteFS
	 * going away or restarting, rather than of the application's SQL: {@code SQLITE_BUSY},
	 * {@code SQLITE_PROTOCOL}, {@code SQLITE_CANTOPEN} or any {@code SQLITE_IOERR}. SQLite
	 * has rolled back the statement's transaction.
	 * @param ex the error
	 * @return whether it is such a fault
	 */
	public static boolean isMountFault(SQLException ex) {
		int code = code(ex);
		return code == BUSY || code == PROTOCOL || code == CANTOPEN || code == IOERR;
	}

	/**
	 * Whether a SQLite error is what SQLite answers a write on a replica:
	 * {@code SQLITE_READONLY} or, in WAL mode, {@code SQLITE_IOERR}.
	 * @param ex the error
	 * @return whether it may be a replica's refusal
	 */
	public static boolean isWriteRefusal(SQLException ex) {
		int code = code(ex);
		return code == READONLY || code == IOERR;
	}

	/**
	 * Whether a SQLite error left its connection unusable: an I/O error other than a
	 * refused write ({@code SQLITE_IOERR_LOCK}, {@code SQLITE_IOERR_READ}, ...) or
	 * {@code SQLITE_CANTOPEN}. A write a LiteFS replica refused in WAL mode is
	 * {@code SQLITE_IOERR_WRITE} and leaves the connection sound, as does an I/O error whose
	 * extended code is not known, and {@code SQLITE_BUSY} and {@code SQLITE_PROTOCOL}: locks
	 * not taken in time (on a real LiteFS primary, while a replica holds the HALT lock), after
	 * which the connection must still roll its transaction back.
	 * @param ex the error
	 * @return whether the connection is broken
	 */
	public static boolean brokeConnection(SQLException ex) {
		int code = code(ex);
		if (code == CANTOPEN) {
			return true;
		}
		String name = extendedName(ex);
		return code == IOERR && name != null && name.startsWith("SQLITE_IOERR_") && !name.equals(IOERR_WRITE);
	}

	private static boolean isSqlite(SQLException ex) {
		for (Class<?> type = ex.getClass(); type != null; type = type.getSuperclass()) {
			if (type.getName().equals("org.sqlite.SQLiteException")) {
				return true;
			}
		}
		String message = ex.getMessage();
		return message != null && message.startsWith("[SQLITE_");
	}

}
