package dev.litefs.spring.routing.forward;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import io.micrometer.observation.ObservationRegistry;
import org.apache.hc.core5.util.Timeout;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.boot.http.client.HttpCookieHandling;
import org.springframework.boot.http.client.HttpRedirects;
import org.springframework.boot.http.client.JdkClientHttpRequestFactoryBuilder;
import org.springframework.util.ClassUtils;
import org.springframework.web.client.RestClient;

/**
 * The {@link PrimaryForwarder}'s client, built on first use: Spring's {@link RestClient}
 * on the request factory Spring Boot chose (its {@code ClientHttpRequestFactoryBuilder}
 * bean, which honours {@code spring.http.clients.imperative.factory}, else
 * {@link ClientHttpRequestFactoryBuilder#detect()}), with Spring Boot's
 * {@code spring.http.clients.*} settings (an SSL bundle, for one) but the forwarder's
 * own timeouts, no redirects followed, no cookies kept and no decompression: a proxy
 * passes the primary's answer on as it is. With the JDK's {@code HttpClient} (HTTP/1.1,
 * which reuses its connections) the response timeout bounds the whole answer (Spring
 * closes its stream when it is over); with the others it bounds each read.
 *
 * @since 0.2.0
 */
public final class ForwardingClient implements Supplier<RestClient>, AutoCloseable {

	private static final boolean HTTP_COMPONENTS_PRESENT = ClassUtils.isPresent(
			"org.apache.hc.client5.http.impl.classic.HttpClients", ForwardingClient.class.getClassLoader());

	private final ClientHttpRequestFactoryBuilder<?> requestFactory;

	private final HttpClientSettings settings;

	private final Duration connectTimeout;

	private final ObservationRegistry observations;

	private final List<PrimaryForwarderCustomizer> customizers;

	/**
	 * The JDK {@code HttpClient}'s threads, and those that write request bodies to it
	 * (without an executor, Spring's JDK request factory starts a thread for every
	 * body), when that client is chosen.
	 */
	private @Nullable ExecutorService executor;

	/**
	 * Creates the client's supplier.
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
		this.requestFactory = requestFactory;
		this.settings = settings.withRedirects(HttpRedirects.DONT_FOLLOW)
			// one client serves every user: a cookie the primary sets is the user's, passed back
			.withCookieHandling(HttpCookieHandling.DISABLE)
			.withTimeouts(connectTimeout, responseTimeout);
		this.connectTimeout = connectTimeout;
		this.observations = observations;
		this.customizers = List.copyOf(customizers);
	}

	@Override
	public synchronized RestClient get() {
		RestClient.Builder builder = RestClient.builder()
			.requestFactory(asProxy(this.requestFactory).build(this.settings))
			.observationRegistry(this.observations);
		this.customizers.forEach((customizer) -> customizer.customize(builder));
		return builder.build();
	}

	/** The request factory, set to pass the primary's bytes on as they are and send each request once. */
	private ClientHttpRequestFactoryBuilder<?> asProxy(ClientHttpRequestFactoryBuilder<?> chosen) {
		if (chosen instanceof JdkClientHttpRequestFactoryBuilder jdk) {
			AtomicInteger count = new AtomicInteger();
			this.executor = Executors.newCachedThreadPool((task) -> {
				Thread thread = new Thread(task, "litefs-forward-" + count.incrementAndGet());
				thread.setDaemon(true);
				return thread;
			});
			return jdk.withExecutor(this.executor)
				.withHttpClientCustomizer((client) -> client.version(HttpClient.Version.HTTP_1_1))
				.withCustomizer((factory) -> factory.enableCompression(false));
		}
		if (HTTP_COMPONENTS_PRESENT) {
			return HttpComponentsForwarding.asProxy(chosen, this.connectTimeout);
		}
		// HttpURLConnection neither asks for compression nor decompresses; Jetty's and Reactor
		// Netty's clients are taken as Spring Boot sets them
		return chosen;
	}

	@Override
	public synchronized void close() {
		if (this.executor != null) {
			this.executor.shutdownNow();
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
