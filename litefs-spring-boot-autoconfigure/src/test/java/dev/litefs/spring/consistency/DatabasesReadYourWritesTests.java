package dev.litefs.spring.consistency;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import dev.litefs.spring.test.FakeLiteFsMount;
import dev.litefs.spring.testapp.TestNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Read-your-writes with two databases through a whole application on fake mounts, over
 * HTTP: the auto-configured filter names both databases a handler wrote, and a replica
 * that does not serve one of them sends the read to the primary at once, or names the
 * database behind when it gives up.
 */
class DatabasesReadYourWritesTests {

	private static final String NOTES = "notes.db";

	private static final JsonMapper json = new JsonMapper();

	@TempDir
	Path dir;

	@Test
	void aHandlerThatWritesTwoDatabasesGetsACookieNamingBoth() throws SQLException {
		FakeLiteFsMount mount = FakeLiteFsMount.primary(this.dir).txid(7).txid(NOTES, 3);
		createNotes(mount);
		try (TestNode primary = TestNode.start(List.of(TwoDatabasesApp.class), mount, "node-a",
				"testapp.notes-database=" + NOTES)) {
			HttpResponse<String> written = primary.postJson("/two", "{\"title\":\"t\"}");
			assertThat(written.statusCode()).as(written.body()).isEqualTo(201);
			assertThat(written.headers().allValues("Set-Cookie")).singleElement()
				.asString()
				.startsWith("__txid=app.db:7|notes.db:3; Path=/;");
			assertThat(primary.get("/two").body()).isEqualTo("posts=1 notes=1");
		}
	}

	@Test
	void aReplicaWithoutTheDatabaseSendsTheReadToThePrimaryAtOnce() {
		FakeLiteFsMount mount = FakeLiteFsMount.replicaOf(this.dir, "node-a").txid(7);
		try (TestNode replica = TestNode.start(List.of(TwoDatabasesApp.class), mount, "node-b",
				"testapp.notes-database=" + NOTES, "litefs.routing.strategy=fly-replay",
				"litefs.consistency.timeout=10s")) {
			long start = System.nanoTime();
			HttpResponse<String> read = replica
				.send(replica.request("/two").header("Cookie", "__txid=app.db:7|notes.db:3").GET());
			assertThat((System.nanoTime() - start) / 1_000_000).as("never waits").isLessThan(5_000);
			assertThat(read.statusCode()).isEqualTo(409);
			assertThat(read.headers().firstValue("fly-replay")).hasValue("instance=node-a");
			assertThat(replica.bean(WaitRecorder.class).waits()).isEmpty();
		}
	}

	@Test
	void aReplicaThatGivesUpNamesTheDatabaseBehind() throws SQLException {
		FakeLiteFsMount mount = FakeLiteFsMount.replicaOf(this.dir, "node-a").txid(7).txid(NOTES, 2);
		createNotes(mount);
		try (TestNode replica = TestNode.start(List.of(TwoDatabasesApp.class), mount, "node-b",
				"testapp.notes-database=" + NOTES, "litefs.consistency.timeout=500ms",
				"litefs.consistency.on-timeout=error")) {
			HttpResponse<String> read = replica
				.send(replica.request("/two").header("Cookie", "__txid=app.db:7|notes.db:3").GET());
			assertThat(read.statusCode()).isEqualTo(504);
			JsonNode problem = json.readTree(read.body());
			assertThat(problem.get("detail").asString()).contains("notes.db (TXID 0000000000000003; it is at "
					+ "0000000000000002)");
			assertThat(problem.get("behind").get(NOTES).asString()).isEqualTo("0000000000000003");
			assertThat(replica.bean(WaitRecorder.class).waits())
				.containsExactly(new WaitRecorder.Waited(NOTES, WaitOutcome.TIMED_OUT));
		}
	}

	private static void createNotes(FakeLiteFsMount mount) throws SQLException {
		try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + mount.dir().resolve(NOTES));
				Statement statement = connection.createStatement()) {
			statement.execute("create table notes (id integer primary key autoincrement, text text not null)");
		}
	}

}
