package dev.litefs.spring.jdbc;

import java.sql.SQLTransientConnectionException;

/**
 * A connection refused on a node that takes no writes (a replica) because the SQLite
 * file it would open does not exist there yet: the database has not replicated to this
 * node, and SQLite would create an empty file in its place. Over HTTP it is answered
 * {@code 503 Database not replicated yet} with {@code Retry-After}.
 *
 * @since 0.4.0
 */
public class DatabaseNotReplicatedException extends SQLTransientConnectionException {

	private static final long serialVersionUID = 1L;

	private final String database;

	private final String hostname;

	/**
	 * Creates the exception.
	 * @param database the database's file name on the mount
	 * @param hostname this node's hostname
	 * @param role this node's role, as shown to people
	 */
	public DatabaseNotReplicatedException(String database, String hostname, String role) {
		super("The LiteFS database " + database + " has not replicated to " + role + " node " + hostname
				+ " yet: no connection is opened, since SQLite would create an empty file in its place");
		this.database = database;
		this.hostname = hostname;
	}

	/**
	 * The database's file name on the mount.
	 * @return the name
	 */
	public String getDatabase() {
		return this.database;
	}

	/**
	 * This node's hostname.
	 * @return the hostname
	 */
	public String getHostname() {
		return this.hostname;
	}

}
