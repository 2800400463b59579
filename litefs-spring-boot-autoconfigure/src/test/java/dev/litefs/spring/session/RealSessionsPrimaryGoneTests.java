package dev.litefs.spring.session;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import dev.litefs.spring.test.cluster.LiteFsCluster;
import dev.litefs.spring.test.cluster.RealLiteFs;
import dev.litefs.spring.testapp.PostsCluster;
import dev.litefs.spring.testapp.TestNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static dev.litefs.spring.session.RealSessionsTests.cookie;
import static dev.litefs.spring.session.RealSessionsTests.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A signed-in user on a replica while the primary's LiteFS is killed, then started
 * again: reads go on with the session, changes are answered {@code 503} and written
 * nowhere, and once the primary is back sessions change again without a restart.
 */
@RealLiteFs
class RealSessionsPrimaryGoneTests {

	static PostsCluster posts;

	static LiteFsCluster cluster;

	static TestNode replica;

	@BeforeAll
	static void start() throws Exception {
		posts = PostsCluster.start("app.db", "wal.db");
		cluster = posts.cluster();
		RealSessionsTests.createSessionTables(posts, "app.db");
		replica = posts.app(List.of(RealSessionsTests.SessionPages.class), cluster.node(1), "app.db",
				"litefs.routing.strategy=reject", "spring.session.jdbc.initialize-schema=never",
				"litefs.halt.wait-timeout=2s");
	}

	@AfterAll
	static void stop() {
		if (posts != null) {
			posts.close();
		}
	}

	@Test
	void readsGoOnChangesAre503AndWrittenNowhereAndSessionsChangeAgainOnceThePrimaryIsBack() throws Exception {
		String session = cookie(replica.get("/session/set?value=before"), "SESSION").orElseThrow();
		long txid = cluster.node(1).txid("app.db");

		cluster.primary().kill();
		try {
			assertThat(get(replica, "/session/get", session).body()).as("a read with the session").isEqualTo("before");
			HttpResponse<String> change = get(replica, "/session/set?value=during", session);

			assertThat(change.statusCode()).isEqualTo(503);
			assertThat(change.headers().firstValue("Content-Type")).hasValue("application/problem+json");
			assertThat(change.headers().firstValue("Retry-After")).isPresent();
			assertThat(change.body()).contains("\"title\":\"Session change not saved\"").contains("\"node\":");
			assertThat(cookie(change, "__txid")).isEmpty();
			assertThat(cluster.node(1).txid("app.db")).as("nothing written on the replica").isEqualTo(txid);
			assertThat(get(replica, "/session/get", session).body()).isEqualTo("before");
		}
		finally {
			cluster.primary().start();
		}
		await().atMost(Duration.ofSeconds(30))
			.pollInterval(Duration.ofMillis(200))
			.until(() -> get(replica, "/session/set?value=after", session).statusCode() == 200);
		assertThat(get(replica, "/session/get", session).body()).isEqualTo("after");
	}

}
