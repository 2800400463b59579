package dev.litefs.spring.node;

import java.util.Locale;

/**
 * The part this node plays in the LiteFS cluster.
 *
 * @since 0.2.0
 */
public enum NodeRole {

	/** The node holding the LiteFS lease: its database takes writes. */
	PRIMARY,

	/** A read replica: writes must be sent to the primary. */
	REPLICA,

	/**
	 * Not a LiteFS mount but a plain directory (local development, tests): a single
	 * node that is its own primary.
	 */
	STANDALONE,

	/**
	 * The role cannot be told right now (no primary connected, the mount missing, a
	 * malformed LiteFS file). An unknown node never takes writes.
	 */
	UNKNOWN;

	/**
	 * Whether a node in this role may write to its database.
	 * @return {@code true} for {@link #PRIMARY} and {@link #STANDALONE}
	 */
	public boolean acceptsWrites() {
		return this == PRIMARY || this == STANDALONE;
	}

	/**
	 * The role's name as shown to people and in JSON: {@code primary}, {@code replica},
	 * {@code standalone} or {@code unknown}.
	 * @return the lower-case name
	 */
	public String id() {
		return name().toLowerCase(Locale.ROOT);
	}

}
