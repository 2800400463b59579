package dev.litefs.spring.routing.autoconfigure;

import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import dev.litefs.spring.halt.LiteFsHalt;
import dev.litefs.spring.halt.autoconfigure.LiteFsHaltProperties;
import dev.litefs.spring.internal.RequestPathPatterns;
import dev.litefs.spring.node.LiteFsNode;
import dev.litefs.spring.node.autoconfigure.LiteFsNodeAutoConfiguration;
import dev.litefs.spring.routing.DatabaseFaultExceptionResolver;
import dev.litefs.spring.routing.DatabaseLossMark;
import dev.litefs.spring.routing.EnsurePrimary;
import dev.litefs.spring.routing.EnsurePrimaryMethodInterceptor;
import dev.litefs.spring.routing.FlyReplayStrategy;
import dev.litefs.spring.routing.ForwardStrategy;
import dev.litefs.spring.routing.HaltFailureExceptionResolver;
import dev.litefs.spring.routing.NotPrimaryExceptionResolver;
import dev.litefs.spring.routing.PrimaryRouter;
import dev.litefs.spring.routing.PrimaryRoutingFilter;
import dev.litefs.spring.routing.PrimaryUrlTemplate;
import dev.litefs.spring.routing.ProblemErrorAttributes;
import dev.litefs.spring.routing.RedirectStrategy;
import dev.litefs.spring.routing.RejectStrategy;
import dev.litefs.spring.routing.RoutingStrategy;
import dev.litefs.spring.routing.forward.ForwardingClient;
import dev.litefs.spring.routing.forward.PrimaryForwarder;
import dev.litefs.spring.routing.forward.PrimaryForwarderCustomizer;
import io.micrometer.observation.ObservationRegistry;
import jakarta.servlet.DispatcherType;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.Advisor;
import org.springframework.aop.support.DefaultPointcutAdvisor;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.SearchStrategy;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.boot.web.servlet.DelegatingFilterProxyRegistrationBean;
import org.springframework.boot.webmvc.error.ErrorAttributes;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Role;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.util.unit.DataSize;
import org.springframework.web.servlet.DispatcherServlet;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import org.springframework.web.servlet.handler.HandlerMappingIntrospector;

/**
 * Auto-configuration of {@link EnsurePrimary}: the advice on any Spring bean, and in a
 * Spring MVC application the routing of requests that must run on the primary.
 *
 * @since 0.2.0
 */
@AutoConfiguration(after = LiteFsNodeAutoConfiguration.class,
		beforeName = "org.springframework.boot.webmvc.autoconfigure.error.ErrorMvcAutoConfiguration")
@EnableConfigurationProperties({ LiteFsRoutingProperties.class, LiteFsHaltProperties.class })
@ConditionalOnBean(LiteFsNode.class)
public final class LiteFsRoutingAutoConfiguration {

	/** Before every filter that may read a request's body (Boot's form filter is at -9900). */
	static final int ROUTING_FILTER_ORDER = Ordered.HIGHEST_PRECEDENCE + 1000;

	/** Around @Transactional, so a replica refuses (or takes the HALT lock) before a transaction begins. */
	static final int ENSURE_PRIMARY_ORDER = Ordered.HIGHEST_PRECEDENCE + 100;

	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	@ConditionalOnMissingBean(name = "ensurePrimaryAdvisor")
	static Advisor ensurePrimaryAdvisor(ObjectProvider<LiteFsNode> node, ObjectProvider<LiteFsHaltProperties> properties,
			ObjectProvider<LiteFsHalt> halt) {
		DefaultPointcutAdvisor advisor = new DefaultPointcutAdvisor(EnsurePrimaryMethodInterceptor.pointcut(),
				new EnsurePrimaryMethodInterceptor(node::getObject,
						() -> properties.getObject().isEnsurePrimaryOutsideRequests()
								? Optional.ofNullable(halt.getIfAvailable()) : Optional.empty()));
		advisor.setOrder(ENSURE_PRIMARY_ORDER);
		return advisor;
	}

	/**
	 * The title and detail of the starter's answers to a browser in the application's
	 * error view; backs off, like Boot's own, when the application has its own
	 * {@link ErrorAttributes} (its error view then gets the detail as {@code message}).
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
	@ConditionalOnClass({ DispatcherServlet.class, ErrorAttributes.class })
	static class ErrorPageConfiguration {

		@Bean
		@ConditionalOnMissingBean(value = ErrorAttributes.class, search = SearchStrategy.CURRENT)
		ProblemErrorAttributes errorAttributes() {
			return new ProblemErrorAttributes();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
	@ConditionalOnClass(DispatcherServlet.class)
	static class WebRoutingConfiguration {

		/** The strategies the starter brings, by name. */
		static final List<String> BUILT_IN = List.of(RoutingStrategy.FLY_REPLAY, RoutingStrategy.FORWARD,
				RoutingStrategy.REDIRECT, RoutingStrategy.REJECT);

		@Bean
		@ConditionalOnMissingBean
		PrimaryRouter primaryRouter(LiteFsRoutingProperties routing, Environment environment,
				ObjectProvider<RoutingStrategy> strategies, ObjectProvider<PrimaryForwarder> forwarder,
				ObjectProvider<ObservationRegistry> observations) {
			String name = routing.getStrategy().trim().toLowerCase(Locale.ROOT);
			if (LiteFsRoutingProperties.AUTO_STRATEGY.equals(name)) {
				String flyAppName = environment.getProperty("FLY_APP_NAME");
				name = (flyAppName != null && !flyAppName.isBlank()) ? RoutingStrategy.FLY_REPLAY
						: RoutingStrategy.FORWARD;
			}
			String wanted = name;
			// the application's own strategy of that name replaces the starter's
			RoutingStrategy strategy = strategies.orderedStream()
				.filter((candidate) -> wanted.equals(candidate.name()))
				.findFirst()
				.orElseGet(() -> builtIn(wanted, routing, forwarder, strategies));
			return new PrimaryRouter(strategy, new LocalPort(environment), routing.getRetryAfter(),
					observations.getIfAvailable(() -> ObservationRegistry.NOOP));
		}

		private static RoutingStrategy builtIn(String name, LiteFsRoutingProperties routing,
				ObjectProvider<PrimaryForwarder> forwarder, ObjectProvider<RoutingStrategy> strategies) {
			return switch (name) {
				case RoutingStrategy.FLY_REPLAY -> new FlyReplayStrategy(routing.getFlyReplay().getTimeout(),
						routing.getFlyReplay().getFallback());
				// a forwarder is always there: on Spring Boot's HTTP client support, else on the JDK's client
				case RoutingStrategy.FORWARD -> new ForwardStrategy(forwarder.getObject(),
						new PrimaryUrlTemplate(routing.getForward().getUrlTemplate()));
				case RoutingStrategy.REDIRECT -> new RedirectStrategy(new PrimaryUrlTemplate(routing.getRedirect().getUrlTemplate()));
				case RoutingStrategy.REJECT -> new RejectStrategy();
				default -> {
					Set<String> known = new TreeSet<>(BUILT_IN);
					known.add(LiteFsRoutingProperties.AUTO_STRATEGY);
					strategies.orderedStream().forEach((strategy) -> known.add(strategy.name()));
					throw new InvalidConfigurationPropertyValueException("litefs.routing.strategy", name,
							"No routing strategy is named '" + name + "'; the known ones are " + known
									+ " (a RoutingStrategy bean adds its name)");
				}
			};
		}

		@Bean
		@ConditionalOnMissingBean
		PrimaryRoutingFilter primaryRoutingFilter(LiteFsNode node, PrimaryRouter router,
				LiteFsRoutingProperties routing, ObjectProvider<HandlerMappingIntrospector> introspector) {
			return new PrimaryRoutingFilter(node, router, methods(routing.getMethods()),
					new RequestPathPatterns(routing.getExclude()), introspector.getIfAvailable());
		}

		/** The methods, upper case. */
		private static Set<String> methods(Set<String> methods) {
			Set<String> normalized = new LinkedHashSet<>();
			for (String method : methods) {
				normalized.add(method.trim().toUpperCase(Locale.ROOT));
			}
			return normalized;
		}

		/**
		 * Registered by its bean's name, whichever bean it is (the starter's or the
		 * application's): the filter, the node and the router are created with the other
		 * beans, not while the server starts (whose threads would then hold on to the web
		 * application's class loader).
		 */
		@Bean
		@ConditionalOnMissingBean(name = "primaryRoutingFilterRegistration")
		DelegatingFilterProxyRegistrationBean primaryRoutingFilterRegistration(ListableBeanFactory beans) {
			DelegatingFilterProxyRegistrationBean registration = new DelegatingFilterProxyRegistrationBean(
					beans.getBeanNamesForType(PrimaryRoutingFilter.class, false, false)[0]);
			registration.setOrder(ROUTING_FILTER_ORDER);
			registration.setDispatcherTypes(EnumSet.of(DispatcherType.REQUEST));
			return registration;
		}

		@Bean
		@ConditionalOnMissingBean
		NotPrimaryExceptionResolver notPrimaryExceptionResolver(LiteFsNode node, PrimaryRouter router) {
			return new NotPrimaryExceptionResolver(node, router);
		}

		@Bean
		@ConditionalOnMissingBean
		HaltFailureExceptionResolver haltFailureExceptionResolver(LiteFsNode node, PrimaryRouter router) {
			return new HaltFailureExceptionResolver(node.hostname(), router.retryAfter());
		}

		@Bean
		@ConditionalOnMissingBean
		DatabaseFaultExceptionResolver databaseFaultExceptionResolver(LiteFsNode node, PrimaryRouter router) {
			return new DatabaseFaultExceptionResolver(node, router.retryAfter());
		}

		@Bean
		@ConditionalOnMissingBean
		DatabaseLossMark databaseLossMark(LiteFsNode node) {
			return new DatabaseLossMark(node);
		}

		/** Replaceable by name, as a configurer of Spring MVC has no type of its own. */
		@Bean
		@ConditionalOnMissingBean(name = "databaseLossMarkWebMvcConfigurer")
		WebMvcConfigurer databaseLossMarkWebMvcConfigurer(DatabaseLossMark mark) {
			return new WebMvcConfigurer() {

				@Override
				public void addInterceptors(InterceptorRegistry registry) {
					registry.addInterceptor(mark).order(Ordered.HIGHEST_PRECEDENCE);
				}

			};
		}

		/**
		 * The forwarder, with the {@code litefs.routing.forward} bounds, on the given client.
		 */
		static PrimaryForwarder forwarder(LiteFsNode node, LiteFsRoutingProperties routing, Environment environment,
				ForwardingClient client) {
			LiteFsRoutingProperties.Forward forward = routing.getForward();
			return new PrimaryForwarder(node.hostname(), client, forward.getConnectTimeout(),
					forward.getResponseTimeout(), forward.getMaxBodySize(), maxHttpRequestHeaderSize(environment));
		}

		/** The forward strategy's client, with Spring Boot's HTTP client support. */
		@Configuration(proxyBeanMethods = false)
		@ConditionalOnClass(ClientHttpRequestFactoryBuilder.class)
		static class SpringBootClientForwarderConfiguration {

			/**
			 * The forwarder, on the request factory and the {@code spring.http.clients.*}
			 * settings of Spring Boot's HTTP client auto-configuration (else those Spring
			 * Boot detects, and its defaults), with the {@code litefs.routing.forward}
			 * timeouts.
			 */
			@Bean
			@ConditionalOnMissingBean
			PrimaryForwarder primaryForwarder(LiteFsNode node, LiteFsRoutingProperties routing, Environment environment,
					ObjectProvider<ClientHttpRequestFactoryBuilder<?>> requestFactory,
					ObjectProvider<HttpClientSettings> settings, ObjectProvider<ObservationRegistry> observations,
					ObjectProvider<PrimaryForwarderCustomizer> customizers) {
				LiteFsRoutingProperties.Forward forward = routing.getForward();
				return forwarder(node, routing, environment,
						new ForwardingClient(requestFactory.getIfAvailable(ClientHttpRequestFactoryBuilder::detect),
								settings.getIfAvailable(HttpClientSettings::defaults), forward.getConnectTimeout(),
								forward.getResponseTimeout(), observations.getIfAvailable(() -> ObservationRegistry.NOOP),
								customizers.orderedStream().toList()));
			}

		}

		/**
		 * The forward strategy's client without Spring Boot's HTTP client support (an
		 * application that gave {@code spring-boot-starter-restclient} the test scope): the
		 * JDK's {@code HttpClient}, which needs nothing but Spring's web module and the JDK.
		 */
		@Configuration(proxyBeanMethods = false)
		@ConditionalOnMissingClass("org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder")
		static class JdkClientForwarderConfiguration {

			/** The forwarder, on the JDK's {@code HttpClient}, with the {@code litefs.routing.forward} timeouts. */
			@Bean
			@ConditionalOnMissingBean
			PrimaryForwarder primaryForwarder(LiteFsNode node, LiteFsRoutingProperties routing, Environment environment,
					ObjectProvider<ObservationRegistry> observations,
					ObjectProvider<PrimaryForwarderCustomizer> customizers) {
				LiteFsRoutingProperties.Forward forward = routing.getForward();
				return forwarder(node, routing, environment,
						new ForwardingClient(forward.getConnectTimeout(), forward.getResponseTimeout(),
								observations.getIfAvailable(() -> ObservationRegistry.NOOP),
								customizers.orderedStream().toList()));
			}

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
