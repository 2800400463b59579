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
import dev.litefs.spring.testapp.TestNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static dev.litefs.spring.routing.WritesDoNotWaitTests.AT_ONCE;
import static dev.litefs.spring.routing.WritesDoNotWaitTests.FAR_AHEAD;
import static dev.litefs.spring.routing.WritesDoNotWaitTests.TIMEOUT;
import static dev.litefs.spring.routing.WritesDoNotWaitTests.assertNoWait;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A write never waits for read-your-writes on a real LiteFS replica: a {@code POST} to an
 * {@link EnsurePrimary} handler carrying a {@code __txid} far ahead of the replica is
 * forwarded, or answered {@code fly-replay}, at once, with no wait observed.
 */
@RealLiteFs
class RealWritesDoNotWaitTests {

	private static final String PRIMARY = "127.0.0.1";

	static LiteFsCluster cluster;

	static TestNode primary;

	static TestNode forward;

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
		String timeout = "litefs.consistency.timeout=" + TIMEOUT.toMillis() + "ms";
		forward = TestNode.start(nodeB.mountDir(), "app.db", "node-b", "litefs.api-url=" + nodeB.apiUrl(), timeout,
				"litefs.routing.strategy=forward",
				"litefs.routing.forward.url-template=http://{primary}:" + primary.port());
		flyReplay = TestNode.start(nodeB.mountDir(), "app.db", "node-b", "litefs.api-url=" + nodeB.apiUrl(), timeout,
				"litefs.routing.strategy=fly-replay");
	}

	@AfterAll
	static void stop() {
		for (TestNode node : new TestNode[] { flyReplay, forward, primary }) {
			if (node != null) {
				node.close();
			}
		}
		if (cluster != null) {
			cluster.close();
		}
	}

	@Test
	void aWriteCarryingATxidFarAheadIsForwardedAtOnce() {
		long rows = primary.rows();
		HttpResponse<String> response = postFarAhead(forward);
		assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
		assertThat(primary.rows()).isEqualTo(rows + 1);
		assertThat(forward.calls().of("create")).isZero();
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
		System.out.println("far-ahead POST on real LiteFS answered " + response.statusCode() + " in " + took);
		assertThat(took).as("answered in %s, the consistency timeout being %s", took, TIMEOUT).isLessThan(AT_ONCE);
		assertNoWait(replica);
		return response;
	}

}
