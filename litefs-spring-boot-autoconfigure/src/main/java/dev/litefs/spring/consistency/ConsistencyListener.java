package dev.litefs.spring.consistency;

import java.time.Duration;

/**
 * Told of every wait a replica made for a client's {@code __txid}, e.g. to time them.
 * Any number of beans of this type may exist; they are called on the watcher's or the
 * request's thread and must return quickly.
 *
 * @since 0.2.0
 */
@FunctionalInterface
public interface ConsistencyListener {

	/**
	 * Called once a wait ended.
	 * @param outcome how it ended
	 * @param waited how long the request waited
	 */
	void waited(WaitOutcome outcome, Duration waited);

	/**
	 * Called once a wait ended, with the TXID the request waited for; by default
	 * {@link #waited(WaitOutcome, Duration)}.
	 * @param txid the TXID of the request's {@code __txid} cookie
	 * @param outcome how it ended
	 * @param waited how long the request waited
	 */
	default void waited(long txid, WaitOutcome outcome, Duration waited) {
		waited(outcome, waited);
	}

}
