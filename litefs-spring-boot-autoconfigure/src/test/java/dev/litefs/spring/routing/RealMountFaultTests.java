package dev.litefs.spring.routing;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.StandardOpenOption;
import java.sql.SQLException;
import java.util.List;

import dev.litefs.spring.test.cluster.RealLiteFs;
import dev.litefs.spring.testapp.PostsCluster;
import dev.litefs.spring.testapp.TestNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A write on a real LiteFS primary that SQLite fails for a reason of LiteFS's, not of
 * the application's, in both journal modes: while a replica holds LiteFS's HALT lock,
 * LiteFS holds the primary's own write lock for it, and a transaction on the primary that
 * waits longer than its {@code busy_timeout} fails with {@code SQLITE_BUSY} (or
 * {@code SQLITE_PROTOCOL} in WAL mode), as writes in flight across a restart of LiteFS
 * do. The node is healthy throughout, so only SQLite's code tells: the request gets a
 * {@code 503} problem detail with {@code Retry-After} saying nothing was stored, which is
 * true, and no stack trace is logged; the same write sent again is stored.
 */
@RealLiteFs
@ExtendWith(OutputCaptureExtension.class)
class RealMountFaultTests {

	private static final JsonMapper json = new JsonMapper();

	static PostsCluster posts;

	static TestNode rollbackPrimary;

	static TestNode walPrimary;

	@BeforeAll
	static void start() throws SQLException {
		posts = PostsCluster.start();
		rollbackPrimary = primary("rollback.db");
		walPrimary = primary("wal.db");
	}

	@AfterAll
	static void stop() {
		if (posts != null) {
			posts.close();
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "rollback.db", "wal.db" })
	void aTransactionLiteFsFailsIsA503ProblemDetailSayingNothingWasStored(String database, CapturedOutput output)
			throws Exception {
		TestNode primary = database.equals("wal.db") ? walPrimary : rollbackPrimary;
		assertThat(primary.send(primary.request("/posts/transactional?title=before")
			.POST(HttpRequest.BodyPublishers.noBody())).statusCode()).isEqualTo(200);
		long rows = primary.rows();
		HttpResponse<String> answer;
		// the replica asks for LiteFS's HALT lock, and LiteFS takes the primary's write lock for it
		try (FileChannel lockFile = FileChannel.open(posts.cluster().node(1).mountDir().resolve(database + "-lock"),
				StandardOpenOption.READ, StandardOpenOption.WRITE); FileLock halt = lockFile.lock(72, 1, false)) {
			answer = primary.send(primary.request("/posts/transactional?title=held")
				.POST(HttpRequest.BodyPublishers.noBody()));
		}

		assertThat(answer.statusCode()).as(answer.body()).isEqualTo(503);
		assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/problem+json");
		assertThat(answer.headers().firstValue("Retry-After")).hasValue("1");
		JsonNode problem = json.readTree(answer.body());
		assertThat(problem.get("title").asString()).isEqualTo("Database fault");
		assertThat(problem.get("stored").asBoolean(true)).isFalse();
		assertThat(problem.get("sqliteError").asString()).isIn(List.of("SQLITE_BUSY", "SQLITE_PROTOCOL"));
		assertThat(primary.rows()).as("nothing was stored").isEqualTo(rows);
		assertThat(output.getOut()).contains("POST /posts/transactional failed in SQLite on node node-a")
			.doesNotContain(" ERROR ")
			.doesNotContain("\tat ");

		HttpResponse<String> retried = primary.send(primary.request("/posts/transactional?title=held")
			.POST(HttpRequest.BodyPublishers.noBody()));
		assertThat(retried.statusCode()).as(retried.body()).isEqualTo(200);
		assertThat(primary.rows()).isEqualTo(rows + 1);
	}

	private static TestNode primary(String database) {
		return posts.app(posts.cluster().primary(), database, "testapp.plays-litefs=false",
				"spring.datasource.hikari.data-source-properties.busy_timeout=1000");
	}

}
