package dev.litefs.spring.consistency;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.litefs.spring.test.cluster.LiteFsCluster;
import dev.litefs.spring.test.cluster.RealLiteFs;
import dev.litefs.spring.testapp.TestNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue #32's acceptance on a real LiteFS cluster whose replica is filtered by LiteFS's
 * {@code lease.databases} and lacks one of the application's three databases
 * ({@code excluded.db}): the application there starts and reports that database as not
 * served; a read whose {@code __txid} cookie names it goes to the primary by the routing
 * strategy ({@code forward}) at once, without a wait, even after something opened the
 * database on the replica (which makes LiteFS create an empty local file at position 0);
 * a read whose cookie names only the databases it has stays on the replica.
 */
@RealLiteFs
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RealDatabaseFilterTests {

	/** The primary's LiteFS hostname: an IP literal, so that {@code {primary}} resolves. */
	private static final String PRIMARY = "127.0.0.1";

	private static final String MAIN = "app.db";

	private static final String EXCLUDED = "excluded.db";

	private static final String KEPT = "kept.db";

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	/** Well within the consistency timeout: an answer this quick did not wait it out. */
	private static final Duration AT_ONCE = Duration.ofSeconds(3);

	private static final JsonMapper json = new JsonMapper();

	static LiteFsCluster cluster;

	static TestNode primary;

	static TestNode replica;

	/** The TXIDs the primary's write reached, by database. */
	static Map<String, Long> written;

	/** The {@code __txid} cookie the primary answered that write with. */
	static Map<String, Long> cookie;

	@BeforeAll
	static void start() throws SQLException {
		cluster = LiteFsCluster.builder().hostnames(PRIMARY, "node-b").databaseFilter(1, MAIN, KEPT).start();
		try (Connection connection = DriverManager
			.getConnection("jdbc:sqlite:" + cluster.primary().mountDir().resolve(MAIN));
				Statement statement = connection.createStatement()) {
			statement.execute("create table posts (id integer primary key autoincrement, title text not null, "
					+ "node text not null)");
		}
		NotesApplication.createNotes(cluster.primary().mountDir(), "delete", EXCLUDED, KEPT);
		cluster.awaitReplicated(MAIN, TIMEOUT);
		cluster.awaitReplicated(KEPT, TIMEOUT);
		primary = app(cluster.primary());
		replica = app(cluster.node(1), "litefs.routing.strategy=forward",
				"litefs.routing.forward.url-template=http://{primary}:" + primary.port());
		HttpResponse<String> notes = primary.send(primary.request("/notes?db=" + EXCLUDED + "&db=" + KEPT + "&text=first")
			.POST(HttpRequest.BodyPublishers.noBody()));
		assertThat(notes.statusCode()).as(notes.body()).isEqualTo(201);
		cookie = RealSeveralDatabasesTests.txidCookie(notes);
		written = Map.of(EXCLUDED, cluster.primary().txid(EXCLUDED), KEPT, cluster.primary().txid(KEPT));
		cluster.awaitReplicated(KEPT, TIMEOUT);
	}

	@AfterAll
	static void stop() {
		for (TestNode node : new TestNode[] { replica, primary }) {
			if (node != null) {
				node.close();
			}
		}
		if (cluster != null) {
			cluster.close();
		}
	}

	@Test
	@Order(1)
	void theFilteredReplicaStartsAndReportsTheDatabaseAsNotServed() {
		assertThat(cluster.node(1).txid(EXCLUDED)).as("LiteFS's filter: nothing of it replicated").isZero();
		assertThat(replica.node().databases()).contains(MAIN, EXCLUDED, KEPT);
		assertThat(replica.node().servesDatabase(EXCLUDED)).isFalse();
		assertThat(replica.node().servesDatabase(KEPT)).isTrue();
		assertThat(primary.node().servesDatabase(EXCLUDED)).isTrue();

		assertThat(served(replica, EXCLUDED)).as("/actuator/litefs on the replica").isFalse();
		assertThat(served(replica, KEPT)).isTrue();
		assertThat(served(primary, EXCLUDED)).as("/actuator/litefs on the primary").isTrue();
	}

	@Test
	@Order(2)
	void theWritesCookieNamesBothDatabases() {
		assertThat(cookie).isEqualTo(written);
	}

	@Test
	@Order(2)
	void aReadNamingOnlyDatabasesTheReplicaHasStaysThere() {
		int onPrimary = primary.calls().of("notes-read");
		HttpResponse<String> read = read(KEPT, Map.of(KEPT, written.get(KEPT)));

		assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
		JsonNode body = json.readTree(read.body());
		assertThat(body.get("node").asString()).isEqualTo("node-b");
		assertThat(body.get(KEPT).valueStream().map(JsonNode::asString)).containsExactly("first");
		assertThat(primary.calls().of("notes-read")).isEqualTo(onPrimary);
	}

	@Test
	@Order(3)
	void aReadNamingTheExcludedDatabaseGoesToThePrimaryAtOnce() {
		aReadNamingTheExcludedDatabaseIsForwardedWithoutAWait();
	}

	@Test
	@Order(4)
	void evenAfterSomethingOpenedTheExcludedDatabaseOnTheReplica() throws SQLException {
		// a pool, a health check, Spring Session: LiteFS then creates an empty local file at position 0
		try (Connection connection = DriverManager
			.getConnection("jdbc:sqlite:" + cluster.node(1).mountDir().resolve(EXCLUDED));
				Statement statement = connection.createStatement()) {
			statement.executeQuery("select count(*) from sqlite_master").close();
		}
		assertThat(cluster.node(1).mountDir().resolve(EXCLUDED + "-pos")).exists();
		assertThat(cluster.node(1).txid(EXCLUDED)).isZero();

		assertThat(replica.node().servesDatabase(EXCLUDED)).isFalse();
		assertThat(served(replica, EXCLUDED)).isFalse();
		aReadNamingTheExcludedDatabaseIsForwardedWithoutAWait();
	}

	private void aReadNamingTheExcludedDatabaseIsForwardedWithoutAWait() {
		int onPrimary = primary.calls().of("notes-read");
		int onReplica = replica.calls().of("notes-read");
		long waits = RealSeveralDatabasesTests.waits(replica);
		long start = System.nanoTime();

		HttpResponse<String> read = read(EXCLUDED, written);

		Duration took = Duration.ofNanos(System.nanoTime() - start);
		assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
		JsonNode body = json.readTree(read.body());
		assertThat(body.get("node").asString()).as("answered by").isEqualTo(PRIMARY);
		assertThat(body.get(EXCLUDED).valueStream().map(JsonNode::asString)).containsExactly("first");
		assertThat(primary.calls().of("notes-read")).isEqualTo(onPrimary + 1);
		assertThat(replica.calls().of("notes-read")).isEqualTo(onReplica);
		assertThat(took).as("answered in %s, the consistency timeout being %s", took, TIMEOUT).isLessThan(AT_ONCE);
		assertThat(replica.node().waiting()).isZero();
		assertThat(RealSeveralDatabasesTests.waits(replica)).as("waits on the replica").isEqualTo(waits);
	}

	private static HttpResponse<String> read(String database, Map<String, Long> cookie) {
		return replica.send(replica.request("/notes?db=" + database)
			.header("Cookie", "__txid=" + RealSeveralDatabasesTests.format(cookie))
			.GET());
	}

	/**
	 * What {@code /actuator/litefs} says of a database: whether the node serves it.
	 */
	private static boolean served(TestNode node, String database) {
		HttpResponse<String> response = node.send(node.request("/actuator/litefs").GET());
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		JsonNode databases = json.readTree(response.body()).get("databases");
		assertThat(databases).as("databases in %s", response.body()).isNotNull();
		JsonNode entry = databases.isArray()
				? databases.valueStream().filter((db) -> database.equals(db.path("name").asString(""))).findFirst()
					.orElse(null)
				: databases.get(database);
		assertThat(entry).as("%s in %s", database, response.body()).isNotNull();
		return entry.get("served").asBoolean();
	}

	private static TestNode app(LiteFsCluster.Node node, String... properties) {
		List<String> all = new ArrayList<>(List.of("litefs.api-url=" + node.apiUrl(), "testapp.plays-litefs=false",
				NotesApplication.SECOND + "=" + EXCLUDED, NotesApplication.THIRD + "=" + KEPT,
				"litefs.consistency.timeout=" + TIMEOUT.toMillis() + "ms",
				"management.endpoints.web.exposure.include=litefs,health"));
		all.addAll(List.of(properties));
		return TestNode.start(List.of(NotesApplication.class), node.mountDir(), MAIN, node.hostname(),
				all.toArray(String[]::new));
	}

}
