package dev.litefs.spring.routing;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.litefs.spring.routing.forward.PrimaryForwarder;
import dev.litefs.spring.test.FakeLiteFsMount;
import dev.litefs.spring.testapp.TestNode;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.transport.SenderContext;
import org.awaitility.core.ThrowingRunnable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static io.micrometer.observation.tck.TestObservationRegistryAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The observations of routing, with Micrometer's {@link TestObservationRegistry} as the
 * application's registry: one per routed request (strategy, outcome), one per
 * read-your-writes wait (outcome, as long as the wait), and the forward hop as Spring's
 * client observation inside the routed one, which carries what a tracer propagates
 * (W3C {@code traceparent}) on to the primary.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RoutingObservationTests {

	/** What a tracer's W3C propagator would send for the current span. */
	static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

	private static final JsonMapper json = new JsonMapper();

	private FakeLiteFsMount replicaMount;

	private TestNode primary;

	private TestNode replica;

	private TestObservationRegistry observations;

	@BeforeAll
	void startNodes(@TempDir Path dir) {
		this.primary = TestNode.start(FakeLiteFsMount.primary(dir.resolve("a")), "node-a");
		this.replicaMount = FakeLiteFsMount.replicaOf(dir.resolve("b"), "localhost").txid(1);
		this.replica = TestNode.start(List.of(Observed.class), this.replicaMount, "node-b",
				"litefs.routing.strategy=forward",
				"litefs.routing.forward.url-template=http://{primary}:" + this.primary.port(),
				"litefs.consistency.timeout=2s");
		this.observations = this.replica.bean(TestObservationRegistry.class);
	}

	@AfterAll
	void stopNodes() {
		for (TestNode node : new TestNode[] { this.replica, this.primary }) {
			if (node != null) {
				node.close();
			}
		}
	}

	@BeforeEach
	void clear() {
		this.observations.clear();
	}

	@Test
	void aForwardedRequestIsObservedWithItsHopToThePrimaryInside() {
		HttpResponse<String> echo = this.replica.send(this.replica.request("/echo")
			.header("traceparent", "00-00000000000000000000000000000001-0000000000000001-01")
			.POST(HttpRequest.BodyPublishers.ofString("traced")));
		assertThat(echo.statusCode()).isEqualTo(200);
		// the hop carries the current trace, not the one the client sent the replica
		assertThat(json.readTree(echo.body()).get("traceparent").asString()).isEqualTo(TRACEPARENT);
		stopped(() -> assertThat(this.observations).hasNumberOfObservationsWithNameEqualTo(PrimaryRouter.OBSERVATION, 1)
				.hasObservationWithNameEqualTo(PrimaryRouter.OBSERVATION)
				.that()
				.hasLowCardinalityKeyValue("strategy", "forward")
				.hasLowCardinalityKeyValue("outcome", "forwarded")
				.hasBeenStarted()
				.hasBeenStopped());
		stopped(() -> assertThat(this.observations).hasObservationWithNameEqualTo("http.client.requests")
				.that()
				.hasLowCardinalityKeyValue("method", "POST")
				.hasLowCardinalityKeyValue("status", "200")
				.hasParentObservationContextSatisfying(
						(parent) -> assertThat(parent.getName()).isEqualTo(PrimaryRouter.OBSERVATION))
				.hasBeenStopped());
	}

	@Test
	void aRefusedRequestIsObservedWithItsOutcomeAndNoHop() {
		HttpResponse<String> loop = this.replica.send(this.replica.request("/posts")
			.header("Content-Type", "application/json")
			.header(PrimaryForwarder.HOP_HEADER, "node-x")
			.POST(HttpRequest.BodyPublishers.ofString("{\"title\":\"loop\"}")));
		assertThat(loop.statusCode()).isEqualTo(503);
		stopped(() -> assertThat(this.observations).hasObservationWithNameEqualTo(PrimaryRouter.OBSERVATION)
				.that()
				.hasLowCardinalityKeyValue("strategy", "forward")
				.hasLowCardinalityKeyValue("outcome", "loop")
				.hasBeenStopped());
		stopped(() -> assertThat(this.observations).hasNumberOfObservationsWithNameEqualTo("http.client.requests", 0));
	}

	@Test
	void aWaitThatCaughtUpIsObservedAsLongAsItWaited() throws Exception {
		CompletableFuture<HttpResponse<String>> read = this.replica
			.sendAsync(this.replica.request("/posts/count").header("Cookie", "__txid=0000000000000005").GET());
		Thread.sleep(300);
		assertThat(read).isNotDone();
		this.replicaMount.txid(5);
		assertThat(read.get().statusCode()).isEqualTo(200);
		stopped(() -> assertThat(this.observations).hasNumberOfObservationsWithNameEqualTo("litefs.consistency.wait", 1)
				.hasObservationWithNameEqualTo("litefs.consistency.wait")
				.that()
				.hasLowCardinalityKeyValue("outcome", "caught-up")
				.hasBeenStopped());
		// the timer Spring Boot makes of the observation holds the time the request waited
		stopped(() -> assertThat(this.replica.bean(MeterRegistry.class)
			.get("litefs.consistency.wait")
			.tag("outcome", "caught-up")
			.timer()
			.totalTime(TimeUnit.MILLISECONDS)).isGreaterThanOrEqualTo(200));
		stopped(() -> assertThat(this.observations).hasNumberOfObservationsWithNameEqualTo(PrimaryRouter.OBSERVATION, 0));
	}

	@Test
	void aWaitThatTimedOutIsObservedAndSoIsTheRoutingThatFollows() {
		HttpResponse<String> read = this.replica
			.send(this.replica.request("/posts/count").header("Cookie", "__txid=7fffffffffffffff").GET());
		assertThat(read.statusCode()).isEqualTo(200);
		stopped(() -> assertThat(this.observations).hasObservationWithNameEqualTo("litefs.consistency.wait")
				.that()
				.hasLowCardinalityKeyValue("outcome", "timed-out")
				.hasBeenStopped());
		stopped(() -> assertThat(this.observations).hasObservationWithNameEqualTo(PrimaryRouter.OBSERVATION)
				.that()
				.hasLowCardinalityKeyValue("outcome", "forwarded"));
	}

	/** Observations stop once the answer is written: a moment after the client has it. */
	private static void stopped(ThrowingRunnable assertion) {
		await().atMost(Duration.ofSeconds(10)).untilAsserted(assertion);
	}

	@Configuration(proxyBeanMethods = false)
	static class Observed {

		@Bean
		TestObservationRegistry observationRegistry() {
			return TestObservationRegistry.create();
		}

		/** Plays a tracer's propagator: it writes {@code traceparent} into what is sent. */
		@Bean
		ObservationHandler<SenderContext<Object>> traceparentPropagator() {
			return new ObservationHandler<>() {

				@Override
				public void onStart(SenderContext<Object> context) {
					context.getSetter().set(context.getCarrier(), "traceparent", TRACEPARENT);
				}

				@Override
				public boolean supportsContext(Observation.Context context) {
					return context instanceof SenderContext;
				}

			};
		}

	}

}
