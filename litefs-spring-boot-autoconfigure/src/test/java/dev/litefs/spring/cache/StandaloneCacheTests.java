package dev.litefs.spring.cache;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.litefs.spring.testapp.Posts;
import dev.litefs.spring.testapp.TestNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.cache.CacheManager;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * TXID-stamped caches on a standalone node (a plain directory, no LiteFS), in both
 * journal modes, through the application's own {@code @Cacheable} beans: an entry is
 * served until a change is committed to the database, whether the application wrote it,
 * another connection of the process, or another process; and not kept from a transaction
 * that wrote and rolled back.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StandaloneCacheTests {

	private Map<String, TestNode> nodes;

	private Path dir;

	@BeforeAll
	void startNodes(@TempDir Path dir) {
		this.dir = dir;
		this.nodes = Map.of("delete", standalone("delete"), "wal", standalone("wal"));
	}

	/**
	 * A standalone node, its pool opened: the pool's first connection switches the file to
	 * the journal mode, a change that would drop the entries of a first lookup before it.
	 */
	private TestNode standalone(String journalMode) {
		TestNode node = TestNode.standalone(List.of(CachedCounts.class, RollingBack.class), this.dir.resolve(journalMode),
				"litefs.cache.enabled=true", "spring.datasource.hikari.data-source-properties.journal_mode=" + journalMode);
		node.rows();
		return node;
	}

	@AfterAll
	void stopNodes() {
		this.nodes.values().forEach(TestNode::close);
	}

	@ParameterizedTest
	@ValueSource(strings = { "delete", "wal" })
	void anEntryIsServedUntilTheApplicationCommitsAWrite(String journalMode) {
		TestNode node = this.nodes.get(journalMode);
		assertThat(count(node)).isEqualTo(node.rows());
		int runs = node.calls().of("cached-count");
		assertThat(count(node)).isEqualTo(node.rows());
		assertThat(node.calls().of("cached-count")).as("served from the cache").isEqualTo(runs);
		assertThat(node.postJson("/posts", "{\"title\":\"standalone\"}").statusCode()).isEqualTo(201);
		assertThat(count(node)).isEqualTo(node.rows());
		assertThat(node.calls().of("cached-count")).isEqualTo(runs + 1);
	}

	@ParameterizedTest
	@ValueSource(strings = { "delete", "wal" })
	void anEntryIsDroppedWhenAnotherConnectionCommitsAWrite(String journalMode) throws SQLException {
		TestNode node = this.nodes.get(journalMode);
		long before = cachedCount(node);
		try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + database(journalMode));
				Statement statement = connection.createStatement()) {
			statement.execute("insert into posts (title, node) values ('another connection', 'test')");
		}
		assertThat(count(node)).isEqualTo(before + 1);
	}

	@ParameterizedTest
	@ValueSource(strings = { "delete", "wal" })
	void anEntryIsDroppedWhenAnotherProcessCommitsAWrite(String journalMode) throws Exception {
		TestNode node = this.nodes.get(journalMode);
		long before = cachedCount(node);
		Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
				"-cp", System.getProperty("java.class.path"), AnotherProcess.class.getName(),
				database(journalMode).toString())
			.inheritIO()
			.start();
		assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
		assertThat(process.exitValue()).isZero();
		assertThat(count(node)).isEqualTo(before + 1);
	}

	@ParameterizedTest
	@ValueSource(strings = { "delete", "wal" })
	void anEntryComputedInATransactionThatRollsBackIsNotKept(String journalMode) {
		TestNode node = this.nodes.get(journalMode);
		long before = cachedCount(node);
		node.bean(CacheManager.class).getCache("counts").clear();
		assertThatIllegalStateException().isThrownBy(() -> node.bean(RollingBack.class).insertCountAndRollBack())
			.withMessage("rolled back at " + (before + 1));
		assertThat(count(node)).isEqualTo(before);
	}

	private long count(TestNode node) {
		return Long.parseLong(node.get("/cached/count").body());
	}

	/** The count, read twice: the second time from the cache. */
	private long cachedCount(TestNode node) {
		count(node);
		int runs = node.calls().of("cached-count");
		long count = count(node);
		assertThat(node.calls().of("cached-count")).as("served from the cache").isEqualTo(runs);
		return count;
	}

	private Path database(String journalMode) {
		return this.dir.resolve(journalMode).resolve("app.db");
	}

	/** A transaction that writes, reads the cached count (its own write in it), and rolls back. */
	@Component
	static class RollingBack {

		private final Posts posts;

		private final CachedCounts.CountController counts;

		RollingBack(Posts posts, CachedCounts.CountController counts) {
			this.posts = posts;
			this.counts = counts;
		}

		@Transactional
		public void insertCountAndRollBack() {
			this.posts.create("rolled back");
			throw new IllegalStateException("rolled back at " + this.counts.count());
		}

	}

	/** Another process writing a row to the database named by its argument. */
	static final class AnotherProcess {

		public static void main(String[] args) throws SQLException, IOException {
			try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + args[0]);
					Statement statement = connection.createStatement()) {
				statement.execute("pragma busy_timeout=10000");
				statement.execute("insert into posts (title, node) values ('another process', 'test')");
			}
		}

	}

}
