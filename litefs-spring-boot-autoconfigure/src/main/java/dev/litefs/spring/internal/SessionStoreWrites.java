package dev.litefs.spring.internal;

import java.sql.SQLException;

import org.jspecify.annotations.Nullable;

/**
 * Tells a write of Spring Session's own repository that SQLite refused (on a replica,
 * with the starter's session support off) from a write of the application: the
 * repository's code ({@code org.springframework.session.jdbc}) is on the stack of the
 * failure. Routing such a request to the
 * primary cannot help, since Spring Session writes the session again on this node as the
 * request ends.
 *
 * @since 0.4.0
 */
public final class SessionStoreWrites {

	/**
	 * Spring Session's JDBC repository: not its filter, which is on the stack of every
	 * request of the application, its own writes included.
	 */
	private static final String SPRING_SESSION = "org.springframework.session.jdbc.";

	private SessionStoreWrites() {
	}

	/**
	 * The SQLite refusal of a write Spring Session's repository made, if that is what a
	 * failure is.
	 * @param ex the failure
	 * @return the refusal ({@code SQLITE_READONLY} or {@code SQLITE_IOERR}), or
	 * {@code null} when the failure is no refused write of Spring Session
	 */
	public static @Nullable SQLException refusedWrite(Throwable ex) {
		SQLException sqlite = SqliteFaults.find(ex);
		if (sqlite == null || !SqliteFaults.isWriteRefusal(sqlite)) {
			return null;
		}
		return (CauseChain.find(ex, SessionStoreWrites::madeBySpringSession) != null) ? sqlite : null;
	}

	private static boolean madeBySpringSession(Throwable cause) {
		for (StackTraceElement frame : cause.getStackTrace()) {
			if (frame.getClassName().startsWith(SPRING_SESSION)) {
				return true;
			}
		}
		return false;
	}

}
