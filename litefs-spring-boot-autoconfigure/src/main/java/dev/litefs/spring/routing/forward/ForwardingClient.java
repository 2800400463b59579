package dev.litefs.spring.routing.forward;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;

import io.micrometer.observation.ObservationRegistry;
import org.apache.hc.core5.util.Timeout;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.boot.http.client.HttpCookieHandling;
import org.springframework.boot.http.client.HttpRedirects;
import org.springframework.boot.http.client.JdkClientHttpRequestFactoryBuilder;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.util.ClassUtils;
import org.springframework.web.client.RestClient;

/**
 * The {@link PrimaryForwarder}'s client, built on first use: Spring's {@link RestClient},
 * set as a proxy's client (no redirects followed, no cookies kept, no decompression: the
 * primary's answer is passed on as it is), on one of two request factories:
 * <ul>
 * <li>Spring Boot's, when the application has Spring Boot's HTTP client support
 * ({@code spring-boot-http-client}): the factory its
 * {@code ClientHttpRequestFactoryBuilder} bean builds (which honours
 * {@code spring.http.clients.imperative.factory}), else
 * {@link ClientHttpRequestFactoryBuilder#detect()}, with Spring Boot's
 * {@code spring.http.clients.*} settings (an SSL bundle, for one) but the forwarder's own
 * timeouts;</li>
 * <li>else the JDK's {@code HttpClient} on Spring's {@link JdkClientHttpRequestFactory},
 * which needs nothing but Spring's web module and the JDK.</li>
 * </ul>
 * With the JDK's {@code HttpClient} (HTTP/1.1, which reuses its connections) the response
 * timeout bounds the whole answer (Spring closes its stream when it is over); with the
 * others it bounds each read.
 *
 * @since 0.2.0
 */
public final class ForwardingClient implements Supplier<RestClient>, AutoCloseable {

	/** Builds the request factory, given the source of the threads a JDK client runs on. */
	private final Function<Supplier<Executor>, ClientHttpRequestFactory> requestFactory;

	private final ObservationRegistry observations;

	private final List<PrimaryForwarderCustomizer> customizers;

	/**
	 * The JDK {@code HttpClient}'s threads, and those that write request bodies to it
	 * (without an executor, Spring's JDK request factory starts a thread for every
	 * body), when that client is chosen.
	 */
	private @Nullable ExecutorService executor;

	/**
	 * Creates the client's supplier on the JDK's {@code HttpClient}, without Spring Boot's
	 * HTTP client support.
	 * @param connectTimeout the bound on connecting to the primary
	 * @param responseTimeout the bound on the primary's answer
	 * @param observations where each exchange is observed
	 * @param customizers applied, in order, to the client's builder
	 */
	public ForwardingClient(Duration connectTimeout, Duration responseTimeout, ObservationRegistry observations,
			List<PrimaryForwarderCustomizer> customizers) {
		this((threads) -> jdk(threads.get(), connectTimeout, responseTimeout), observations, customizers);
	}

	/**
	 * Creates the client's supplier on Spring Boot's HTTP client support.
	 * @param requestFactory Spring Boot's choice of request factory
	 * @param settings Spring Boot's settings of HTTP clients, of which the timeouts,
	 * redirects and cookie handling are replaced
	 * @param connectTimeout the bound on connecting to the primary
	 * @param responseTimeout the bound on the primary's answer
	 * @param observations where each exchange is observed
	 * @param customizers applied, in order, to the client's builder
	 */
	public ForwardingClient(ClientHttpRequestFactoryBuilder<?> requestFactory, HttpClientSettings settings,
			Duration connectTimeout, Duration responseTimeout, ObservationRegistry observations,
			List<PrimaryForwarderCustomizer> customizers) {
		this(SpringBootRequestFactory.of(requestFactory, settings, connectTimeout, responseTimeout), observations,
				customizers);
	}

	private ForwardingClient(Function<Supplier<Executor>, ClientHttpRequestFactory> requestFactory,
			ObservationRegistry observations, List<PrimaryForwarderCustomizer> customizers) {
		this.requestFactory = requestFactory;
		this.observations = observations;
		this.customizers = List.copyOf(customizers);
	}

	@Override
	public synchronized RestClient get() {
		RestClient.Builder builder = RestClient.builder()
			.requestFactory(this.requestFactory.apply(this::threads))
			.observationRegistry(this.observations);
		this.customizers.forEach((customizer) -> customizer.customize(builder));
		return builder.build();
	}

	private synchronized ExecutorService threads() {
		if (this.executor == null) {
			AtomicInteger count = new AtomicInteger();
			this.executor = Executors.newCachedThreadPool((task) -> {
				Thread thread = new Thread(task, "litefs-forward-" + count.incrementAndGet());
				thread.setDaemon(true);
				return thread;
			});
		}
		return this.executor;
	}

	/**
	 * The JDK's {@code HttpClient} as a proxy's client, on Spring's request factory alone:
	 * HTTP/1.1, no redirects, no cookie handler, no compression asked for.
	 */
	private static ClientHttpRequestFactory jdk(Executor threads, Duration connectTimeout, Duration responseTimeout) {
		HttpClient client = HttpClient.newBuilder()
			.version(HttpClient.Version.HTTP_1_1)
			.followRedirects(HttpClient.Redirect.NEVER)
			.connectTimeout(connectTimeout)
			.executor(threads)
			.build();
		JdkClientHttpRequestFactory factory = new JdkClientHttpRequestFactory(client);
		factory.setReadTimeout(responseTimeout);
		factory.enableCompression(false);
		return factory;
	}

	@Override
	public synchronized void close() {
		if (this.executor != null) {
			this.executor.shutdownNow();
		}
	}

	/**
	 * Spring Boot's request factory as a proxy's (a class of its own, loaded only when
	 * Spring Boot's HTTP client support is used).
	 */
	private static final class SpringBootRequestFactory {

		private static final boolean HTTP_COMPONENTS_PRESENT = ClassUtils.isPresent(
				"org.apache.hc.client5.http.impl.classic.HttpClients", ForwardingClient.class.getClassLoader());

		static Function<Supplier<Executor>, ClientHttpRequestFactory> of(ClientHttpRequestFactoryBuilder<?> chosen,
				HttpClientSettings settings, Duration connectTimeout, Duration responseTimeout) {
			HttpClientSettings proxySettings = settings.withRedirects(HttpRedirects.DONT_FOLLOW)
				// one client serves every user: a cookie the primary sets is the user's, passed back
				.withCookieHandling(HttpCookieHandling.DISABLE)
				.withTimeouts(connectTimeout, responseTimeout);
			return (threads) -> asProxy(chosen, threads, connectTimeout).build(proxySettings);
		}

		/** The request factory, set to pass the primary's bytes on as they are and send each request once. */
		private static ClientHttpRequestFactoryBuilder<?> asProxy(ClientHttpRequestFactoryBuilder<?> chosen,
				Supplier<Executor> threads, Duration connectTimeout) {
			if (chosen instanceof JdkClientHttpRequestFactoryBuilder jdk) {
				return jdk.withExecutor(threads.get())
					.withHttpClientCustomizer((client) -> client.version(HttpClient.Version.HTTP_1_1))
					.withCustomizer((factory) -> factory.enableCompression(false));
			}
			if (HTTP_COMPONENTS_PRESENT) {
				return HttpComponentsForwarding.asProxy(chosen, connectTimeout);
			}
			// HttpURLConnection neither asks for compression nor decompresses; Jetty's and Reactor
			// Netty's clients are taken as Spring Boot sets them
			return chosen;
		}

	}

	/** Apache HttpClient as a proxy's client (a class of its own, loaded only when that client is present). */
	private static final class HttpComponentsForwarding {

		static ClientHttpRequestFactoryBuilder<?> asProxy(ClientHttpRequestFactoryBuilder<?> chosen,
				Duration connectTimeout) {
			if (!(chosen instanceof org.springframework.boot.http.client.HttpComponentsClientHttpRequestFactoryBuilder apache)) {
				return chosen;
			}
			return apache
				// a forwarded request is sent once (the primary may have written before a
				// failure, or answered 503 with Retry-After to the client, not to us), and
				// the primary's bytes are passed on as they are, compressed or not
				.withHttpClientCustomizer((client) -> client.disableAutomaticRetries().disableContentCompression())
				// no cap of its own, as the JDK's client: the server's request threads bound
				// how many requests are forwarded at once, and none waits for a connection
				// longer than it may take to connect
				.withConnectionManagerCustomizer(
						(pool) -> pool.setMaxConnPerRoute(Integer.MAX_VALUE).setMaxConnTotal(Integer.MAX_VALUE))
				.withDefaultRequestConfigCustomizer(
						(request) -> request.setConnectionRequestTimeout(Timeout.of(connectTimeout)));
		}

	}

}
