package dev.litefs.spring.consistency;

/**
 * What a replica does with a request whose {@code __txid} it has not reached within
 * {@code litefs.consistency.timeout}.
 *
 * @since 0.2.0
 */
public enum TimeoutAction {

	/**
	 * Hand the request to the routing strategy, so that the primary answers it (under
	 * {@code fly-replay} Fly.io replays it there, under {@code forward} it is forwarded).
	 */
	REPLAY,

	/** Answer {@code 504 Gateway Timeout} with a problem detail. */
	ERROR

}
