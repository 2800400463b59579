package dev.litefs.spring.node;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * What a node knew of itself at one instant: an immutable reading of the LiteFS mount.
 *
 * @param role the node's role
 * @param hostname this node's LiteFS hostname
 * @param primary the primary's hostname (this node's own on a primary or standalone
 * node), or {@code null} when no primary is known
 * @param position the database's replication position ({@link Position#ZERO} when
 * LiteFS has not written it)
 * @param lag how far this replica is behind the primary ({@link Duration#ZERO} on a
 * primary, {@link LiteFsMount#NEVER_SYNCED_LAG} before the first sync)
 * @param mounted whether the directory is a LiteFS mount rather than a plain directory
 * @param readable whether the mount directory exists and can be read
 * @param problems why the reading is incomplete: LiteFS files that could not be read or
 * were malformed, a missing directory; empty when all is well
 * @param readAt when the reading was taken
 * @param writeHold why a primary takes no writes yet (a newly promoted primary
 * migrating its schema), or {@code null} when nothing holds them
 *
 * @since 0.2.0
 */
public record NodeState(NodeRole role, String hostname, @Nullable String primary, Position position, Duration lag,
		boolean mounted, boolean readable, List<String> problems, Instant readAt, @Nullable String writeHold) {

	public NodeState {
		problems = List.copyOf(problems);
	}

	/**
	 * Whether this node may write to its database now.
	 * @return {@code true} on a primary or standalone node whose writes are not held
	 */
	public boolean isPrimary() {
		return this.role.acceptsWrites() && this.writeHold == null;
	}

	/**
	 * This reading at another position, taken at another instant.
	 * @param position the new position
	 * @param at when it was learnt
	 * @return the new reading
	 */
	NodeState withPosition(Position position, Instant at) {
		return new NodeState(this.role, this.hostname, this.primary, position, this.lag, this.mounted, this.readable,
				this.problems, at, this.writeHold);
	}

	/**
	 * This reading with writes held for a reason, or no longer held.
	 * @param reason why writes are held, or {@code null}
	 * @return the new reading
	 */
	NodeState withWriteHold(@Nullable String reason) {
		return new NodeState(this.role, this.hostname, this.primary, this.position, this.lag, this.mounted,
				this.readable, this.problems, this.readAt, reason);
	}

	/**
	 * Whether the database can be used at all: the mount directory is readable and, but
	 * on a plain directory, LiteFS serves it. {@code false} while LiteFS is down or
	 * restarting under the application.
	 * @return {@code true} when the database can be opened
	 */
	public boolean isDatabaseAvailable() {
		return this.readable && (this.mounted || this.role == NodeRole.STANDALONE);
	}

	/**
	 * Whether {@link #position()} moves with every change of the database, so that what
	 * was read from it at one position still holds while the position stays: on a LiteFS
	 * primary or replica serving a database LiteFS has written to. A standalone node's
	 * position never moves, and an unknown node's says nothing.
	 * @return {@code true} when the position dates what is read from the database
	 */
	public boolean positionTracksChanges() {
		return (this.role == NodeRole.PRIMARY || this.role == NodeRole.REPLICA) && isDatabaseAvailable()
				&& !this.position.equals(Position.ZERO);
	}

	/**
	 * Whether this reading differs from another in role or primary: the change a
	 * {@link LiteFsRoleChangedEvent} announces.
	 * @param other the other reading
	 * @return {@code true} when role or primary differ
	 */
	public boolean isRoleChangeFrom(NodeState other) {
		return this.role != other.role || !Objects.equals(this.primary, other.primary);
	}

}
