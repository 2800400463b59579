package dev.litefs.spring.node;

import org.jspecify.annotations.Nullable;

/**
 * Whether the event stream stalled, seen from the files (LiteFS sends no heartbeat):
 * a TXID that {@code <db>-pos} shows and no {@code tx} event announced within one poll
 * interval, or a change of role the files show and no event announced. Used under the
 * node's lock, but for {@link #position()}.
 */
final class StallCheck {

	private final String database;

	/** The last position an event (or the read on (re)connect) gave. */
	private volatile Position announced = Position.ZERO;

	/** A position of the files no event had announced at the last check. */
	private @Nullable Position unannounced;

	StallCheck(String database) {
		this.database = database;
	}

	/** A {@code tx} event announced a position. */
	void announced(Position position) {
		this.announced = position;
	}

	/** The stream (re)connected or said the role, and the files were read again: they agree. */
	void agreed(Position files) {
		this.announced = files;
		this.unannounced = null;
	}

	/**
	 * Checks a reading of the files taken while the stream is up.
	 * @param previous the reading before
	 * @param current the reading of the files now
	 * @return why the stream is to be dropped, or {@code null}
	 */
	@Nullable String check(NodeState previous, NodeState current) {
		String stalled = null;
		Position files = current.position();
		Position unannounced = this.unannounced;
		if (unannounced != null && !this.announced.hasReached(unannounced.txid())) {
			stalled = "no tx event announced TXID " + unannounced.txidHex() + ", which " + this.database
					+ "-pos shows";
			this.unannounced = null;
			// until the stream is open again (its init reads the files again), the files are its position
			this.announced = files;
		}
		else {
			this.unannounced = (files.txid() != this.announced.txid() && files.hasReached(this.announced.txid()))
					? files : null;
		}
		if (current.isRoleChangeFrom(previous)) {
			stalled = "the files show a change of role no event announced";
		}
		return stalled;
	}

}
