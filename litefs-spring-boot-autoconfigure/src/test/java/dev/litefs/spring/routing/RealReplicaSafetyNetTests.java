package dev.litefs.spring.routing;

import java.net.http.HttpResponse;
import java.sql.SQLException;

import dev.litefs.spring.test.cluster.LiteFsCluster;
import dev.litefs.spring.test.cluster.RealLiteFs;
import dev.litefs.spring.testapp.PostsCluster;
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

	static PostsCluster posts;

	static LiteFsCluster cluster;

	static TestNode rollbackReplica;

	static TestNode walReplica;

	@BeforeAll
	static void start() throws SQLException {
		posts = PostsCluster.start();
		cluster = posts.cluster();
		rollbackReplica = replica("rollback.db");
		walReplica = replica("wal.db");
	}

	@AfterAll
	static void stop() {
		if (posts != null) {
			posts.close();
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
		assertThat(posts.rowsOnPrimary(database)).as("rows on the primary").isZero();
		assertThat(cluster.primary().txid(database)).isEqualTo(txid);
		assertThat(replica.rows()).as("reads on the replica go on").isZero();
	}

	private static TestNode replica(String database) {
		return posts.app(cluster.node(1), database, "litefs.routing.strategy=reject");
	}

}
