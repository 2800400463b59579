package dev.litefs.spring.routing.forward;

/**
 * What became of a request the {@link PrimaryForwarder} was given.
 *
 * @since 0.2.0
 */
public enum ForwardResult {

	/** The primary's answer was written as the response. */
	FORWARDED,

	/** Not sent: the request's path or query cannot be expressed as a URL. */
	BAD_REQUEST,

	/**
	 * Not sent: its headers, with those forwarding adds, are over
	 * {@link PrimaryForwarder#maxHeaderSize()}.
	 */
	HEADERS_TOO_LARGE,

	/** The primary could not be reached. */
	UNREACHABLE,

	/** The primary did not answer within {@link PrimaryForwarder#responseTimeout()}. */
	TIMEOUT,

	/** The exchange failed otherwise before the primary's answer reached the client. */
	FAILED

}
