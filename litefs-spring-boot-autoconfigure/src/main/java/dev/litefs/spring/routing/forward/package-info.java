/**
 * Forwarding a request to the primary, as a reverse proxy would: the
 * {@link dev.litefs.spring.routing.forward.PrimaryForwarder}, its HTTP client built by
 * Spring Boot's {@code ClientHttpRequestFactoryBuilder} (else on the JDK's
 * {@code HttpClient}), and the
 * {@link dev.litefs.spring.routing.forward.KeptBody kept body} of a request the
 * application already read. Knows nothing of the routing strategies, which use it.
 */
@NullMarked
package dev.litefs.spring.routing.forward;

import org.jspecify.annotations.NullMarked;
