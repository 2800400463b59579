package dev.litefs.spring.node;

import org.jspecify.annotations.Nullable;
import org.springframework.context.ApplicationEvent;

/**
 * Published when this node's role or the primary it follows changes: promotion,
 * demotion, fail-over to another primary, or losing and finding the primary.
 *
 * @since 0.2.0
 */
public class LiteFsRoleChangedEvent extends ApplicationEvent {

	private final NodeState previous;

	private final NodeState current;

	/**
	 * Creates an event.
	 * @param source the node that observed the change
	 * @param previous the reading before the change
	 * @param current the reading that shows it
	 */
	public LiteFsRoleChangedEvent(LiteFsNode source, NodeState previous, NodeState current) {
		super(source);
		this.previous = previous;
		this.current = current;
	}

	/**
	 * The role before the change.
	 * @return the previous role
	 */
	public NodeRole getPreviousRole() {
		return this.previous.role();
	}

	/**
	 * The role now.
	 * @return the new role
	 */
	public NodeRole getRole() {
		return this.current.role();
	}

	/**
	 * The primary before the change.
	 * @return its hostname, or {@code null} when none was known
	 */
	public @Nullable String getPreviousPrimary() {
		return this.previous.primary();
	}

	/**
	 * The primary now.
	 * @return its hostname, or {@code null} when none is known
	 */
	public @Nullable String getPrimary() {
		return this.current.primary();
	}

	/**
	 * The full reading before the change.
	 * @return the previous state
	 */
	public NodeState getPreviousState() {
		return this.previous;
	}

	/**
	 * The full reading that shows the change.
	 * @return the current state
	 */
	public NodeState getState() {
		return this.current;
	}

	/**
	 * Whether this node has just become able to write: promoted to primary.
	 * @return {@code true} when the node was not primary and now is
	 */
	public boolean isPromotion() {
		return !this.previous.role().acceptsWrites() && this.current.role().acceptsWrites();
	}

	@Override
	public String toString() {
		return "LiteFsRoleChangedEvent[" + this.previous.role().id() + " (primary " + this.previous.primary() + ") -> "
				+ this.current.role().id() + " (primary " + this.current.primary() + ")]";
	}

}
