package dev.litefs.spring.session;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.litefs.spring.test.cluster.LiteFsCluster;
import dev.litefs.spring.test.cluster.RealLiteFs;
import dev.litefs.spring.testapp.PostsCluster;
import dev.litefs.spring.testapp.TestNode;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.core.io.ClassPathResource;
import org.springframework.util.StreamUtils;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Spring Session JDBC through {@link LiteFsSessionRepository} on a real two-node LiteFS
 * cluster, in both journal modes: the replica's apps change sessions (in GETs, which no
 * routing sends to the primary), and the primary's apps read them.
 */
@RealLiteFs
@ExtendWith(OutputCaptureExtension.class)
class RealSessionsTests {

	/**
	 * The last-access interval of the test nodes: long beside a burst of 20 reads, even on a
	 * loaded machine, so that a burst stays within one interval.
	 */
	private static final long INTERVAL_MILLIS = 3000;

	static final String ROLLBACK = "app.db";

	static final String WAL = "wal.db";

	static PostsCluster posts;

	static LiteFsCluster cluster;

	static final Map<String, TestNode> primaries = new java.util.HashMap<>();

	static final Map<String, TestNode> replicas = new java.util.HashMap<>();

	@BeforeAll
	static void start() throws Exception {
		posts = PostsCluster.start(ROLLBACK, WAL);
		cluster = posts.cluster();
		for (String database : List.of(ROLLBACK, WAL)) {
			createSessionTables(posts, database);
		}
		for (String database : List.of(ROLLBACK, WAL)) {
			primaries.put(database, app(cluster.primary(), database));
			replicas.put(database, app(cluster.node(1), database));
		}
	}

	/** Spring Session's SQLite schema in a database of the primary, replicated. */
	static void createSessionTables(PostsCluster posts, String database) throws Exception {
		String schema = StreamUtils.copyToString(
				new ClassPathResource("org/springframework/session/jdbc/schema-sqlite.sql").getInputStream(),
				StandardCharsets.UTF_8);
		try (Connection connection = posts.connectToPrimary(database);
				Statement statement = connection.createStatement()) {
			for (String sql : schema.split(";")) {
				if (!sql.isBlank()) {
					statement.execute(sql);
				}
			}
		}
		posts.cluster().awaitReplicated(database, Duration.ofSeconds(15));
	}

	private static TestNode app(LiteFsCluster.Node node, String database) {
		return posts.app(List.of(SessionPages.class), node, database, "litefs.routing.strategy=reject",
				"litefs.session.last-access-interval=" + INTERVAL_MILLIS + "ms", "spring.session.jdbc.cleanup-cron=* * * * * *",
				TestNode.WITH_SPRING_SESSION, "spring.session.jdbc.initialize-schema=never", "spring.session.timeout=10m");
	}

	@AfterAll
	static void stop() {
		if (posts != null) {
			posts.close();
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { ROLLBACK, WAL })
	void aChangeOnTheReplicaIsOnThePrimaryWhenTheAnswerArrivesAndTheSameClientSeesItOnEveryNode(String database)
			throws Exception {
		TestNode replica = replicas.get(database);

		HttpResponse<String> set = replica.get("/session/set?value=hello");

		assertThat(set.statusCode()).isEqualTo(200);
		String session = cookie(set, "SESSION").orElseThrow();
		assertThat(attributeOnPrimary(database, session)).as("in the primary's database as the answer arrives")
			.isTrue();
		String txid = cookie(set, "__txid").orElseThrow();
		assertThat(Long.parseLong(txid.substring(0, 16), 16)).isEqualTo(cluster.primary().txid(database));
		HttpResponse<String> onPrimary = primaries.get(database)
			.send(primaries.get(database).request("/session/get").header("Cookie", "SESSION=" + session));
		assertThat(onPrimary.body()).isEqualTo("hello");
		assertThat(get(replica, "/session/get", session).body()).isEqualTo("hello");
	}

	@ParameterizedTest
	@ValueSource(strings = { ROLLBACK, WAL })
	void readsOfASessionWriteNothingAndItsLastAccessIsWrittenOnceAnIntervalInTheBackground(String database)
			throws Exception {
		TestNode replica = replicas.get(database);
		awaitNoBackgroundWrites(database);
		String session = cookie(replica.get("/session/set?value=reader"), "SESSION").orElseThrow();
		long txid = cluster.primary().txid(database);
		long stored = lastAccessOnPrimary(database, session);

		for (int i = 0; i < 20; i++) {
			assertThat(get(replica, "/session/get", session).body()).isEqualTo("reader");
		}
		assertThat(cluster.primary().txid(database)).as("no write for reads within the interval").isEqualTo(txid);

		Thread.sleep(INTERVAL_MILLIS + 100);
		for (int i = 0; i < 20; i++) {
			assertThat(get(replica, "/session/get", session).body()).isEqualTo("reader");
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> lastAccessOnPrimary(database, session) > stored);
		Thread.sleep(INTERVAL_MILLIS + 500);
		assertThat(cluster.primary().txid(database)).as("one background write for 20 reads").isEqualTo(txid + 1);
	}

	/**
	 * Waits until the sessions of the tests before have had their last access written: at
	 * most one write an interval each, which would land among this test's reads.
	 */
	private static void awaitNoBackgroundWrites(String database) throws InterruptedException {
		long txid = cluster.primary().txid(database);
		while (true) {
			Thread.sleep(INTERVAL_MILLIS + 500);
			long now = cluster.primary().txid(database);
			if (now == txid) {
				return;
			}
			txid = now;
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { ROLLBACK, WAL })
	void aSessionInvalidatedOnTheReplicaIsRefusedThereAndOnThePrimaryAtOnce(String database) throws Exception {
		TestNode replica = replicas.get(database);
		String session = cookie(replica.get("/session/set?value=leaving"), "SESSION").orElseThrow();

		HttpResponse<String> logout = get(replica, "/session/invalidate", session);

		assertThat(logout.statusCode()).isEqualTo(200);
		assertThat(cookie(logout, "__txid")).isPresent();
		assertThat(get(replica, "/session/get", session).body()).isEqualTo("no session");
		assertThat(get(primaries.get(database), "/session/get", session).body()).isEqualTo("no session");
		assertThat(rowOnPrimary(database, session)).isFalse();
		assertThat(rowOnPrimary(database, cookie(replica.get("/session/set?value=staying"), "SESSION").orElseThrow()))
			.as("a session not invalidated").isTrue();
	}

	@Test
	void aSessionIdCopiedToAnotherClientIsRefusedOnTheReplicaOnceReplicationCaughtUp() throws Exception {
		TestNode primary = primaries.get(ROLLBACK);
		TestNode replica = replicas.get(ROLLBACK);
		String session = cookie(primary.get("/session/set?value=copied"), "SESSION").orElseThrow();
		await().atMost(Duration.ofSeconds(5)).until(() -> get(replica, "/session/get", session).body().equals("copied"));

		assertThat(get(primary, "/session/invalidate", session).statusCode()).isEqualTo(200);
		long invalidated = System.nanoTime();

		// the other client has no __txid cookie: it waits for nothing, and is refused once the delete replicated
		await().atMost(Duration.ofSeconds(5))
			.pollInterval(Duration.ofMillis(5))
			.until(() -> get(replica, "/session/get", session).body().equals("no session"));
		System.out.printf("copied session id refused on the replica %d ms after the logout%n",
				Duration.ofNanos(System.nanoTime() - invalidated).toMillis());
	}

	@Test
	void anExpiredSessionOnTheReplicaIsNoSessionAndOnlyThePrimaryDeletesIt(CapturedOutput output) throws Exception {
		String expired = "expired-" + System.nanoTime();
		try (Connection connection = posts.connectToPrimary(ROLLBACK);
				PreparedStatement insert = connection.prepareStatement("INSERT INTO SPRING_SESSION (PRIMARY_ID, "
						+ "SESSION_ID, CREATION_TIME, LAST_ACCESS_TIME, MAX_INACTIVE_INTERVAL, EXPIRY_TIME) "
						+ "VALUES (?, ?, 1, 1, 1, 1001)")) {
			insert.setString(1, expired);
			insert.setString(2, expired);
			insert.executeUpdate();
		}
		TestNode replica = replicas.get(ROLLBACK);
		assertThat(replica.bean(LiteFsSessionRepository.class).cleanUpOnPrimary()).as("cleanup on the replica")
			.isFalse();

		HttpResponse<String> read = get(replica, "/session/get", cookieOf(expired));

		assertThat(read.statusCode()).isEqualTo(200);
		assertThat(read.body()).isEqualTo("no session");
		await().atMost(Duration.ofSeconds(5)).until(() -> !rowOnPrimary(ROLLBACK, cookieOf(expired)));
		assertThat(output).doesNotContain("Unexpected error occurred in scheduled task")
			.doesNotContain("Removing expired sessions on the primary failed");
	}

	@Test
	void withoutSpringSessionANodeOfTheClusterWarnsOnceAndAStandaloneNodeIsSilent(CapturedOutput output,
			@org.junit.jupiter.api.io.TempDir java.nio.file.Path standalone) {
		String withoutSpringSession = "spring.autoconfigure.exclude="
				+ "org.springframework.boot.session.jdbc.autoconfigure.JdbcSessionAutoConfiguration,"
				+ "org.springframework.boot.session.autoconfigure.SessionAutoConfiguration";
		String warning = "keeps HTTP sessions in this server's memory";
		try (TestNode plain = TestNode.start(standalone, "app.db", "solo", withoutSpringSession)) {
			assertThat(plain.node().state().role().id()).isEqualTo("standalone");
			assertThat(output).doesNotContain(warning);
		}
		posts.app(cluster.node(1), ROLLBACK, withoutSpringSession);

		assertThat(output).containsOnlyOnce(warning)
			.contains("Node " + cluster.node(1).hostname() + " is part of a LiteFS cluster")
			.contains("spring-boot-starter-session-jdbc");
	}

	static HttpResponse<String> get(TestNode app, String path, String session) {
		return app.send(app.request(path).header("Cookie", "SESSION=" + session));
	}

	static Optional<String> cookie(HttpResponse<String> response, String name) {
		List<String> values = new ArrayList<>();
		for (String header : response.headers().allValues("Set-Cookie")) {
			if (header.startsWith(name + "=")) {
				values.add(header.substring(name.length() + 1, header.indexOf(';')));
			}
		}
		return values.isEmpty() ? Optional.empty() : Optional.of(values.get(values.size() - 1));
	}

	static boolean attributeOnPrimary(String database, String session) throws SQLException {
		return count(database, "SELECT COUNT(*) FROM SPRING_SESSION S JOIN SPRING_SESSION_ATTRIBUTES A "
				+ "ON S.PRIMARY_ID = A.SESSION_PRIMARY_ID WHERE S.SESSION_ID = ? AND A.ATTRIBUTE_NAME = 'value'",
				session) == 1;
	}

	static boolean rowOnPrimary(String database, String session) throws SQLException {
		return count(database, "SELECT COUNT(*) FROM SPRING_SESSION WHERE SESSION_ID = ?", session) == 1;
	}

	static long lastAccessOnPrimary(String database, String session) throws SQLException {
		return count(database, "SELECT LAST_ACCESS_TIME FROM SPRING_SESSION WHERE SESSION_ID = ?", session);
	}

	/** The session id in the cookie, which Spring Session encodes in Base64. */
	static String id(String cookie) {
		return new String(java.util.Base64.getDecoder().decode(cookie), StandardCharsets.UTF_8);
	}

	static String cookieOf(String id) {
		return java.util.Base64.getEncoder().encodeToString(id.getBytes(StandardCharsets.UTF_8));
	}

	private static long count(String database, String sql, String session) throws SQLException {
		try (Connection connection = posts.connectToPrimary(database);
				PreparedStatement query = connection.prepareStatement(sql)) {
			query.setString(1, id(session));
			try (ResultSet result = query.executeQuery()) {
				return result.next() ? result.getLong(1) : 0;
			}
		}
	}

	/** Pages that change and read the session in GETs, which no routing sends to the primary. */
	@RestController
	static class SessionPages {

		@GetMapping("/session/set")
		String set(HttpServletRequest request, @RequestParam String value) {
			request.getSession().setAttribute("value", value);
			return "set";
		}

		@GetMapping("/session/get")
		String get(HttpServletRequest request) {
			HttpSession session = request.getSession(false);
			Object value = (session != null) ? session.getAttribute("value") : null;
			return (value != null) ? value.toString() : "no session";
		}

		@GetMapping("/session/invalidate")
		String invalidate(HttpServletRequest request) {
			HttpSession session = request.getSession(false);
			if (session != null) {
				session.invalidate();
			}
			return "invalidated";
		}

	}

}
