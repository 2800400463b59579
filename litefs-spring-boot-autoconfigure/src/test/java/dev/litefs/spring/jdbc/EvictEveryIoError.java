package dev.litefs.spring.jdbc;

import java.sql.SQLException;

import com.zaxxer.hikari.SQLExceptionOverride;

/**
 * What {@link BrokenMountEviction} did in 0.2.0: evict a connection for every
 * {@code SQLITE_IOERR}, {@code SQLITE_CANTOPEN} and {@code SQLITE_PROTOCOL}, a write a WAL
 * replica refused included. The "before" of {@link RealWalReplicaChurnProbe}.
 */
public class EvictEveryIoError implements SQLExceptionOverride {

	@java.lang.Override
	public Override adjudicate(SQLException ex) {
		int code = ex.getErrorCode() & 0xff;
		return (code == 10 || code == 14 || code == 15) ? Override.MUST_EVICT : Override.CONTINUE_EVICT;
	}

}
