package dev.litefs.spring.jdbc;

import java.sql.SQLException;

import com.zaxxer.hikari.SQLExceptionOverride;
import dev.litefs.spring.internal.SqliteFaults;

/**
 * Tells Hikari to evict a SQLite connection whose file went away under it: LiteFS
 * stopped or restarted, and the FUSE mount the connection was opened on is gone.
 * SQLite reports that as an I/O error such as {@code SQLITE_IOERR_LOCK} (code 10) or
 * {@code SQLITE_CANTOPEN} (14). Such a connection never works again; the pool opens a new
 * one on the new mount.
 * <p>
 * A write a replica refused is not such an error, though WAL mode reports it as an I/O
 * error too ({@code SQLITE_IOERR_WRITE}; {@code SQLITE_READONLY_*} in rollback-journal
 * mode): the connection is sound and stays in the pool, as after {@code SQLITE_BUSY} or
 * {@code SQLITE_PROTOCOL} (locks not taken in time: evicting the connection then would
 * close it before its transaction is rolled back). Evicting it would make the pool
 * open a connection per refused write, and opening connections on a WAL replica while
 * LiteFS rewrites its {@code -shm} is what can crash the JVM with {@code SIGBUS}. Every
 * other error is left to Hikari's own judgement. The whole pool is evicted anyway when
 * the node sees LiteFS back ({@link PoolEvictionOnRecovery}).
 * <p>
 * Set as {@code spring.datasource.hikari.exception-override-class-name} by
 * the starter's defaults for a DataSource on the mount.
 *
 * @since 0.2.0
 */
public class BrokenMountEviction implements SQLExceptionOverride {

	@java.lang.Override
	public Override adjudicate(SQLException ex) {
		return SqliteFaults.brokeConnection(ex) ? Override.MUST_EVICT : Override.CONTINUE_EVICT;
	}

}
