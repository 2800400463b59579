package dev.litefs.spring.routing.forward;

import org.springframework.web.client.RestClient;

/**
 * Customizes the {@link RestClient} of the {@link PrimaryForwarder} before it is built
 * (on the first forward): TLS or mTLS to the primary (a request factory of your own),
 * an HTTP proxy, headers such as authentication, interceptors. Any number of beans of
 * this type may exist; they run in order.
 *
 * @since 0.2.0
 */
@FunctionalInterface
public interface PrimaryForwarderCustomizer {

	/**
	 * Customizes the builder, which already holds the request factory with the
	 * {@code litefs.routing.forward} timeouts and the application's
	 * {@code ObservationRegistry}.
	 * @param builder the builder
	 */
	void customize(RestClient.Builder builder);

}
