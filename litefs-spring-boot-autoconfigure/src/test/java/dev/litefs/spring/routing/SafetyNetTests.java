package dev.litefs.spring.routing;

import java.net.http.HttpResponse;
import java.nio.file.Path;

import dev.litefs.spring.test.FakeLiteFsMount;
import dev.litefs.spring.testapp.FakeMountNodes;
import dev.litefs.spring.testapp.TestNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A write that reaches SQLite on a replica anyway, from a handler nobody annotated:
 * SQLite refuses it, and the request gets the routing answer instead of a 500, with a
 * warning naming the handler. On the primary the same error is a fault of the mount,
 * never routed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(OutputCaptureExtension.class)
class SafetyNetTests {

	private static final JsonMapper json = new JsonMapper();

	private FakeMountNodes nodes;

	private TestNode primary;

	private TestNode replica;

	private Path dir;

	@BeforeAll
	void startNodes(@TempDir Path dir) {
		this.dir = dir;
		this.nodes = new FakeMountNodes(dir);
		this.primary = this.nodes.primary();
		this.replica = this.nodes.replica("node-b", "litefs.routing.strategy=reject");
	}

	@AfterAll
	void stopNodes() {
		this.nodes.close();
	}

	@Test
	void sqliteReadOnlyOnAReplicaGetsTheRoutingAnswerAndAWarningNamingTheHandler(CapturedOutput output) {
		HttpResponse<String> first = this.replica.postJson("/posts/unannotated", "{\"title\":\"forgotten\"}");
		assertThat(first.statusCode()).isEqualTo(503);
		assertThat(first.headers().firstValue("Content-Type")).hasValue("application/problem+json");
		JsonNode problem = json.readTree(first.body());
		assertThat(problem.get("title").asString()).isEqualTo("Not the primary");
		assertThat(problem.get("primary").asString()).isEqualTo("node-a");
		assertThat(this.replica.calls().of("unannotated")).isEqualTo(1);
		assertThat(output.getOut()).contains("A write reached SQLite on replica node node-b in")
			.contains("PostController#unannotated")
			.contains("SQLITE_READONLY")
			.contains("Annotate it with @EnsurePrimary");
		HttpResponse<String> second = this.replica.postJson("/posts/unannotated", "{\"title\":\"again\"}");
		assertThat(second.statusCode()).isEqualTo(503);
		assertThat(output.getOut().split("PostController#unannotated", -1)).hasSize(2);
	}

	@Test
	void sqliteIoErrorWrappedBySpringOnAReplicaGetsTheRoutingAnswer() {
		HttpResponse<String> response = this.replica.postJson("/posts/io-error", "{}");
		assertThat(response.statusCode()).isEqualTo(503);
		assertThat(json.readTree(response.body()).get("primary").asString()).isEqualTo("node-a");
	}

	@Test
	void aWriteSqliteRefusedIsReplayedByFlyWithAStateThatGetsItTheTxidCookieOnThePrimary() {
		try (TestNode flyReplica = TestNode.start(FakeLiteFsMount.replicaOf(this.dir.resolve("c"), "node-a"), "node-c",
				"litefs.routing.strategy=fly-replay")) {
			HttpResponse<String> replay = flyReplica.postJson("/posts/unannotated", "{\"title\":\"on fly\"}");
			assertThat(replay.statusCode()).isEqualTo(409);
			assertThat(replay.headers().firstValue("fly-replay")).hasValue("instance=node-a;state=litefs-refused-write");
		}
		// Fly's proxy replays the request on the primary with the state in fly-replay-src
		HttpResponse<String> replayed = this.primary.send(this.primary.request("/posts/unannotated")
			.header("Content-Type", "application/json")
			.header("fly-replay-src", "instance=node-c;region=ams;t=1700000000000000;state=litefs-refused-write")
			.POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"title\":\"on fly\"}")));
		assertThat(replayed.statusCode()).isEqualTo(200);
		assertThat(replayed.headers().allValues("Set-Cookie"))
			.anyMatch((cookie) -> cookie.startsWith("__txid=" + this.primary.node().currentPosition().txidHex() + ";"));
		// a write on the primary outside @EnsurePrimary is seen at its connection's commit (#32)
		HttpResponse<String> direct = this.primary.postJson("/posts/unannotated", "{\"title\":\"direct\"}");
		assertThat(direct.headers().allValues("Set-Cookie"))
			.anyMatch((cookie) -> cookie.startsWith("__txid=" + this.primary.node().currentPosition().txidHex() + ";"));
	}

	@Test
	void sqliteIoErrorOnThePrimaryIsAFaultNotARoutingAnswer() {
		HttpResponse<String> response = this.primary.postJson("/posts/io-error", "{}");
		assertThat(response.statusCode()).isEqualTo(503);
		JsonNode problem = json.readTree(response.body());
		assertThat(problem.get("title").asString()).isEqualTo("Database fault");
		assertThat(problem.has("primary")).isFalse();
	}

}
