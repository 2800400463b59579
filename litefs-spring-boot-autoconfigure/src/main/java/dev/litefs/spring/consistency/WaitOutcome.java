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

	/**
	 * The outcome of an {@link #id()}, as an observation of a wait carries it.
	 * @param id the id, e.g. {@code caught-up}
	 * @return the outcome
	 * @throws IllegalArgumentException if no outcome has that id
	 */
	public static WaitOutcome ofId(String id) {
		for (WaitOutcome outcome : values()) {
			if (outcome.id().equals(id)) {
				return outcome;
			}
		}
		throw new IllegalArgumentException("No wait outcome is '" + id + "'");
	}

}
