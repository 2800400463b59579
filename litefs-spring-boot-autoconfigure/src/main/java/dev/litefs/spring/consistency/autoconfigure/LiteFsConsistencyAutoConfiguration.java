package dev.litefs.spring.consistency.autoconfigure;

import java.util.EnumSet;

import dev.litefs.spring.consistency.ConsistencyFilter;
import dev.litefs.spring.internal.RequestPathPatterns;
import dev.litefs.spring.jdbc.DatabaseWrites;
import dev.litefs.spring.jdbc.autoconfigure.LiteFsJdbcAutoConfiguration;
import dev.litefs.spring.node.LiteFsNode;
import dev.litefs.spring.node.autoconfigure.LiteFsNodeAutoConfiguration;
import dev.litefs.spring.routing.autoconfigure.LiteFsRoutingAutoConfiguration;
import dev.litefs.spring.routing.PrimaryRouter;
import io.micrometer.observation.ObservationRegistry;
import jakarta.servlet.DispatcherType;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.DelegatingFilterProxyRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.web.servlet.DispatcherServlet;

/**
 * Auto-configuration of read-your-writes: the {@code __txid} cookie after writes, and
 * replicas that wait for it; and of the confirmation that LiteFS recorded a write
 * before it is answered with success, which stays when read-your-writes is turned off.
 *
 * @since 0.2.0
 */
@AutoConfiguration(after = { LiteFsNodeAutoConfiguration.class, LiteFsRoutingAutoConfiguration.class,
		LiteFsJdbcAutoConfiguration.class })
@ConditionalOnBean(LiteFsNode.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(DispatcherServlet.class)
@EnableConfigurationProperties(LiteFsConsistencyProperties.class)
public final class LiteFsConsistencyAutoConfiguration {

	/**
	 * After the application's ordered filters: a waiting request continues on an ASYNC
	 * dispatch, which filters registered for REQUEST only do not see.
	 */
	static final int CONSISTENCY_FILTER_ORDER = Ordered.LOWEST_PRECEDENCE - 100;

	@Bean
	@ConditionalOnMissingBean
	ConsistencyFilter consistencyFilter(LiteFsNode node, ObjectProvider<PrimaryRouter> router,
			LiteFsConsistencyProperties consistency, ObjectProvider<ObservationRegistry> observations,
			ObjectProvider<DatabaseWrites> writes) {
		ConsistencyFilter.Settings settings = new ConsistencyFilter.Settings(consistency.isEnabled(),
				consistency.getTimeout(), consistency.getOnTimeout(), consistency.getCookieMaxAge(),
				consistency.isCookieSecure(), new RequestPathPatterns(consistency.getExclude()));
		return new ConsistencyFilter(node, router.getIfAvailable(), settings,
				observations.getIfAvailable(() -> ObservationRegistry.NOOP), writes.getIfAvailable());
	}

	/**
	 * Registered by its bean's name, like the routing filter: created with the other
	 * beans, not while the server starts.
	 */
	@Bean
	@ConditionalOnMissingBean(name = "consistencyFilterRegistration")
	DelegatingFilterProxyRegistrationBean consistencyFilterRegistration(ListableBeanFactory beans) {
		DelegatingFilterProxyRegistrationBean registration = new DelegatingFilterProxyRegistrationBean(
				beans.getBeanNamesForType(ConsistencyFilter.class, false, false)[0]);
		registration.setOrder(CONSISTENCY_FILTER_ORDER);
		registration.setDispatcherTypes(EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC));
		registration.setAsyncSupported(true);
		return registration;
	}

}
