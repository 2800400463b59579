package dev.litefs.spring.consistency;

import java.time.Duration;
import java.util.EnumSet;

import dev.litefs.spring.autoconfigure.LiteFsAutoConfiguration;
import dev.litefs.spring.autoconfigure.LiteFsProperties;
import dev.litefs.spring.node.LiteFsNode;
import dev.litefs.spring.routing.LiteFsRoutingAutoConfiguration;
import dev.litefs.spring.routing.PrimaryRouter;
import io.micrometer.observation.ObservationRegistry;
import jakarta.servlet.DispatcherType;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.servlet.DelegatingFilterProxyRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.web.servlet.DispatcherServlet;

import static dev.litefs.spring.internal.PropertyChecks.check;
import static dev.litefs.spring.internal.PropertyChecks.notNegative;
import static dev.litefs.spring.internal.PropertyChecks.pathPatterns;

/**
 * Auto-configuration of read-your-writes: the {@code __txid} cookie after writes, and
 * replicas that wait for it; and of the confirmation that LiteFS recorded a write
 * before it is answered with success, which stays when read-your-writes is turned off.
 *
 * @since 0.2.0
 */
@AutoConfiguration(after = { LiteFsAutoConfiguration.class, LiteFsRoutingAutoConfiguration.class })
@ConditionalOnBean(LiteFsNode.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(DispatcherServlet.class)
public final class LiteFsConsistencyAutoConfiguration {

	/**
	 * After the application's ordered filters: a waiting request continues on an ASYNC
	 * dispatch, which filters registered for REQUEST only do not see.
	 */
	static final int CONSISTENCY_FILTER_ORDER = Ordered.LOWEST_PRECEDENCE - 100;

	@Bean
	@ConditionalOnMissingBean(name = "consistencyFilter")
	ConsistencyFilter consistencyFilter(LiteFsNode node, ObjectProvider<PrimaryRouter> router,
			LiteFsProperties properties, ObjectProvider<ConsistencyListener> listeners,
			ObjectProvider<ObservationRegistry> observations) {
		LiteFsProperties.Consistency consistency = properties.getConsistency();
		ConsistencyFilter.Settings settings = new ConsistencyFilter.Settings(consistency.isEnabled(),
				timeout(consistency.getTimeout()),
				consistency.getOnTimeout(), check("litefs.consistency.cookie-max-age", consistency.getCookieMaxAge(),
						consistency.getCookieMaxAge().getSeconds() >= 1, "must be at least 1s"), consistency.isCookieSecure(),
				pathPatterns("litefs.consistency.exclude", consistency.getExclude()));
		return new ConsistencyFilter(node, router.getIfAvailable(), settings,
				listeners.orderedStream().toList(), observations.getIfAvailable(() -> ObservationRegistry.NOOP));
	}

	private static Duration timeout(Duration timeout) {
		notNegative("litefs.consistency.timeout", timeout);
		return check("litefs.consistency.timeout", timeout, timeout.toMinutes() < 10, "must be less than 10 minutes");
	}

	/**
	 * Registered by name, like the routing filter: created with the other beans, not
	 * while the server starts.
	 */
	@Bean
	@ConditionalOnMissingBean(name = "consistencyFilterRegistration")
	DelegatingFilterProxyRegistrationBean consistencyFilterRegistration() {
		DelegatingFilterProxyRegistrationBean registration = new DelegatingFilterProxyRegistrationBean(
				"consistencyFilter");
		registration.setOrder(CONSISTENCY_FILTER_ORDER);
		registration.setDispatcherTypes(EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC));
		registration.setAsyncSupported(true);
		return registration;
	}

}
