package dev.litefs.sample.posts;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;

import dev.litefs.sample.DemoUser;
import dev.litefs.spring.test.autoconfigure.AutoConfigureLiteFs;
import dev.litefs.spring.test.autoconfigure.AutoConfigureLiteFs.Role;
import dev.litefs.spring.test.autoconfigure.LiteFsTestMount;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.servlet.client.ExchangeResult;

import static dev.litefs.spring.test.autoconfigure.LiteFsAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every read on a replica of {@code node-a}: the database arrives through replication
 * (migrated and written by the primary), and every read is answered from it, here,
 * without asking the primary. Writes go to the primary, here by Fly.io's replay
 * ({@code TwoNodeClusterTests} forwards them between two nodes). The replica starts
 * without waiting for the schema ({@code replica-mode=skip}); what the primary wrote
 * appears before each test, as LiteFS would ship it.
 */
@AutoConfigureLiteFs(role = Role.REPLICA, hostname = "node-b", primary = "node-a", txid = 42)
@TestPropertySource(properties = { "litefs.routing.strategy=fly-replay", "litefs.schema.replica-mode=skip" })
class PostsOnReplicaTests extends PostsAppTests {

	@Autowired
	LiteFsTestMount mount;

	@BeforeEach
	void replicateFromThePrimary() throws SQLException {
		Flyway.configure().dataSource(url(), null, null).load().migrate();
		try (Connection connection = DriverManager.getConnection(url());
				Statement delete = connection.createStatement()) {
			delete.executeUpdate("DELETE FROM posts");
		}
		writeOnThePrimary(1, "Written on the primary", "and shipped by LiteFS", "2025-01-31T12:00:00.000Z");
		writeOnThePrimary(2, "Second post", "", "2025-01-31T12:05:00.000Z");
	}

	@ParameterizedTest
	@EnumSource
	void apiCreateIsReplayedOnThePrimary(Via via) {
		ExchangeResult answer = client(via).post()
			.uri("/api/posts")
			.header(DemoUser.AUTHORIZATION, DemoUser.BASIC)
			.contentType(MediaType.APPLICATION_JSON)
			.body("{\"title\": \"Written on a replica?\"}")
			.exchange()
			.expectBody()
			.isEmpty();

		assertThat(answer).wasReplayedTo("node-a");
		assertThat(titles(page(via))).containsExactly("Second post", "Written on the primary");
	}

	@ParameterizedTest
	@EnumSource
	void formPostIsReplayedOnThePrimary(Via via) {
		assertThat(client(via).post()
			.uri("/posts")
			.contentType(MediaType.APPLICATION_FORM_URLENCODED)
			.body(form("Written on a replica?", ""))
			.exchange()
			.returnResult()).wasReplayedTo("node-a");
		assertThat(titles(page(via))).containsExactly("Second post", "Written on the primary");
	}

	@ParameterizedTest
	@EnumSource
	void pageListsTheReplicatedPostsAndNamesTheReplicaAndItsPrimary(Via via) {
		String page = page(via);

		assertThat(titles(page)).containsExactly("Second post", "Written on the primary");
		assertThat(texts(page, "host")).allMatch("node-a"::equals);
		assertThat(page).contains("<time datetime=\"2025-01-31T12:00:00Z\">2025-01-31 12:00 UTC</time>");
		assertThat(texts(page, "hostname")).containsExactly("node-b");
		assertThat(texts(page, "role")).containsExactly("replica");
		assertThat(texts(page, "primary")).containsExactly("node-a");
		assertThat(texts(page, "txid")).containsExactly("000000000000002a");
	}

	@ParameterizedTest
	@EnumSource
	void pageShowsReplicationAsItArrives(Via via) throws SQLException {
		writeOnThePrimary(3, "Arrived by replication", "", "2025-02-01T08:00:00.000Z");
		this.mount.txid(43);

		String page = page(via);

		assertThat(titles(page)).containsExactly("Arrived by replication", "Second post", "Written on the primary");
		assertThat(texts(page, "txid")).containsExactly("000000000000002b");
	}

	@ParameterizedTest
	@EnumSource
	void apiListsTheReplicatedPostsNewestFirst(Via via) {
		client(via).get()
			.uri("/api/posts")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.length()").isEqualTo(2)
			.jsonPath("$[0].id").isEqualTo(2)
			.jsonPath("$[0].title").isEqualTo("Second post")
			.jsonPath("$[1].id").isEqualTo(1)
			.jsonPath("$[1].title").isEqualTo("Written on the primary")
			.jsonPath("$[1].hostname").isEqualTo("node-a");
	}

	@ParameterizedTest
	@EnumSource
	void apiReadsOneReplicatedPost(Via via) {
		client(via).get()
			.uri("/api/posts/1")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.json("""
					{"id": 1, "title": "Written on the primary", "body": "and shipped by LiteFS",
					 "createdAt": "2025-01-31T12:00:00Z", "hostname": "node-a"}
					""");
	}

	private String url() {
		return "jdbc:sqlite:" + this.mount.database();
	}

	/** What LiteFS does on a replica: the primary's transaction appears in the local database. */
	private void writeOnThePrimary(long id, String title, String body, String createdAt) throws SQLException {
		try (Connection connection = DriverManager.getConnection(url());
				PreparedStatement insert = connection.prepareStatement(
						"INSERT INTO posts (id, title, body, created_at, hostname) VALUES (?, ?, ?, ?, 'node-a')")) {
			insert.setLong(1, id);
			insert.setString(2, title);
			insert.setString(3, body);
			insert.setString(4, createdAt);
			insert.executeUpdate();
		}
	}

}
