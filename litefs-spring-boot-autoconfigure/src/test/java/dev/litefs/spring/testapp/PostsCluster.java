package dev.litefs.spring.testapp;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.litefs.spring.test.cluster.LiteFsCluster;

/**
 * A real two-node LiteFS cluster whose primary holds the test app's {@code posts} table in
 * two databases, one in each journal mode SQLite offers on LiteFS (rollback journal and
 * WAL), replicated to the other node; and the test apps started on it, closed before the
 * cluster (a WAL-mode connection maps the mount's {@code -shm}).
 */
public final class PostsCluster implements AutoCloseable {

	private final LiteFsCluster cluster;

	private final List<TestNode> apps = new ArrayList<>();

	private PostsCluster(LiteFsCluster cluster) {
		this.cluster = cluster;
	}

	/**
	 * Starts a cluster with {@code posts} in {@code rollback.db} and {@code wal.db}.
	 * @return the cluster, replicated
	 * @throws SQLException when the tables cannot be made
	 */
	public static PostsCluster start() throws SQLException {
		return start("rollback.db", "wal.db");
	}

	/**
	 * Starts a cluster with {@code posts} in two databases.
	 * @param rollbackDatabase the database in rollback-journal mode
	 * @param walDatabase the database in WAL mode
	 * @return the cluster, replicated
	 * @throws SQLException when the tables cannot be made
	 */
	public static PostsCluster start(String rollbackDatabase, String walDatabase) throws SQLException {
		PostsCluster posts = new PostsCluster(LiteFsCluster.builder().nodes(2).start());
		try {
			posts.createPosts(rollbackDatabase, "delete");
			posts.createPosts(walDatabase, "wal");
			posts.cluster.awaitReplicated(rollbackDatabase, Duration.ofSeconds(15));
			posts.cluster.awaitReplicated(walDatabase, Duration.ofSeconds(15));
		}
		catch (SQLException | RuntimeException ex) {
			posts.close();
			throw ex;
		}
		return posts;
	}

	public LiteFsCluster cluster() {
		return this.cluster;
	}

	/**
	 * Starts the test app on a node, on its LiteFS API; closed with the cluster.
	 * @param node the node
	 * @param database the database it opens
	 * @param properties more properties, {@code name=value}
	 * @return the running app
	 */
	public TestNode app(LiteFsCluster.Node node, String database, String... properties) {
		return app(List.of(), node, database, properties);
	}

	/**
	 * Starts the test app on a node, as {@link #app(LiteFsCluster.Node, String, String...)},
	 * with more configuration classes of the application's own beans.
	 * @param sources the configuration classes
	 * @param node the node
	 * @param database the database it opens
	 * @param properties more properties, {@code name=value}
	 * @return the running app
	 */
	public TestNode app(List<Class<?>> sources, LiteFsCluster.Node node, String database, String... properties) {
		List<String> all = new ArrayList<>(List.of("litefs.api-url=" + node.apiUrl()));
		all.addAll(List.of(properties));
		TestNode app = TestNode.start(sources, node.mountDir(), database, node.hostname(), all.toArray(String[]::new));
		this.apps.add(app);
		return app;
	}

	/**
	 * A connection to a database on the primary's mount, outside any app.
	 * @param database the database
	 * @return the connection, waiting up to 10 s for a lock
	 * @throws SQLException when it cannot be opened
	 */
	public Connection connectToPrimary(String database) throws SQLException {
		Connection connection = DriverManager
			.getConnection("jdbc:sqlite:" + this.cluster.primary().mountDir().resolve(database));
		try (Statement statement = connection.createStatement()) {
			statement.execute("pragma busy_timeout = 10000");
		}
		return connection;
	}

	/**
	 * How many posts a database on the primary holds.
	 * @param database the database
	 * @return the rows of {@code posts}
	 * @throws SQLException when they cannot be counted
	 */
	public long rowsOnPrimary(String database) throws SQLException {
		try (Connection connection = connectToPrimary(database); Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("select count(*) from posts")) {
			result.next();
			return result.getLong(1);
		}
	}

	/** Closes the apps, the latest first, then the cluster. */
	@Override
	public void close() {
		for (int i = this.apps.size() - 1; i >= 0; i--) {
			this.apps.get(i).close();
		}
		this.cluster.close();
	}

	private void createPosts(String database, String journalMode) throws SQLException {
		try (Connection connection = connectToPrimary(database); Statement statement = connection.createStatement()) {
			statement.execute("pragma journal_mode=" + journalMode);
			statement.execute("create table posts (id integer primary key autoincrement, title text not null, "
					+ "node text not null)");
		}
	}

}
