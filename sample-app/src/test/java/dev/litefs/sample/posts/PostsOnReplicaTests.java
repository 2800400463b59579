package dev.litefs.sample.posts;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;

import dev.litefs.spring.test.FakeLiteFsMount;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every read on a replica of {@code node-a}: the database arrived through replication
 * (migrated and written by the primary before this node started), and every read is
 * answered from it, here, without asking the primary. Writes go to the primary, here
 * by Fly.io's replay ({@code TwoNodeClusterTests} forwards them between two nodes).
 */
class PostsOnReplicaTests extends PostsAppTests {

	@TempDir
	static Path mountDir;

	static FakeLiteFsMount mount;

	@BeforeAll
	static void replicateFromThePrimary() throws SQLException {
		mount = FakeLiteFsMount.replicaOf(mountDir, "node-a").txid(42);
		Flyway.configure().dataSource(url(), null, null).load().migrate();
		writeOnThePrimary(1, "Written on the primary", "and shipped by LiteFS", "2025-01-31T12:00:00.000Z");
		writeOnThePrimary(2, "Second post", "", "2025-01-31T12:05:00.000Z");
	}

	@AfterEach
	void backToWhatWasReplicated() throws SQLException {
		try (Connection connection = DriverManager.getConnection(url());
				Statement delete = connection.createStatement()) {
			delete.executeUpdate("DELETE FROM posts WHERE id > 2");
		}
		mount.txid(42);
	}

	@DynamicPropertySource
	static void replicaMount(DynamicPropertyRegistry registry) {
		useMount(registry, mount, "node-b");
		registry.add("litefs.routing.strategy", () -> "fly-replay");
	}

	@ParameterizedTest
	@EnumSource
	void apiCreateIsReplayedOnThePrimary(Via via) {
		client(via).post()
			.uri("/api/posts")
			.contentType(MediaType.APPLICATION_JSON)
			.body("{\"title\": \"Written on a replica?\"}")
			.exchange()
			.expectStatus()
			.isEqualTo(HttpStatus.CONFLICT)
			.expectHeader()
			.valueEquals("fly-replay", "instance=node-a")
			.expectBody()
			.isEmpty();
		assertThat(titles(page(via))).containsExactly("Second post", "Written on the primary");
	}

	@ParameterizedTest
	@EnumSource
	void formPostIsReplayedOnThePrimary(Via via) {
		client(via).post()
			.uri("/posts")
			.contentType(MediaType.APPLICATION_FORM_URLENCODED)
			.body(form("Written on a replica?", ""))
			.exchange()
			.expectStatus()
			.isEqualTo(HttpStatus.CONFLICT)
			.expectHeader()
			.valueEquals("fly-replay", "instance=node-a");
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
		mount.txid(43);

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

	private static String url() {
		return "jdbc:sqlite:" + mount.dir().resolve(mount.database());
	}

	/** What LiteFS does on a replica: the primary's transaction appears in the local database. */
	private static void writeOnThePrimary(long id, String title, String body, String createdAt) throws SQLException {
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
