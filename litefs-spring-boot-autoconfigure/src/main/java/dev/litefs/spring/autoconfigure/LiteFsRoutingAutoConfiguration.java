package dev.litefs.spring.autoconfigure;

import java.util.EnumSet;

import dev.litefs.spring.node.LiteFsNode;
import dev.litefs.spring.routing.EnsurePrimary;
import dev.litefs.spring.routing.EnsurePrimaryInterceptor;
import dev.litefs.spring.routing.EnsurePrimaryMethodInterceptor;
import dev.litefs.spring.routing.NotPrimaryExceptionResolver;
import dev.litefs.spring.routing.PrimaryForwarder;
import dev.litefs.spring.routing.PrimaryRouter;
import dev.litefs.spring.routing.PrimaryRoutingFilter;
import dev.litefs.spring.routing.PrimaryUrlTemplate;
import dev.litefs.spring.routing.RequestPathPatterns;
import dev.litefs.spring.routing.RoutingEndpointContributor;
import dev.litefs.spring.routing.RoutingListener;
import dev.litefs.spring.routing.RoutingMetrics;
import dev.litefs.spring.routing.RoutingStrategy;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.DispatcherType;

import org.springframework.aop.Advisor;
import org.springframework.aop.support.DefaultPointcutAdvisor;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.web.servlet.DelegatingFilterProxyRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Role;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.util.unit.DataSize;
import org.springframework.web.servlet.DispatcherServlet;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Auto-configuration of {@link EnsurePrimary}: the advice on any Spring bean, and in a
 * Spring MVC application the routing of requests that must run on the primary.
 */
@AutoConfiguration(after = LiteFsAutoConfiguration.class)
@ConditionalOnBean(LiteFsNode.class)
public final class LiteFsRoutingAutoConfiguration {

	/** Before every filter that may read a request's body (Boot's form filter is at -9900). */
	static final int ROUTING_FILTER_ORDER = Ordered.HIGHEST_PRECEDENCE + 1000;

	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	@ConditionalOnMissingBean(name = "ensurePrimaryAdvisor")
	static Advisor ensurePrimaryAdvisor(ObjectProvider<LiteFsNode> node) {
		DefaultPointcutAdvisor advisor = new DefaultPointcutAdvisor(EnsurePrimaryMethodInterceptor.pointcut(),
				new EnsurePrimaryMethodInterceptor(node::getObject));
		// around @Transactional, so a replica refuses before a transaction begins
		advisor.setOrder(Ordered.HIGHEST_PRECEDENCE + 100);
		return advisor;
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
	@ConditionalOnClass(DispatcherServlet.class)
	static class WebRoutingConfiguration {

		@Bean
		@ConditionalOnMissingBean
		PrimaryRouter primaryRouter(LiteFsNode node, LiteFsProperties properties, Environment environment,
				ObjectProvider<RoutingListener> listeners) {
			LiteFsProperties.Routing routing = properties.getRouting();
			RoutingStrategy strategy = routing.getStrategy().resolve(environment.getProperty("FLY_APP_NAME"));
			LiteFsProperties.Forward forward = routing.getForward();
			PrimaryForwarder forwarder = (strategy == RoutingStrategy.FORWARD) ? new PrimaryForwarder(
					node.hostname(), forward.getConnectTimeout(), forward.getResponseTimeout(),
					forward.getMaxBodySize(), maxHttpRequestHeaderSize(environment)) : null;
			return new PrimaryRouter(strategy, forwarder, new PrimaryUrlTemplate(forward.getUrlTemplate()),
					new PrimaryUrlTemplate(routing.getRedirect().getUrlTemplate()), new LocalPort(environment),
					routing.getRetryAfter(), listeners.orderedStream().toList());
		}

		@Bean
		@ConditionalOnMissingBean
		PrimaryRoutingFilter primaryRoutingFilter(LiteFsNode node, PrimaryRouter router, LiteFsProperties properties) {
			LiteFsProperties.Routing routing = properties.getRouting();
			return new PrimaryRoutingFilter(node, router, routing.getMethods(),
					new RequestPathPatterns(routing.getExclude()));
		}

		/**
		 * Registered by name: the filter, the node and the router are created with the other
		 * beans, not while the server starts (whose threads would then hold on to the web
		 * application's class loader).
		 */
		@Bean
		@ConditionalOnMissingBean(name = "primaryRoutingFilterRegistration")
		DelegatingFilterProxyRegistrationBean primaryRoutingFilterRegistration() {
			DelegatingFilterProxyRegistrationBean registration = new DelegatingFilterProxyRegistrationBean(
					"primaryRoutingFilter");
			registration.setOrder(ROUTING_FILTER_ORDER);
			registration.setDispatcherTypes(EnumSet.of(DispatcherType.REQUEST));
			return registration;
		}

		@Bean
		@ConditionalOnMissingBean
		EnsurePrimaryInterceptor ensurePrimaryInterceptor(LiteFsNode node, PrimaryRouter router) {
			return new EnsurePrimaryInterceptor(node, router);
		}

		@Bean
		WebMvcConfigurer ensurePrimaryWebMvcConfigurer(EnsurePrimaryInterceptor interceptor) {
			return new WebMvcConfigurer() {

				@Override
				public void addInterceptors(InterceptorRegistry registry) {
					registry.addInterceptor(interceptor).order(Ordered.HIGHEST_PRECEDENCE);
				}

			};
		}

		@Bean
		@ConditionalOnMissingBean
		NotPrimaryExceptionResolver notPrimaryExceptionResolver(LiteFsNode node, PrimaryRouter router) {
			return new NotPrimaryExceptionResolver(node, router);
		}

		@Configuration(proxyBeanMethods = false)
		@ConditionalOnClass(name = "org.springframework.boot.actuate.endpoint.annotation.Endpoint")
		static class RoutingEndpointConfiguration {

			@Bean
			@ConditionalOnMissingBean
			RoutingEndpointContributor routingEndpointContributor(PrimaryRouter router, PrimaryRoutingFilter filter) {
				return new RoutingEndpointContributor(router, filter);
			}

		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterRegistry.class)
	static class RoutingMetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean
		RoutingMetrics routingMetrics(ObjectProvider<MeterRegistry> registry) {
			return new RoutingMetrics(registry::getIfAvailable);
		}

	}

	/**
	 * The most bytes of request line and headers the primary takes, taken to be this
	 * server's own limit (the nodes run the same application): Spring Boot's
	 * {@code server.max-http-request-header-size}, 8KB by default.
	 */
	static DataSize maxHttpRequestHeaderSize(Environment environment) {
		return Binder.get(environment)
			.bind("server.max-http-request-header-size", DataSize.class)
			.orElse(DataSize.ofKilobytes(8));
	}

	/**
	 * This server's port, for {@code {port}} in URL templates: the port it listens on
	 * once started ({@code local.server.port}), else {@code server.port}, else 8080.
	 */
	static final class LocalPort implements java.util.function.IntSupplier {

		private final Environment environment;

		private volatile int port;

		LocalPort(Environment environment) {
			this.environment = environment;
		}

		@Override
		public int getAsInt() {
			int known = this.port;
			if (known > 0) {
				return known;
			}
			Integer local = this.environment.getProperty("local.server.port", Integer.class);
			if (local != null && local > 0) {
				this.port = local;
				return local;
			}
			return this.environment.getProperty("server.port", Integer.class, 8080);
		}

	}

}
