package dev.litefs.spring.node;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.litefs.spring.test.cluster.LiteFsCluster;
import dev.litefs.spring.test.cluster.RealLiteFs;
import dev.litefs.spring.testapp.ClusterNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A database created at run time on a real LiteFS primary reaches the replica's node
 * through LiteFS's {@code tx} events: the replica's poll interval is an hour, so the files
 * are read only on (re)connect, and whatever the node learns afterwards came through an
 * event.
 */
@RealLiteFs
class RealDatabasesEventsTests {

	static LiteFsCluster cluster;

	static ClusterNode replicaNode;

	static LiteFsNode replica;

	@BeforeAll
	static void start() throws SQLException {
		cluster = LiteFsCluster.builder().nodes(2).start();
		write("app.db", "create table posts (id integer primary key autoincrement, title text not null)");
		cluster.awaitReplicated("app.db", Duration.ofSeconds(15));
		replicaNode = ClusterNode.start(cluster.node(1), "app.db", Duration.ofHours(1));
		replica = replicaNode.node();
	}

	@AfterAll
	static void stop() {
		if (replicaNode != null) {
			replicaNode.close();
		}
		if (cluster != null) {
			cluster.close();
		}
	}

	@ParameterizedTest
	@CsvSource({ "tenant-delete.db, delete", "tenant-wal.db, wal" })
	void aDatabaseCreatedAtRunTimeOnThePrimaryBecomesKnownOnTheReplicaAndReleasesItsWaiters(String db,
			String journalMode) throws Exception {
		long reconnects = stream().reconnects();
		assertThat(replica.databases()).doesNotContain(db);

		write(db, "pragma journal_mode=" + journalMode,
				"create table posts (id integer primary key autoincrement, title text not null)");

		long created = cluster.primary().txid(db);
		await().atMost(Duration.ofSeconds(15))
			.until(() -> replica.databases().contains(db) && replica.position(db).txid() == created);
		assertThat(replica.databases()).first().isEqualTo("app.db");
		assertThat(replica.servesDatabase(db)).isTrue();
		assertThat(replica.positions()).containsKey(db);

		CompletableFuture<Boolean> next = replica.await(db, created + 1, Duration.ofSeconds(20));
		CompletableFuture<Boolean> main = replica.await(replica.state().position().txid() + 1, Duration.ofSeconds(20));
		Thread.sleep(200);
		assertThat(next).isNotDone();

		write(db, "insert into posts (title) values ('written on the primary')");

		assertThat(next.get(15, TimeUnit.SECONDS)).isTrue();
		assertThat(replica.position(db).txid()).isEqualTo(cluster.primary().txid(db));
		assertThat(main).as("the main database did not move").isNotDone();
		main.cancel(true);
		assertThat(stream().reconnects()).as("the stream stayed up: no reading of the files released it")
			.isEqualTo(reconnects);
	}

	private static EventStreamStatus stream() {
		return replica.eventStream().orElseThrow();
	}

	private static void write(String db, String... sql) throws SQLException {
		try (Connection connection = DriverManager
			.getConnection("jdbc:sqlite:" + cluster.primary().mountDir().resolve(db));
				Statement statement = connection.createStatement()) {
			for (String each : sql) {
				statement.execute(each);
			}
		}
	}

}
