package dev.litefs.spring.halt;

import org.jspecify.annotations.Nullable;

/**
 * A block could not run under LiteFS's HALT lock, or held it past
 * {@code litefs.halt.max-hold}. {@link #reason()} says which.
 *
 * @since 0.2.0
 */
public class LiteFsHaltException extends RuntimeException {

	/** Why a halted write did not happen as asked. */
	public enum Reason {

		/** Another thread of this process held the lock for all of {@code litefs.halt.wait-timeout}. */
		BUSY,

		/**
		 * LiteFS refused the lock: the primary did not halt in time (LiteFS gives up after
		 * about 10 s; seen as EIO, or EAGAIN) or could not be reached.
		 */
		REFUSED,

		/** This node knows no primary, so no one can halt. */
		NO_PRIMARY,

		/** {@code <db>-lock} could not be opened, or the caller was interrupted while waiting. */
		FAILED,

		/**
		 * The block ran past {@code litefs.halt.max-hold}: the lock was released then, so
		 * its writes after that instant were refused (the block's own failure is the
		 * cause).
		 */
		HOLD_EXCEEDED

	}

	private final Reason reason;

	/**
	 * Creates an exception.
	 * @param reason why
	 * @param message what happened, for people
	 * @param cause what failed underneath, if anything
	 */
	public LiteFsHaltException(Reason reason, String message, @Nullable Throwable cause) {
		super(message, cause);
		this.reason = reason;
	}

	/**
	 * Why the block did not run as asked.
	 * @return the reason
	 */
	public Reason reason() {
		return this.reason;
	}

}
