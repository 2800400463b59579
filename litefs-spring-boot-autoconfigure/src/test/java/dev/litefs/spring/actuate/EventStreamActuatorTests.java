package dev.litefs.spring.actuate;

import java.nio.file.Path;
import java.time.Duration;

import dev.litefs.spring.test.FakeLiteFsApi;
import dev.litefs.spring.test.FakeLiteFsMount;
import dev.litefs.spring.testapp.TestNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The event stream in {@code /actuator/litefs} and in the {@code litefs} health
 * component, over HTTP, with a fake LiteFS API on loopback.
 */
class EventStreamActuatorTests {

	private static final JsonMapper json = new JsonMapper();

	@Test
	void theEndpointShowsTheStreamAndFreshValuesAndHealthReportsAStreamDownWhileTheApiAnswers(@TempDir Path dir) {
		FakeLiteFsMount mount = FakeLiteFsMount.replicaOf(dir, "node-a").txid(5);
		try (FakeLiteFsApi api = FakeLiteFsApi.start(false);
				TestNode node = TestNode.start(mount, "node-b", "litefs.api-url=" + api.url(),
						"litefs.poll-interval=1h", "management.endpoints.web.exposure.include=health,litefs",
						"management.endpoint.health.show-details=always")) {
			await().atMost(Duration.ofSeconds(10)).until(() -> litefs(node).path("events").path("connected").asBoolean());
			JsonNode events = litefs(node).get("events");
			assertThat(events.get("url").asString()).isEqualTo(api.url() + "/events");
			assertThat(events.get("eventsSeen").asLong()).isPositive();
			assertThat(events.get("fallbackActive").asBoolean()).isFalse();
			assertThat(events.get("connectedSince").isString()).isTrue();
			assertThat(health(node).get("events").asString()).isEqualTo("connected");

			// no event, no poll for an hour: the endpoint reads the mount for the call
			mount.txid(8);
			assertThat(litefs(node).get("txid").asString()).isEqualTo("0000000000000008");

			api.refuseEvents();

			await().atMost(Duration.ofSeconds(10))
				.until(() -> litefs(node).get("events").get("fallbackActive").asBoolean());
			assertThat(litefs(node).get("events").get("lastError").asString()).contains("503");
			await().atMost(Duration.ofSeconds(10)).until(() -> litefs(node).get("events").get("reconnects").asLong() > 0);
			JsonNode health = health(node);
			assertThat(health.get("events").asString()).startsWith("down while LiteFS's API answers");
			assertThat(litefs(node).get("api").get("answered").asBoolean()).isTrue();
		}
	}

	@Test
	void theEndpointShowsAStreamWhoseLineNeverEndsAsDownAndWhy(@TempDir Path dir) {
		FakeLiteFsMount mount = FakeLiteFsMount.replicaOf(dir, "node-a").txid(5);
		try (FakeLiteFsApi api = FakeLiteFsApi.start(false);
				TestNode node = TestNode.start(mount, "node-b", "litefs.api-url=" + api.url(),
						"litefs.poll-interval=1h", "management.endpoints.web.exposure.include=litefs")) {
			await().atMost(Duration.ofSeconds(10)).until(() -> litefs(node).path("events").path("connected").asBoolean());

			api.sendEndlessLines();
			api.endStreams();

			// before: "connected" for good, while the thread buffered the line until it ran out of memory
			await().atMost(Duration.ofSeconds(10))
				.until(() -> litefs(node).get("events").path("lastError").asString("").contains("a line longer than 64 KiB"));
			JsonNode events = litefs(node).get("events");
			assertThat(events.get("connected").asBoolean()).isFalse();
			assertThat(events.get("fallbackActive").asBoolean()).isTrue();
			assertThat(events.path("connectedSince").isString()).isFalse();
			await().atMost(Duration.ofSeconds(10)).until(() -> litefs(node).get("events").get("reconnects").asLong() >= 2);
			assertThat(litefs(node).get("role").asString()).isEqualTo("replica");
		}
	}

	private static JsonNode litefs(TestNode node) {
		return json.readTree(node.get("/actuator/litefs").body());
	}

	private static JsonNode health(TestNode node) {
		return json.readTree(node.get("/actuator/health/litefs").body()).get("details");
	}

}
