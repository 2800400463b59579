package dev.litefs.spring.routing.forward;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.boot.http.client.HttpCookieHandling;
import org.springframework.boot.http.client.HttpRedirects;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslStoreBundle;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.mock.http.client.MockClientHttpRequest;
import org.springframework.mock.http.client.MockClientHttpResponse;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Unit tests of {@link ForwardingClient}: the client is built by Spring Boot's request
 * factory builder, with Spring Boot's settings but the forwarder's own timeouts, no
 * redirects and no cookies; without Spring Boot's HTTP client support, the JDK's client
 * is set the same way.
 */
class ForwardingClientTests {

	private final AtomicReference<HttpClientSettings> settings = new AtomicReference<>();

	private final List<MockClientHttpRequest> sent = new java.util.concurrent.CopyOnWriteArrayList<>();

	/** Spring Boot's choice, as an application's own builder bean would be. */
	private final ClientHttpRequestFactoryBuilder<ClientHttpRequestFactory> chosen = (settings) -> {
		this.settings.set(settings);
		return this::request;
	};

	@Test
	void springBootsSettingsAreKeptButTimeoutsRedirectsAndCookiesAreTheForwarders() {
		SslBundle bundle = SslBundle.of(SslStoreBundle.NONE);
		HttpClientSettings boots = HttpClientSettings.ofSslBundle(bundle)
			.withRedirects(HttpRedirects.FOLLOW)
			.withCookieHandling(HttpCookieHandling.ENABLE)
			.withTimeouts(Duration.ofMinutes(1), Duration.ofMinutes(2));
		try (ForwardingClient client = new ForwardingClient(this.chosen, boots, Duration.ofMillis(1500),
				Duration.ofSeconds(30), ObservationRegistry.NOOP, List.of())) {
			client.get();
		}
		HttpClientSettings used = this.settings.get();
		assertThat(used.sslBundle()).isSameAs(bundle);
		assertThat(used.redirects()).isEqualTo(HttpRedirects.DONT_FOLLOW);
		assertThat(used.cookieHandling()).isEqualTo(HttpCookieHandling.DISABLE);
		assertThat(used.connectTimeout()).isEqualTo(Duration.ofMillis(1500));
		assertThat(used.readTimeout()).isEqualTo(Duration.ofSeconds(30));
	}

	@Test
	void requestsGoThroughTheChosenFactoryWithTheCustomizersAndObservations() {
		ObservationRegistry observations = ObservationRegistry.create();
		AtomicInteger observed = new AtomicInteger();
		observations.observationConfig().observationHandler(new ObservationHandler<>() {

			@Override
			public void onStart(Observation.Context context) {
				observed.incrementAndGet();
			}

			@Override
			public boolean supportsContext(Observation.Context context) {
				return true;
			}

		});
		try (ForwardingClient client = new ForwardingClient(this.chosen, HttpClientSettings.defaults(),
				Duration.ofSeconds(1), Duration.ofSeconds(5), observations,
				List.of((builder) -> builder.defaultHeader("X-First", "1"),
						(builder) -> builder.defaultHeader("X-Second", "2")))) {
			client.get().post().uri("http://node-a:8080/posts").retrieve().toBodilessEntity();
		}
		assertThat(this.sent).singleElement().satisfies((request) -> {
			assertThat(request.getURI()).isEqualTo(URI.create("http://node-a:8080/posts"));
			assertThat(request.getHeaders().getFirst("X-First")).isEqualTo("1");
			assertThat(request.getHeaders().getFirst("X-Second")).isEqualTo("2");
		});
		assertThat(observed).hasPositiveValue();
	}

	/**
	 * The JDK's client, built by Spring Boot's builder or, without Spring Boot's HTTP client
	 * support, on Spring's request factory alone.
	 */
	static List<Named<Supplier<ForwardingClient>>> jdkClients() {
		return List.of(
				Named.of("Spring Boot's jdk builder",
						() -> new ForwardingClient(ClientHttpRequestFactoryBuilder.jdk(), HttpClientSettings.defaults(),
								Duration.ofSeconds(1), Duration.ofSeconds(5), ObservationRegistry.NOOP, List.of())),
				Named.of("without Spring Boot's HTTP client support", () -> new ForwardingClient(Duration.ofSeconds(1),
						Duration.ofSeconds(5), ObservationRegistry.NOOP, List.of())));
	}

	@ParameterizedTest
	@MethodSource("jdkClients")
	void theJdkClientRunsOnThreadsOfItsOwnThatStopWithIt(Supplier<ForwardingClient> jdkClient) throws Exception {
		HttpServer primary = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		primary.createContext("/", (exchange) -> {
			exchange.getRequestBody().readAllBytes();
			exchange.sendResponseHeaders(204, -1);
			exchange.close();
		});
		primary.start();
		// threads of other tests' clients may be about: only this client's count
		List<Thread> others = forwardThreads();
		try {
			ForwardingClient client = jdkClient.get();
			client.get()
				.post()
				.uri("http://" + primary.getAddress().getHostString() + ":" + primary.getAddress().getPort() + "/")
				.body("a body, written by a thread of the client's")
				.retrieve()
				.toBodilessEntity();
			List<Thread> own = forwardThreads().stream().filter((thread) -> !others.contains(thread)).toList();
			assertThat(own).isNotEmpty().allMatch(Thread::isDaemon);
			client.close();
			Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> own.stream().noneMatch(Thread::isAlive));
		}
		finally {
			primary.stop(0);
		}
	}

	/**
	 * As a proxy's client: HTTP/1.1, no compression asked for, the primary's redirect
	 * passed back rather than followed, and no cookie of one answer sent with a later request.
	 */
	@ParameterizedTest
	@MethodSource("jdkClients")
	void theJdkClientPassesTheAnswerOnAsItIs(Supplier<ForwardingClient> jdkClient) throws Exception {
		List<Headers> received = new java.util.concurrent.CopyOnWriteArrayList<>();
		HttpServer primary = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		primary.createContext("/", (exchange) -> {
			received.add(exchange.getRequestHeaders());
			exchange.getResponseHeaders().add("Location", "/elsewhere");
			exchange.getResponseHeaders().add("Set-Cookie", "session=one-users");
			exchange.sendResponseHeaders(302, -1);
			exchange.close();
		});
		primary.start();
		String url = "http://127.0.0.1:" + primary.getAddress().getPort() + "/posts";
		try (ForwardingClient client = jdkClient.get()) {
			RestClient rest = client.get();
			for (int i = 0; i < 2; i++) {
				ResponseEntity<Void> answer = rest.get().uri(url).retrieve().toBodilessEntity();
				assertThat(answer.getStatusCode()).isEqualTo(HttpStatus.FOUND);
				assertThat(answer.getHeaders().getFirst("Set-Cookie")).isEqualTo("session=one-users");
			}
		}
		finally {
			primary.stop(0);
		}
		// HTTP/2 over plain HTTP would be asked for with an Upgrade header
		assertThat(received).hasSize(2)
			.noneMatch((headers) -> headers.containsKey("Upgrade"))
			.noneMatch((headers) -> headers.containsKey("Accept-Encoding"));
		assertThat(received.get(1).containsKey("Cookie")).as("a cookie sent back").isFalse();
	}

	private static List<Thread> forwardThreads() {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter((thread) -> thread.getName().startsWith("litefs-forward-") && thread.isAlive())
			.toList();
	}

	private MockClientHttpRequest request(URI uri, HttpMethod method) {
		MockClientHttpRequest request = new MockClientHttpRequest(method, uri);
		request.setResponse(new MockClientHttpResponse(new byte[0], HttpStatus.OK));
		this.sent.add(request);
		return request;
	}

}
