package dev.litefs.spring.session;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

import dev.litefs.spring.test.cluster.LiteFsCluster;
import dev.litefs.spring.test.cluster.RealLiteFs;
import dev.litefs.spring.testapp.TestNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.core.io.ClassPathResource;
import org.springframework.util.StreamUtils;

import static dev.litefs.spring.session.RealSessionsTests.cookie;
import static dev.litefs.spring.session.RealSessionsTests.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Spring Session JDBC with {@code litefs.session.enabled=false} on a real two-node LiteFS
 * cluster, in both journal modes: Spring Session's own repository writes a signed-in
 * user's last-access time in every request, which SQLite refuses on the replica. Such a
 * request is answered {@code 503 Session not saved on a replica} (a problem detail, for a
 * browser too) naming {@code litefs.session.enabled}, with one WARN, instead
 * of the container's bare {@code 500}.
 */
@RealLiteFs
@ExtendWith(OutputCaptureExtension.class)
class RealSessionsDisabledTests {

	private static final String PRIMARY = "127.0.0.1";

	static LiteFsCluster cluster;

	static final java.util.Map<String, TestNode> primaries = new java.util.HashMap<>();

	static final java.util.Map<String, TestNode> replicas = new java.util.HashMap<>();

	@BeforeAll
	static void start() throws Exception {
		cluster = LiteFsCluster.builder().hostnames(PRIMARY, "node-b").start();
		String schema = StreamUtils.copyToString(
				new ClassPathResource("org/springframework/session/jdbc/schema-sqlite.sql").getInputStream(),
				StandardCharsets.UTF_8);
		for (String database : List.of("app.db", "wal.db")) {
			try (Connection connection = DriverManager
				.getConnection("jdbc:sqlite:" + cluster.primary().mountDir().resolve(database));
					Statement statement = connection.createStatement()) {
				statement.execute("PRAGMA journal_mode=" + (database.equals("wal.db") ? "wal" : "delete"));
				statement.execute("create table posts (id integer primary key autoincrement, title text not null, "
						+ "node text not null)");
				for (String sql : schema.split(";")) {
					if (!sql.isBlank()) {
						statement.execute(sql);
					}
				}
			}
			cluster.awaitReplicated(database, Duration.ofSeconds(15));
			TestNode primary = app(cluster.primary(), database, "litefs.routing.strategy=forward");
			primaries.put(database, primary);
			replicas.put(database, app(cluster.node(1), database, "litefs.routing.strategy=forward",
					"litefs.routing.forward.url-template=http://{primary}:" + primary.port()));
		}
	}

	private static TestNode app(LiteFsCluster.Node node, String database, String... properties) {
		List<String> all = new java.util.ArrayList<>(List.of("litefs.api-url=" + node.apiUrl(),
				"litefs.session.enabled=false", TestNode.WITH_SPRING_SESSION,
				"spring.session.jdbc.initialize-schema=never"));
		all.addAll(List.of(properties));
		return TestNode.start(List.of(RealSessionsTests.SessionPages.class), node.mountDir(), database,
				node.hostname(), all.toArray(String[]::new));
	}

	@AfterAll
	static void stop() {
		for (TestNode node : replicas.values()) {
			node.close();
		}
		for (TestNode node : primaries.values()) {
			node.close();
		}
		if (cluster != null) {
			cluster.close();
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "app.db", "wal.db" })
	void aSignedInUsersRequestOnTheReplicaIsA503NamingThePropertyWithOneWarn(String database,
			CapturedOutput output) throws Exception {
		String session = cookie(primaries.get(database).get("/session/set?value=signed-in"), "SESSION")
			.orElseThrow();
		await().atMost(Duration.ofSeconds(10))
			.until(() -> cluster.node(1).txid(database) >= cluster.primary().txid(database));

		HttpResponse<String> read = get(replicas.get(database), "/session/get", session);
		HttpResponse<String> page = replicas.get(database)
			.send(replicas.get(database)
				.request("/session/get")
				.header("Cookie", "SESSION=" + session)
				.header("Accept", "text/html"));

		assertThat(read.statusCode()).as(read.body()).isEqualTo(503);
		assertThat(read.headers().firstValue("Content-Type")).hasValue("application/problem+json");
		assertThat(read.body()).contains("\"title\":\"Session not saved on a replica\"")
			.contains("\"property\":\"litefs.session.enabled\"")
			.contains("litefs.session.enabled=false");
		assertThat(page.statusCode()).isEqualTo(503);
		assertThat(page.headers().firstValue("Content-Type")).as("no error page, which would write the session again")
			.hasValue("application/problem+json");
		assertThat(primaries.get(database).get("/session/get").statusCode()).as("the primary").isEqualTo(200);
		assertThat(output).containsOnlyOnce("Spring Session's own repository wrote a session on replica node-b ("
				+ database + ") and SQLite refused it")
			.contains("set litefs.session.enabled=true")
			.doesNotContain(" ERROR ");
	}

}
