package dev.litefs.spring.consistency;

import java.util.Locale;

/**
 * How a replica's wait for a client's {@code __txid} ended.
 *
 * @since 0.2.0
 */
public enum WaitOutcome {

	/** The replica reached the TXID: the request proceeded. */
	CAUGHT_UP,

	/** The timeout passed first: the request was replayed or answered 504. */
	TIMED_OUT,

	/** The client went away, or the application stopped, while the request waited. */
	ABANDONED;

	/**
	 * The outcome as a metric tag or in JSON: {@code caught-up}, {@code timed-out},
	 * {@code abandoned}.
	 * @return the lower-case, dashed name
	 */
	public String id() {
		return name().toLowerCase(Locale.ROOT).replace('_', '-');
	}

}
