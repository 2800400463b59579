package dev.litefs.spring.routing;

import dev.litefs.spring.node.NodeRole;
import org.jspecify.annotations.Nullable;

/**
 * Thrown when work that must run on the LiteFS primary is asked of a node that is not
 * the primary: an {@link EnsurePrimary} method called on a replica, on a node whose
 * role is unknown, or on a new primary that holds its writes until it has migrated.
 * <p>
 * Inside a web request it is answered with the configured {@link RoutingStrategy};
 * elsewhere it tells the caller which node to send the work to.
 *
 * @since 0.2.0
 */
public class NotPrimaryException extends RuntimeException {

	private final NodeRole role;

	private final @Nullable String primary;

	/**
	 * Creates an exception for a node in the given role.
	 * @param role this node's role
	 * @param primary the primary's hostname, or {@code null} when no primary is known
	 * @param what what was asked, e.g. the method's name
	 */
	public NotPrimaryException(NodeRole role, @Nullable String primary, String what) {
		super(what + " must run on the LiteFS primary, but this node is " + describe(role, primary));
		this.role = role;
		this.primary = primary;
	}

	/**
	 * This node's role when the work was refused.
	 * @return the role
	 */
	public NodeRole getRole() {
		return this.role;
	}

	/**
	 * The primary's hostname, to send the work to.
	 * @return the hostname, or {@code null} when no primary is known
	 */
	public @Nullable String getPrimary() {
		return this.primary;
	}

	private static String describe(NodeRole role, @Nullable String primary) {
		if (role.acceptsWrites()) {
			return "a new primary that takes no writes until its schema is migrated";
		}
		if (primary == null) {
			return "a " + role.id() + " node and no primary is known";
		}
		return "a " + role.id() + " of primary " + primary;
	}

}
