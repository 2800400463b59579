package dev.litefs.spring.routing;

import java.io.IOException;

import org.springframework.http.HttpStatus;

/**
 * The {@code reject} strategy: answers {@code 503} with a problem detail naming the
 * primary, and {@code Retry-After}.
 */
public class RejectStrategy implements RoutingStrategy {

	@Override
	public String name() {
		return REJECT;
	}

	@Override
	public RoutingOutcome route(RoutedRequest routed) throws IOException {
		return routed.refuseForNow(RoutingOutcome.REJECTED, HttpStatus.SERVICE_UNAVAILABLE, "Not the primary",
				"This request writes to the database and must be sent to the primary, " + routed.primary()
						+ "; this node is a " + routed.state().role().id() + ".");
	}

}
