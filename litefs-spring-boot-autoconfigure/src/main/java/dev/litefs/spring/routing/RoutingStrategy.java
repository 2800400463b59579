package dev.litefs.spring.routing;

import java.io.IOException;

/**
 * How a node that is not the primary answers a request that must run on the primary.
 * <p>
 * The starter has four, chosen by {@code litefs.routing.strategy}:
 * {@link FlyReplayStrategy fly-replay}, {@link ForwardStrategy forward},
 * {@link RedirectStrategy redirect} and {@link RejectStrategy reject}. A bean of this type
 * adds one under its {@link #name()} (e.g. "send to a Kubernetes Service"), or replaces
 * the built-in one of the same name.
 * <p>
 * A strategy is only called once the {@link PrimaryRouter} has made the checks every
 * strategy shares: this node knows a valid primary, and the request is not one that
 * another node forwarded already. It answers through {@link RoutedRequest}, whose
 * {@link RoutedRequest#refuse refuse} writes the problem detail.
 *
 * @since 0.2.0
 */
public interface RoutingStrategy {

	/** The name of the {@link FlyReplayStrategy}. */
	String FLY_REPLAY = "fly-replay";

	/** The name of the {@link ForwardStrategy}. */
	String FORWARD = "forward";

	/** The name of the {@link RedirectStrategy}. */
	String REDIRECT = "redirect";

	/** The name of the {@link RejectStrategy}. */
	String REJECT = "reject";

	/**
	 * The strategy's name, as in {@code litefs.routing.strategy} and in the
	 * {@code strategy} tag of the routing observation.
	 * @return a lower-case name such as {@code forward}
	 */
	String name();

	/**
	 * The most bytes of a request body a node that is not the primary keeps, so that this
	 * strategy can still route the request after the application read it.
	 * @return the limit, or {@code -1} (the default) when the strategy never needs the
	 * body
	 */
	default long bodyLimit() {
		return -1;
	}

	/**
	 * Answers a request that must run on the primary.
	 * @param request the request, the response and this node's reading
	 * @return how the request was answered
	 * @throws IOException if the response cannot be written
	 */
	RoutingOutcome route(RoutedRequest request) throws IOException;

}
