package dev.litefs.spring.jdbc;

import java.sql.SQLException;

import com.zaxxer.hikari.SQLExceptionOverride;

/**
 * Tells Hikari to evict a SQLite connection whose file went away under it: LiteFS
 * stopped or restarted, and the FUSE mount the connection was opened on is gone.
 * SQLite reports that as {@code SQLITE_IOERR} (code 10, with any extended code such as
 * {@code SQLITE_IOERR_LOCK}), {@code SQLITE_CANTOPEN} (14) or {@code SQLITE_PROTOCOL}
 * (15, WAL mode). Such a connection never works again; the pool opens a new one on the
 * new mount. Every other error is left to Hikari's own judgement.
 * <p>
 * Set as {@code spring.datasource.hikari.exception-override-class-name} by
 * {@link LiteFsDataSourceEnvironmentPostProcessor}.
 *
 * @since 0.2.0
 */
public class BrokenMountEviction implements SQLExceptionOverride {

	private static final int SQLITE_IOERR = 10;

	private static final int SQLITE_CANTOPEN = 14;

	private static final int SQLITE_PROTOCOL = 15;

	@java.lang.Override
	public Override adjudicate(SQLException ex) {
		int code = ex.getErrorCode() & 0xff;
		boolean broken = code == SQLITE_IOERR || code == SQLITE_CANTOPEN || code == SQLITE_PROTOCOL;
		return broken ? Override.MUST_EVICT : Override.CONTINUE_EVICT;
	}

}
