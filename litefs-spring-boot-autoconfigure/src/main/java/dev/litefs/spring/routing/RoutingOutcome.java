package dev.litefs.spring.routing;

import java.util.Locale;

/**
 * How a request that had to run on the primary was answered by a node that is not the
 * primary.
 *
 * @since 0.2.0
 */
public enum RoutingOutcome {

	/** Answered {@code 409} with {@code fly-replay}: Fly.io replays it on the primary. */
	REPLAYED,

	/** Forwarded to the primary, whose answer went back to the client. */
	FORWARDED,

	/** Answered {@code 307} to the primary's URL. */
	REDIRECTED,

	/** Refused with {@code 503} by the {@code reject} strategy. */
	REJECTED,

	/**
	 * Refused with {@code 503}: no primary is known, this node's role is unknown, or the
	 * URL template and the primary's hostname make no URL.
	 */
	NO_PRIMARY,

	/**
	 * Refused with {@code 503} and {@code Retry-After}: this node has just become the
	 * primary and holds writes until its schema is migrated.
	 */
	HELD,

	/**
	 * Refused with {@code 503}: the request was already forwarded or replayed once and
	 * reached a node that is not the primary either; it is never sent on a second hop.
	 */
	LOOP,

	/**
	 * Refused: the body is too large to forward ({@code 413}) or to replay ({@code 503}),
	 * or the headers too large to forward with those forwarding adds ({@code 431}).
	 */
	TOO_LARGE,

	/**
	 * Refused with {@code 400}, never sent: the request's path or query cannot be sent on
	 * as it came (a malformed {@code %}-escape, for one).
	 */
	BAD_REQUEST,

	/**
	 * Refused with {@code 503}, never sent: the request asks to upgrade its connection (a
	 * WebSocket, for one), which forwarding cannot carry.
	 */
	UPGRADE_REFUSED,

	/**
	 * The primary could not be reached: {@code 503} with {@code Retry-After} (under
	 * {@code fly-replay}, a request Fly.io sent back with {@code fly-replay-failed}).
	 */
	UNREACHABLE,

	/** The primary did not answer in time: {@code 504}. */
	TIMEOUT,

	/**
	 * Forwarding failed otherwise: the connection broke ({@code 502}), or the body was not
	 * kept for forwarding ({@code 503}).
	 */
	FAILED;

	/**
	 * The outcome as a metric tag or in JSON: {@code replayed}, {@code no-primary}, ...
	 * @return the lower-case, dashed name
	 */
	public String id() {
		return name().toLowerCase(Locale.ROOT).replace('_', '-');
	}

}
