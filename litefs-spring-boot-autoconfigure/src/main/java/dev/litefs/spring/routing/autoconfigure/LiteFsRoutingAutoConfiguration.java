package dev.litefs.spring.routing.autoconfigure;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import dev.litefs.spring.halt.LiteFsHalt;
import dev.litefs.spring.halt.autoconfigure.LiteFsHaltProperties;
import dev.litefs.spring.internal.RequestPathPatterns;
import dev.litefs.spring.node.LiteFsNode;
import dev.litefs.spring.node.autoconfigure.LiteFsNodeAutoConfiguration;
import dev.litefs.spring.routing.EnsurePrimary;
import dev.litefs.spring.routing.EnsurePrimaryInterceptor;
import dev.litefs.spring.routing.EnsurePrimaryMethodInterceptor;
import dev.litefs.spring.routing.FlyReplayStrategy;
import dev.litefs.spring.routing.ForwardStrategy;
import dev.litefs.spring.routing.NotPrimaryExceptionResolver;
import dev.litefs.spring.routing.PrimaryForwarder;
import dev.litefs.spring.routing.PrimaryForwarderCustomizer;
import dev.litefs.spring.routing.PrimaryRouter;
import dev.litefs.spring.routing.PrimaryRoutingFilter;
import dev.litefs.spring.routing.PrimaryUrlTemplate;
import dev.litefs.spring.routing.RedirectStrategy;
import dev.litefs.spring.routing.RejectStrategy;
import dev.litefs.spring.routing.RoutingListener;
import dev.litefs.spring.routing.RoutingStrategy;
import io.micrometer.observation.ObservationRegistry;
import jakarta.servlet.DispatcherType;
import org.apache.hc.core5.util.Timeout;
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
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.boot.http.client.HttpCookieHandling;
import org.springframework.boot.http.client.HttpRedirects;
import org.springframework.boot.web.servlet.DelegatingFilterProxyRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Role;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;
import org.springframework.util.unit.DataSize;
import org.springframework.web.client.RestClient;
import org.springframework.web.servlet.DispatcherServlet;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Auto-configuration of {@link EnsurePrimary}: the advice on any Spring bean, and in a
 * Spring MVC application the routing of requests that must run on the primary.
 *
 * @since 0.2.0
 */
@AutoConfiguration(after = LiteFsNodeAutoConfiguration.class)
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
				ObjectProvider<RoutingListener> listeners, ObjectProvider<ObservationRegistry> observations) {
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
					listeners.orderedStream().toList(), observations.getIfAvailable(() -> ObservationRegistry.NOOP));
		}

		private static RoutingStrategy builtIn(String name, LiteFsRoutingProperties routing,
				ObjectProvider<PrimaryForwarder> forwarder, ObjectProvider<RoutingStrategy> strategies) {
			return switch (name) {
				case RoutingStrategy.FLY_REPLAY -> new FlyReplayStrategy(routing.getFlyReplay().getTimeout(),
						routing.getFlyReplay().getFallback());
				case RoutingStrategy.FORWARD -> new ForwardStrategy(forwarder.getIfAvailable(() -> {
					throw new InvalidConfigurationPropertyValueException("litefs.routing.strategy", name,
							"The forward strategy needs Spring Boot's HTTP client support (spring-boot-http-client, "
									+ "which the starter brings) or a PrimaryForwarder bean");
				}), new PrimaryUrlTemplate(routing.getForward().getUrlTemplate()));
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
				LiteFsRoutingProperties routing) {
			return new PrimaryRoutingFilter(node, router, methods(routing.getMethods()),
					new RequestPathPatterns(routing.getExclude()));
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
		EnsurePrimaryInterceptor ensurePrimaryInterceptor(LiteFsNode node, PrimaryRouter router) {
			return new EnsurePrimaryInterceptor(node, router);
		}

		/** Replaceable by name, as a configurer of Spring MVC has no type of its own. */
		@Bean
		@ConditionalOnMissingBean(name = "ensurePrimaryWebMvcConfigurer")
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

		/** The forward strategy's client, with Spring Boot's HTTP client support. */
		@Configuration(proxyBeanMethods = false)
		@ConditionalOnClass(ClientHttpRequestFactoryBuilder.class)
		static class ForwarderConfiguration {

			/** The request factories Spring Boot builds, as its property names them (dashes aside). */
			private static final List<String> FACTORIES = List.of("httpcomponents", "jetty", "reactor", "jdk",
					"simple");

			@Bean
			@ConditionalOnMissingBean
			PrimaryForwarder primaryForwarder(LiteFsNode node, LiteFsRoutingProperties routing, Environment environment,
					ObjectProvider<ObservationRegistry> observations,
					ObjectProvider<PrimaryForwarderCustomizer> customizers) {
				LiteFsRoutingProperties.Forward forward = routing.getForward();
				return new PrimaryForwarder(node.hostname(),
						new ForwardingClient(forward, requestFactory(environment),
								observations.getIfAvailable(() -> ObservationRegistry.NOOP),
								customizers.orderedStream().toList()),
						forward.getConnectTimeout(), forward.getResponseTimeout(), forward.getMaxBodySize(),
						maxHttpRequestHeaderSize(environment));
			}

			/**
			 * The request factory Spring Boot's {@value ForwardingClient#FACTORY_PROPERTY}
			 * names, if set: {@code http-components}, {@code jetty}, {@code reactor},
			 * {@code jdk} or {@code simple}, read leniently as Spring Boot reads an enum.
			 */
			private static @Nullable String requestFactory(Environment environment) {
				String factory = environment.getProperty(ForwardingClient.FACTORY_PROPERTY);
				if (factory == null || factory.isBlank()) {
					return null;
				}
				String name = factory.replaceAll("[-_\\s]", "").toLowerCase(Locale.ROOT);
				if (!FACTORIES.contains(name)) {
					throw new InvalidConfigurationPropertyValueException(ForwardingClient.FACTORY_PROPERTY, factory,
							"The forward strategy's client must be one of " + FACTORIES);
				}
				return name;
			}

			/**
			 * The forward strategy's client, built on first use: Spring's {@link RestClient}
			 * on the request factory Spring Boot's {@code spring.http.clients.imperative.factory}
			 * names, else on the first the application has of Apache HttpClient, Jetty's and
			 * Reactor Netty's clients (Spring Boot's own order), else on the JDK's
			 * {@code HttpClient} (HTTP/1.1, which reuses its connections), built by Spring
			 * Boot's {@link ClientHttpRequestFactoryBuilder} with the
			 * {@code litefs.routing.forward} timeouts, no redirects followed, no cookies kept
			 * and no decompression. With the JDK's {@code HttpClient} the response timeout
			 * bounds the whole answer (Spring closes its stream when it is over); with the
			 * others it bounds each read.
			 */
			static final class ForwardingClient implements Supplier<RestClient>, AutoCloseable {

				/** Spring Boot's choice of request factory, which the forwarder honours. */
				static final String FACTORY_PROPERTY = "spring.http.clients.imperative.factory";

				private final LiteFsRoutingProperties.Forward forward;

				private final @Nullable String factory;

				private final ObservationRegistry observations;

				private final List<PrimaryForwarderCustomizer> customizers;

				/**
				 * The JDK {@code HttpClient}'s threads, and those that write request bodies
				 * to it (without an executor, Spring's JDK request factory starts a thread
				 * for every body), when that client is chosen.
				 */
				private @Nullable ExecutorService executor;

				ForwardingClient(LiteFsRoutingProperties.Forward forward, @Nullable String factory,
						ObservationRegistry observations, List<PrimaryForwarderCustomizer> customizers) {
					this.forward = forward;
					this.factory = factory;
					this.observations = observations;
					this.customizers = customizers;
				}

				@Override
				public synchronized RestClient get() {
					HttpClientSettings settings = HttpClientSettings.defaults()
						.withRedirects(HttpRedirects.DONT_FOLLOW)
						// one client serves every user: a cookie the primary sets is the user's, passed back
						.withCookieHandling(HttpCookieHandling.DISABLE)
						.withTimeouts(this.forward.getConnectTimeout(), this.forward.getResponseTimeout());
					RestClient.Builder builder = RestClient.builder()
						.requestFactory(requestFactoryBuilder().build(settings))
						.observationRegistry(this.observations);
					this.customizers.forEach((customizer) -> customizer.customize(builder));
					return builder.build();
				}

				private ClientHttpRequestFactoryBuilder<?> requestFactoryBuilder() {
					String chosen = (this.factory != null) ? this.factory : detected();
					return switch (chosen) {
						case "httpcomponents" -> HttpComponentsForwarding.builder(this.forward.getConnectTimeout());
						case "jetty" -> ClientHttpRequestFactoryBuilder.jetty();
						case "reactor" -> ClientHttpRequestFactoryBuilder.reactor();
						// HttpURLConnection neither asks for compression nor decompresses
						case "simple" -> ClientHttpRequestFactoryBuilder.simple();
						default -> jdk();
					};
				}

				private static String detected() {
					ClassLoader classLoader = ForwarderConfiguration.class.getClassLoader();
					if (ClassUtils.isPresent("org.apache.hc.client5.http.impl.classic.HttpClients", classLoader)) {
						return "httpcomponents";
					}
					if (ClassUtils.isPresent("org.eclipse.jetty.client.HttpClient", classLoader)) {
						return "jetty";
					}
					if (ClassUtils.isPresent("reactor.netty.http.client.HttpClient", classLoader)) {
						return "reactor";
					}
					return "jdk";
				}

				private ClientHttpRequestFactoryBuilder<?> jdk() {
					AtomicInteger count = new AtomicInteger();
					this.executor = Executors.newCachedThreadPool((task) -> {
						Thread thread = new Thread(task, "litefs-forward-" + count.incrementAndGet());
						thread.setDaemon(true);
						return thread;
					});
					return ClientHttpRequestFactoryBuilder.jdk()
						.withExecutor(this.executor)
						.withHttpClientCustomizer((client) -> client.version(HttpClient.Version.HTTP_1_1))
						// a proxy passes the primary's bytes on as they are, compressed or not
						.withCustomizer((factory) -> factory.enableCompression(false));
				}

				/**
				 * Apache HttpClient as a proxy's client (a class of its own, loaded only when
				 * that client is chosen).
				 */
				private static final class HttpComponentsForwarding {

					static ClientHttpRequestFactoryBuilder<?> builder(Duration connectTimeout) {
						return ClientHttpRequestFactoryBuilder.httpComponents()
							// a forwarded request is sent once (the primary may have written before a
							// failure, or answered 503 with Retry-After to the client, not to us), and
							// the primary's bytes are passed on as they are, compressed or not
							.withHttpClientCustomizer((client) -> client.disableAutomaticRetries()
								.disableContentCompression())
							// no cap of its own, as the JDK's client: the server's request threads bound
							// how many requests are forwarded at once, and none waits for a connection
							// longer than it may take to connect
							.withConnectionManagerCustomizer(
									(pool) -> pool.setMaxConnPerRoute(Integer.MAX_VALUE).setMaxConnTotal(Integer.MAX_VALUE))
							.withDefaultRequestConfigCustomizer(
									(request) -> request.setConnectionRequestTimeout(Timeout.of(connectTimeout)));
					}

				}

				@Override
				public synchronized void close() {
					if (this.executor != null) {
						this.executor.shutdownNow();
					}
				}

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
