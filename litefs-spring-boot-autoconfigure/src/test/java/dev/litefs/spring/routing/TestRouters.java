package dev.litefs.spring.routing;

import java.time.Duration;

import io.micrometer.observation.ObservationRegistry;

/**
 * Real routers for the unit tests of other packages, which cannot reach
 * {@link PrimaryRouter}'s constructor.
 */
public final class TestRouters {

	private TestRouters() {
	}

	/**
	 * A router under the {@code reject} strategy.
	 * @param retryAfter the {@code Retry-After} of its answers
	 * @return the router
	 */
	public static PrimaryRouter reject(Duration retryAfter) {
		return new PrimaryRouter(new RejectStrategy(), () -> 8080, retryAfter, ObservationRegistry.NOOP);
	}

}
