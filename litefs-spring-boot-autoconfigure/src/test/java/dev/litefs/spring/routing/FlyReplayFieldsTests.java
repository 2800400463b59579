package dev.litefs.spring.routing;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;

import dev.litefs.spring.test.FakeLiteFsMount;
import dev.litefs.spring.testapp.TestNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fields of Fly.io's {@code fly-replay} beyond {@code instance}, as Fly documents them
 * (fly.io/docs/networking/dynamic-request-routing): {@code timeout} and {@code fallback}
 * from {@code litefs.routing.fly-replay.*}, the {@code fly-replay-failed} request a
 * fallback brings back, and the replay of a request that upgrades its connection.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FlyReplayFieldsTests {

	private static final JsonMapper json = new JsonMapper();

	private TestNode withFallback;

	private TestNode withMillis;

	@BeforeAll
	void startNodes(@TempDir Path dir) {
		this.withFallback = TestNode.start(FakeLiteFsMount.replicaOf(dir.resolve("b"), "node-a"), "node-b",
				"litefs.routing.strategy=fly-replay", "litefs.routing.fly-replay.timeout=2s",
				"litefs.routing.fly-replay.fallback=force-self", "litefs.routing.retry-after=3s");
		this.withMillis = TestNode.start(FakeLiteFsMount.replicaOf(dir.resolve("c"), "node-a"), "node-c",
				"litefs.routing.strategy=fly-replay", "litefs.routing.fly-replay.timeout=800ms",
				"litefs.routing.fly-replay.fallback=prefer-self");
	}

	@AfterAll
	void stopNodes() {
		for (TestNode node : new TestNode[] { this.withFallback, this.withMillis }) {
			if (node != null) {
				node.close();
			}
		}
	}

	@Test
	void theReplayCarriesTheConfiguredTimeoutAndFallback() {
		HttpResponse<String> response = this.withFallback.postJson("/posts", "{\"title\":\"replayed\"}");
		assertThat(response.statusCode()).isEqualTo(409);
		assertThat(response.headers().allValues("fly-replay"))
			.containsExactly("instance=node-a;timeout=2s;fallback=force_self");
		HttpResponse<String> millis = this.withMillis.postJson("/posts", "{\"title\":\"replayed\"}");
		assertThat(millis.headers().allValues("fly-replay"))
			.containsExactly("instance=node-a;timeout=800ms;fallback=prefer_self");
		assertThat(this.withFallback.calls().of("create")).isZero();
	}

	@Test
	void aWriteSqliteRefusedKeepsItsStateBeforeTheOtherFields() {
		HttpResponse<String> response = this.withFallback.postJson("/posts/unannotated", "{\"title\":\"forgotten\"}");
		assertThat(response.statusCode()).isEqualTo(409);
		assertThat(response.headers().allValues("fly-replay"))
			.containsExactly("instance=node-a;state=litefs-refused-write;timeout=2s;fallback=force_self");
	}

	@Test
	void aRequestFlyCouldNotReplayComesBackAndGetsAProblemDetailNotAnotherReplay() {
		HttpResponse<String> response = this.withFallback.send(this.withFallback.request("/posts")
			.header("Content-Type", "application/json")
			.header("fly-replay-failed", "reason=timeout")
			.POST(HttpRequest.BodyPublishers.ofString("{\"title\":\"lost\"}")));
		assertThat(response.statusCode()).isEqualTo(503);
		assertThat(response.headers().firstValue("fly-replay")).isEmpty();
		assertThat(response.headers().firstValue("Retry-After")).hasValue("3");
		assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
		JsonNode problem = json.readTree(response.body());
		assertThat(problem.get("title").asString()).isEqualTo("Primary unreachable through Fly.io");
		assertThat(problem.get("primary").asString()).isEqualTo("node-a");
		assertThat(problem.get("flyReplayFailed").asString()).isEqualTo("reason=timeout");
		assertThat(this.withFallback.calls().of("create")).isZero();
	}

	@Test
	void anUpgradeRequestIsReplayedWholeByFly() throws IOException {
		// close: the 409 leaves the connection open otherwise
		String answer = this.withFallback.rawExchange("GET /socket HTTP/1.1\r\nHost: localhost\r\n"
				+ "Connection: Upgrade, close\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n"
				+ "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n");
		assertThat(answer).startsWith("HTTP/1.1 409 ")
			.containsIgnoringCase("fly-replay: instance=node-a;timeout=2s;fallback=force_self\r\n");
		assertThat(this.withFallback.calls().of("socket")).isZero();
	}

}
