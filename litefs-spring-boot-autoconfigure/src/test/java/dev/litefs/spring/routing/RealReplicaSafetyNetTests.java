package dev.litefs.spring.routing;

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
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The safety net on a real LiteFS replica: a handler nobody annotated writes, real
 * LiteFS refuses it ({@code SQLITE_READONLY} in rollback-journal mode,
 * {@code SQLITE_IOERR} in WAL mode), and the request gets the not-primary answer, never
 * a 500; nothing reaches the primary's database.
 */
@RealLiteFs
@ExtendWith(OutputCaptureExtension.class)
class RealReplicaSafetyNetTests {

	private static final JsonMapper json = new JsonMapper();

	static LiteFsCluster cluster;

	static TestNode rollbackReplica;

	static TestNode walReplica;

	@BeforeAll
	static void start() throws SQLException {
		cluster = LiteFsCluster.builder().nodes(2).start();
		createPosts("rollback.db", "delete");
		createPosts("wal.db", "wal");
		cluster.awaitReplicated("rollback.db", Duration.ofSeconds(15));
		cluster.awaitReplicated("wal.db", Duration.ofSeconds(15));
		rollbackReplica = replica("rollback.db");
		walReplica = replica("wal.db");
	}

	@AfterAll
	static void stop() {
		// the apps first: a WAL-mode connection maps the mount's -shm
		for (TestNode node : new TestNode[] { walReplica, rollbackReplica }) {
			if (node != null) {
				node.close();
			}
		}
		if (cluster != null) {
			cluster.close();
		}
	}

	@ParameterizedTest
	@CsvSource({ "rollback.db, SQLITE_READONLY", "wal.db, SQLITE_IOERR" })
	void anUnannotatedWriteOnTheReplicaGetsTheNotPrimaryAnswer(String database, String sqliteError,
			CapturedOutput output) throws SQLException {
		TestNode replica = database.equals("wal.db") ? walReplica : rollbackReplica;
		long txid = cluster.primary().txid(database);

		HttpResponse<String> answer = replica.postJson("/posts/unannotated", "{\"title\":\"forgotten\"}");

		assertThat(answer.statusCode()).as(answer.body()).isEqualTo(503);
		assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/problem+json");
		JsonNode problem = json.readTree(answer.body());
		assertThat(problem.get("title").asString()).isEqualTo("Not the primary");
		assertThat(problem.get("primary").asString()).isEqualTo("node-a");
		assertThat(replica.calls().of("unannotated")).isEqualTo(1);
		assertThat(output.getOut()).contains("A write reached SQLite on replica node node-b").contains(sqliteError);
		assertThat(rows(database)).as("rows on the primary").isZero();
		assertThat(cluster.primary().txid(database)).isEqualTo(txid);
		assertThat(replica.rows()).as("reads on the replica go on").isZero();
	}

	private static TestNode replica(String database) {
		LiteFsCluster.Node nodeB = cluster.node(1);
		return TestNode.start(nodeB.mountDir(), database, "node-b", "litefs.api-url=" + nodeB.apiUrl(),
				"litefs.routing.strategy=reject");
	}

	private static void createPosts(String database, String journalMode) throws SQLException {
		try (Connection connection = DriverManager
			.getConnection("jdbc:sqlite:" + cluster.primary().mountDir().resolve(database));
				Statement statement = connection.createStatement()) {
			statement.execute("pragma journal_mode=" + journalMode);
			statement.execute("create table posts (id integer primary key autoincrement, title text not null, "
					+ "node text not null)");
		}
	}

	private static long rows(String database) throws SQLException {
		try (Connection connection = DriverManager
			.getConnection("jdbc:sqlite:" + cluster.primary().mountDir().resolve(database));
				Statement statement = connection.createStatement()) {
			var result = statement.executeQuery("select count(*) from posts");
			result.next();
			return result.getLong(1);
		}
	}

}
