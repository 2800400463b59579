package dev.litefs.spring.consistency;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import dev.litefs.spring.test.cluster.LiteFsCluster;
import dev.litefs.spring.test.cluster.RealLiteFs;
import dev.litefs.spring.testapp.TestNode;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue #32's acceptance on a real two-node LiteFS cluster with three databases on the
 * mount, in each journal mode: one request writes two of them (not the main one); its
 * {@code __txid} cookie names exactly those two, at the primary's TXIDs; the replica's
 * read with that cookie sees both writes; and a read whose cookie is ahead of the replica
 * in either database is held until that database, and only that one, catches up.
 */
@RealLiteFs
class RealSeveralDatabasesTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(15);

	private static final JsonMapper json = new JsonMapper();

	static LiteFsCluster cluster;

	@BeforeAll
	static void start() throws SQLException {
		cluster = LiteFsCluster.builder().nodes(2).start();
		for (String mode : new String[] { "delete", "wal" }) {
			try (Connection connection = DriverManager
				.getConnection("jdbc:sqlite:" + cluster.primary().mountDir().resolve(main(mode)));
					Statement statement = connection.createStatement()) {
				statement.execute("pragma journal_mode=" + mode);
				statement.execute("create table posts (id integer primary key autoincrement, title text not null, "
						+ "node text not null)");
			}
			NotesApplication.createNotes(cluster.primary().mountDir(), mode, second(mode), third(mode));
			for (String database : List.of(main(mode), second(mode), third(mode))) {
				cluster.awaitReplicated(database, TIMEOUT);
			}
		}
	}

	@AfterAll
	static void stop() {
		if (cluster != null) {
			cluster.close();
		}
	}

	@ParameterizedTest(name = "journal mode {0}")
	@ValueSource(strings = { "delete", "wal" })
	void aRequestThatWritesTwoDatabasesIsReadOnTheReplicaAfterBoth(String mode) throws Exception {
		String second = second(mode);
		String third = third(mode);
		try (TestNode primary = app(cluster.primary(), mode); TestNode replica = app(cluster.node(1), mode)) {
			HttpResponse<String> written = primary.send(primary.request("/notes?db=" + second + "&db=" + third + "&text=first")
				.POST(HttpRequest.BodyPublishers.noBody()));
			assertThat(written.statusCode()).as(written.body()).isEqualTo(201);

			Map<String, Long> cookie = txidCookie(written);
			assertThat(cookie).as("the cookie names the databases written, and only those")
				.containsOnlyKeys(second, third)
				.containsEntry(second, cluster.primary().txid(second))
				.containsEntry(third, cluster.primary().txid(third));

			JsonNode read = readOnReplica(replica, second, third, cookie).get(5, TimeUnit.SECONDS);
			assertThat(read.get("node").asString()).isEqualTo(cluster.node(1).hostname());
			assertThat(notes(read, second)).containsExactly("first");
			assertThat(notes(read, third)).containsExactly("first");

			for (String behind : List.of(second, third)) {
				aReadAheadInOneDatabaseWaitsForThatOne(primary, replica, mode, behind);
			}
		}
	}

	/**
	 * A read whose cookie is one transaction ahead of the replica in one database (the
	 * other reached) is held until the primary writes that database and it replicates.
	 */
	private void aReadAheadInOneDatabaseWaitsForThatOne(TestNode primary, TestNode replica, String mode, String behind)
			throws Exception {
		String second = second(mode);
		String third = third(mode);
		cluster.awaitReplicated(second, TIMEOUT);
		cluster.awaitReplicated(third, TIMEOUT);
		Map<String, Long> cookie = new TreeMap<>(Map.of(second, cluster.primary().txid(second), third,
				cluster.primary().txid(third)));
		cookie.merge(behind, 1L, Long::sum);
		WaitRecorder waits = replica.bean(WaitRecorder.class);
		int started = waits.started().size();
		long waitsBefore = waits(replica);

		CompletableFuture<JsonNode> read = readOnReplica(replica, second, third, cookie);
		await().atMost(TIMEOUT).until(() -> waits.started().size() > started);
		assertThat(waits.started().subList(started, waits.started().size())).as("the databases waited for")
			.containsExactly(behind);
		assertThat(read).as("held while %s is behind", behind).isNotDone();

		String text = "after " + behind;
		try (Connection connection = DriverManager
			.getConnection("jdbc:sqlite:" + cluster.primary().mountDir().resolve(behind));
				Statement statement = connection.createStatement()) {
			statement.execute("pragma busy_timeout = 10000");
			statement.execute("insert into notes (text) values ('" + text + "')");
		}

		JsonNode answer = read.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
		assertThat(notes(answer, behind)).contains(text);
		assertThat(cluster.node(1).txid(behind)).isGreaterThanOrEqualTo(cookie.get(behind));
		assertThat(waits(replica)).as("the replica waited").isGreaterThan(waitsBefore);
	}

	private static CompletableFuture<JsonNode> readOnReplica(TestNode replica, String second, String third,
			Map<String, Long> cookie) {
		return replica
			.sendAsync(replica.request("/notes?db=" + second + "&db=" + third).header("Cookie", "__txid=" + format(cookie)))
			.thenApply((response) -> {
				assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
				return json.readTree(response.body());
			});
	}

	private static TestNode app(LiteFsCluster.Node node, String mode) {
		return TestNode.start(List.of(NotesApplication.class), node.mountDir(), main(mode), node.hostname(),
				"litefs.api-url=" + node.apiUrl(), "testapp.plays-litefs=false",
				NotesApplication.SECOND + "=" + second(mode), NotesApplication.THIRD + "=" + third(mode),
				"litefs.consistency.timeout=" + TIMEOUT.toMillis() + "ms");
	}

	private static List<String> notes(JsonNode read, String database) {
		return read.get(database).valueStream().map(JsonNode::asString).toList();
	}

	/** How many read-your-writes waits a node observed. */
	static long waits(TestNode node) {
		return node.bean(MeterRegistry.class)
			.find(ConsistencyFilter.OBSERVATION)
			.timers()
			.stream()
			.mapToLong(Timer::count)
			.sum();
	}

	/**
	 * The TXIDs of the {@code __txid} cookie a response sets, by database: the 16-hex form
	 * names the main database, as {@code main}.
	 */
	static Map<String, Long> txidCookie(HttpResponse<String> response) {
		String value = response.headers()
			.allValues("Set-Cookie")
			.stream()
			.filter((cookie) -> cookie.startsWith("__txid="))
			.map((cookie) -> cookie.substring("__txid=".length(), cookie.indexOf(';')).replace("\"", ""))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no __txid cookie in " + response.headers().map()));
		if (value.matches("[0-9a-f]{16}")) {
			return Map.of("main", Long.parseLong(value, 16));
		}
		Map<String, Long> txids = new TreeMap<>();
		for (String entry : value.split("\\|")) {
			int colon = entry.lastIndexOf(':');
			txids.put(entry.substring(0, colon), Long.parseLong(entry.substring(colon + 1), 16));
		}
		return txids;
	}

	/** A {@code __txid} cookie's value of entries, in the several-databases form. */
	static String format(Map<String, Long> txids) {
		return new TreeMap<>(txids).entrySet()
			.stream()
			.map((entry) -> entry.getKey() + ":" + Long.toHexString(entry.getValue()))
			.collect(Collectors.joining("|"));
	}

	private static String main(String mode) {
		return mode + "-app.db";
	}

	private static String second(String mode) {
		return mode + "-second.db";
	}

	private static String third(String mode) {
		return mode + "-third.db";
	}

}
