package dev.litefs.spring.consistency;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.litefs.spring.test.FakeLiteFsMount;
import dev.litefs.spring.testapp.TestNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code routing} and {@code consistency} sections of {@code /actuator/litefs}.
 */
class EndpointSectionsTests {

	private static final JsonMapper json = new JsonMapper();

	@Test
	void showTheStrategyInForceTheSettingsAndTheWaitingRequests(@TempDir Path dir) throws Exception {
		FakeLiteFsMount mount = FakeLiteFsMount.replicaOf(dir, "node-a").txid(5);
		try (TestNode replica = TestNode.start(mount, "node-b", "management.endpoints.web.exposure.include=litefs",
				"litefs.routing.strategy=forward", "litefs.routing.methods=POST,DELETE",
				"litefs.routing.forward.url-template=http://{primary}.internal:8080",
				"litefs.routing.forward.max-body-size=2MB", "litefs.consistency.timeout=10s")) {
			CompletableFuture<HttpResponse<String>> waiting = replica
				.sendAsync(replica.request("/posts/1").header("Cookie", "__txid=0000000000000006").GET());
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
			while (replica.node().waiting() == 0 && System.nanoTime() < deadline) {
				Thread.sleep(10);
			}
			HttpResponse<String> response = replica.get("/actuator/litefs");
			assertThat(response.statusCode()).isEqualTo(200);
			JsonNode litefs = json.readTree(response.body());
			JsonNode routing = litefs.get("routing");
			assertThat(routing.get("strategy").asString()).isEqualTo("forward");
			assertThat(routing.get("methods").toString()).isEqualTo("[\"POST\",\"DELETE\"]");
			assertThat(routing.get("exclude").toString()).isEqualTo("[\"/actuator/**\"]");
			assertThat(routing.get("forward").get("urlTemplate").asString()).isEqualTo("http://{primary}.internal:8080");
			assertThat(routing.get("forward").get("maxBodyBytes").asLong()).isEqualTo(2 * 1024 * 1024);
			JsonNode consistency = litefs.get("consistency");
			assertThat(consistency.get("cookie").asString()).isEqualTo("__txid");
			assertThat(consistency.get("timeoutMillis").asLong()).isEqualTo(10_000);
			assertThat(consistency.get("onTimeout").asString()).isEqualTo("replay");
			assertThat(consistency.get("pollIntervalMicros").asLong()).isEqualTo(1000);
			assertThat(consistency.get("waiting").asInt()).isEqualTo(1);
			mount.txid(6);
			assertThat(waiting.get(5, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
		}
	}

}
