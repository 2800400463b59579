package dev.litefs.spring.routing;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import dev.litefs.spring.test.cluster.LiteFsCluster;
import dev.litefs.spring.test.cluster.RealLiteFs;
import dev.litefs.spring.testapp.StreamController;
import dev.litefs.spring.testapp.TestNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static dev.litefs.spring.routing.WritesDoNotWaitTests.AT_ONCE;
import static dev.litefs.spring.routing.WritesDoNotWaitTests.FAR_AHEAD;
import static dev.litefs.spring.routing.WritesDoNotWaitTests.TIMEOUT;
import static dev.litefs.spring.routing.WritesDoNotWaitTests.assertNoWait;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code forward} strategy on a real two-node LiteFS cluster: the replica learns
 * its primary from the real {@code .primary} (an IP literal, so {@code {primary}}
 * resolves on loopback) and forwards through the rebuilt client. A stream of server-sent
 * events comes through event by event, a forwarded write lands in the primary's
 * database with the primary's {@code __txid}, and the replica's next read waits for it to
 * replicate; an {@code Upgrade} is told which primary to connect to. A write carrying a
 * {@code __txid} far ahead of the replica is forwarded, or answered {@code fly-replay} (a
 * second application on the replica), at once, with no read-your-writes wait.
 */
@RealLiteFs
class RealClusterForwardTests {

	private static final String PRIMARY = "127.0.0.1";

	private static final JsonMapper json = new JsonMapper();

	static LiteFsCluster cluster;

	static TestNode primary;

	static TestNode replica;

	static TestNode flyReplay;

	@BeforeAll
	static void start() throws SQLException {
		cluster = LiteFsCluster.builder().hostnames(PRIMARY, "node-b").start();
		try (Connection connection = DriverManager
			.getConnection("jdbc:sqlite:" + cluster.primary().mountDir().resolve("app.db"));
				Statement statement = connection.createStatement()) {
			statement.execute("create table posts (id integer primary key autoincrement, title text not null, "
					+ "node text not null)");
		}
		cluster.awaitReplicated("app.db", Duration.ofSeconds(15));
		primary = TestNode.start(cluster.primary().mountDir(), "app.db", PRIMARY,
				"litefs.api-url=" + cluster.primary().apiUrl());
		LiteFsCluster.Node nodeB = cluster.node(1);
		replica = TestNode.start(nodeB.mountDir(), "app.db", "node-b", "litefs.api-url=" + nodeB.apiUrl(),
				"litefs.routing.strategy=forward",
				"litefs.routing.forward.url-template=http://{primary}:" + primary.port(),
				"litefs.consistency.timeout=" + TIMEOUT.toMillis() + "ms");
		flyReplay = TestNode.start(nodeB.mountDir(), "app.db", "node-b", "litefs.api-url=" + nodeB.apiUrl(),
				"litefs.routing.strategy=fly-replay",
				"litefs.consistency.timeout=" + TIMEOUT.toMillis() + "ms");
	}

	@AfterAll
	static void stop() {
		for (TestNode node : new TestNode[] { flyReplay, replica, primary }) {
			if (node != null) {
				node.close();
			}
		}
		if (cluster != null) {
			cluster.close();
		}
	}

	@Test
	void serverSentEventsFromThePrimaryStreamThroughTheReplicaEventByEvent() throws Exception {
		assertThat(StreamController.readEventByEvent(replica)).containsExactly("data:one", "data:two");
		assertThat(replica.calls().of("events")).isZero();
		assertThat(primary.calls().of("events")).isPositive();
	}

	@Test
	void aForwardedWriteLandsOnThePrimaryAndTheReplicasNextReadWaitsForIt() {
		long rows = primary.rows();
		HttpResponse<String> created = replica.postJson("/posts", "{\"title\":\"through real LiteFS\"}");
		assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
		assertThat(json.readTree(created.body()).get("node").asString()).isEqualTo(PRIMARY);
		assertThat(primary.rows()).isEqualTo(rows + 1);
		String txid = created.headers().allValues("Set-Cookie").stream()
			.filter((cookie) -> cookie.startsWith("__txid="))
			.map((cookie) -> cookie.substring("__txid=".length(), "__txid=".length() + 16))
			.findFirst()
			.orElseThrow();
		assertThat(Long.parseLong(txid, 16)).isEqualTo(cluster.primary().txid("app.db"));
		HttpResponse<String> count = replica.send(replica.request("/posts/count").header("Cookie", "__txid=" + txid).GET());
		assertThat(count.statusCode()).isEqualTo(200);
		assertThat(count.body()).as("read on the replica, after its wait").isEqualTo(Long.toString(rows + 1));
		assertThat(cluster.node(1).txid("app.db")).isGreaterThanOrEqualTo(Long.parseLong(txid, 16));
	}

	@Test
	void anUpgradeIsToldToConnectToTheRealPrimary() throws Exception {
		String answer = replica.rawExchange(
				"GET /socket HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n");
		assertThat(answer).startsWith("HTTP/1.1 503 ");
		JsonNode problem = json.readTree(answer.substring(answer.indexOf('{'), answer.lastIndexOf('}') + 1));
		assertThat(problem.get("title").asString()).isEqualTo("Upgrade cannot be forwarded");
		assertThat(problem.get("primary").asString()).isEqualTo(PRIMARY);
		assertThat(problem.get("primaryUrl").asString()).isEqualTo("http://" + PRIMARY + ":" + primary.port());
		assertThat(primary.calls().of("socket")).isZero();
	}

	@Test
	void aWriteCarryingATxidFarAheadIsForwardedAtOnce() {
		long rows = primary.rows();
		HttpResponse<String> response = postFarAhead(replica);
		assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
		assertThat(primary.rows()).isEqualTo(rows + 1);
		assertThat(replica.calls().of("create")).isZero();
	}

	@Test
	void aWriteCarryingATxidFarAheadIsAnsweredFlyReplayAtOnce() {
		HttpResponse<String> response = postFarAhead(flyReplay);
		assertThat(response.statusCode()).as(response.body()).isEqualTo(409);
		assertThat(response.headers().allValues("fly-replay")).containsExactly("instance=" + PRIMARY);
		assertThat(flyReplay.calls().of("create")).isZero();
	}

	private static HttpResponse<String> postFarAhead(TestNode replica) {
		assertThat(replica.node().currentPosition().hasReached(0xffffffffL)).isFalse();
		long start = System.nanoTime();
		HttpResponse<String> response = replica.send(replica.request("/posts")
			.header("Content-Type", "application/json")
			.header("Cookie", FAR_AHEAD)
			.POST(HttpRequest.BodyPublishers.ofString("{\"title\":\"at once\"}")));
		Duration took = Duration.ofNanos(System.nanoTime() - start);
		assertThat(took).as("answered in %s, the consistency timeout being %s", took, TIMEOUT).isLessThan(AT_ONCE);
		assertNoWait(replica);
		return response;
	}

}
