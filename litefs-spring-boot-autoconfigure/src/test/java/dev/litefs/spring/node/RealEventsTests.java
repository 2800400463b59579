package dev.litefs.spring.node;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import dev.litefs.spring.test.cluster.LiteFsCluster;
import dev.litefs.spring.test.cluster.RealLiteFs;
import dev.litefs.spring.testapp.TestNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.context.ApplicationListener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The node fed by a real LiteFS's {@code /events}: the replica's files are read only on
 * (re)connect ({@code litefs.poll-interval=1h}), so whatever it learns afterwards came
 * through an event.
 */
@RealLiteFs
class RealEventsTests {

	static LiteFsCluster cluster;

	static TestNode replica;

	static final List<LiteFsRoleChangedEvent> roleChanges = new CopyOnWriteArrayList<>();

	@BeforeAll
	static void start() throws SQLException {
		cluster = LiteFsCluster.builder().nodes(2).start();
		write("create table posts (id integer primary key autoincrement, title text not null, node text not null)");
		cluster.awaitReplicated("app.db", Duration.ofSeconds(15));
		LiteFsCluster.Node nodeB = cluster.node(1);
		replica = TestNode.start(nodeB.mountDir(), "app.db", "node-b", "litefs.api-url=" + nodeB.apiUrl(),
				"litefs.poll-interval=1h", "litefs.routing.strategy=reject", "litefs.consistency.timeout=20s");
		replica.context().addApplicationListener((ApplicationListener<LiteFsRoleChangedEvent>) roleChanges::add);
		await().atMost(Duration.ofSeconds(15)).until(() -> stream().connected());
	}

	@AfterAll
	static void stop() {
		if (replica != null) {
			replica.close();
		}
		if (cluster != null) {
			cluster.close();
		}
	}

	@Test
	void aWriteOnThePrimaryReleasesAWaitingReplicaRequestThroughARealTxEvent() throws Exception {
		long reconnects = stream().reconnects();
		long next = cluster.primary().txid("app.db") + 1;
		CompletableFuture<HttpResponse<String>> read = replica
			.sendAsync(replica.request("/posts/count").header("Cookie", "__txid=" + Position.toHex(next)).GET());
		await().atMost(Duration.ofSeconds(10)).until(() -> replica.node().waiting() == 1);
		assertThat(read).isNotDone();

		write("insert into posts (title, node) values ('written on the primary', 'node-a')");

		HttpResponse<String> answer = read.get(15, TimeUnit.SECONDS);
		assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
		assertThat(answer.body()).isEqualTo("1");
		assertThat(replica.node().state().position().txid()).isGreaterThanOrEqualTo(next);
		assertThat(stream().reconnects()).as("the stream stayed up: no fallback poll released it")
			.isEqualTo(reconnects);
	}

	@Test
	void thePrimarysLiteFsRestartingIsSeenThroughRealEvents() {
		roleChanges.clear();
		long reconnects = stream().reconnects();

		cluster.primary().stop();
		await().atMost(Duration.ofSeconds(20))
			.until(() -> replica.node().state().role() == NodeRole.UNKNOWN);
		cluster.primary().start();
		await().atMost(Duration.ofSeconds(30))
			.until(() -> replica.node().state().role() == NodeRole.REPLICA && !roleChanges.isEmpty()
					&& roleChanges.get(roleChanges.size() - 1).getRole() == NodeRole.REPLICA);

		assertThat(roleChanges).extracting(LiteFsRoleChangedEvent::getRole)
			.containsSubsequence(NodeRole.UNKNOWN, NodeRole.REPLICA);
		assertThat(replica.node().state().primary()).isEqualTo("node-a");
		assertThat(stream().reconnects()).as("the replica's own stream stayed up").isEqualTo(reconnects);
		assertThat(stream().connected()).isTrue();
	}

	private static EventStreamStatus stream() {
		return replica.node().eventStream().orElseThrow();
	}

	private static void write(String sql) throws SQLException {
		try (Connection connection = DriverManager
			.getConnection("jdbc:sqlite:" + cluster.primary().mountDir().resolve("app.db"));
				Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
	}

}
