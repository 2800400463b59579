package dev.litefs.spring.test.cluster;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * A replica filtered by LiteFS's {@code lease.databases}, on real LiteFS: it has the
 * databases it names and nothing of the others, and an application that opens another
 * there gets an empty local database.
 */
class LiteFsClusterDatabaseFilterTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(15);

	@Test
	void aFilterOnThePrimaryIsRefusedBeforeLiteFsIs() {
		assertThatIllegalStateException()
			.isThrownBy(() -> LiteFsCluster.builder().nodes(2).databaseFilter(0, "app.db").start())
			.withMessageContaining("node-a")
			.withMessageContaining("put the database filter on a replica");
	}

	@Test
	void aFilterNamesAnExistingNodeAndPlainFileNames() {
		assertThatIllegalArgumentException().isThrownBy(() -> LiteFsCluster.builder().nodes(2).databaseFilter(2, "a.db"))
			.withMessageContaining("No node 2");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> LiteFsCluster.builder().nodes(2).databaseFilter(1, "a.db,b.db"))
			.withMessageContaining("'a.db,b.db'");
		assertThatIllegalArgumentException().isThrownBy(() -> LiteFsCluster.builder().nodes(2).databaseFilter(1, " "));
	}

	@Nested
	@RealLiteFs
	class OnRealLiteFs {

		static LiteFsCluster cluster;

		@BeforeAll
		static void start() throws SQLException {
			cluster = LiteFsCluster.builder().nodes(3).databaseFilter(2, "app.db", "c.db").start();
			for (String database : new String[] { "app.db", "b.db", "c.db", "d.db" }) {
				execute(cluster.primary(), database, "create table t (x integer)", "insert into t values (1)");
			}
		}

		@AfterAll
		static void stop() {
			if (cluster != null) {
				cluster.close();
				assertThat(FuseMounts.under(cluster.root())).as("mounts left").isEmpty();
			}
		}

		@Test
		void theFilteredReplicaHasOnlyTheDatabasesItNames() throws SQLException {
			LiteFsCluster.Node filtered = cluster.node(2);
			long b = cluster.awaitReplicated("b.db", TIMEOUT);
			long c = cluster.awaitReplicated("c.db", TIMEOUT);

			assertThat(filtered.databaseFilter()).containsExactly("app.db", "c.db");
			assertThat(filtered.replicates("b.db")).isFalse();
			assertThat(cluster.node(1).replicates("b.db")).isTrue();
			assertThat(cluster.node(1).txid("b.db")).isEqualTo(b).isPositive();
			assertThat(filtered.txid("c.db")).isEqualTo(c).isPositive();
			assertThat(count(filtered, "c.db")).isEqualTo(1);
			assertThat(filtered.mountDir().resolve("b.db")).doesNotExist();
			assertThat(filtered.mountDir().resolve("b.db-pos")).doesNotExist();
		}

		@Test
		void openingAnExcludedDatabaseThereCreatesAnEmptyLocalOneAtPositionZero() throws SQLException {
			LiteFsCluster.Node filtered = cluster.node(2);
			cluster.awaitReplicated("d.db", TIMEOUT);
			Path excluded = filtered.mountDir().resolve("d.db");
			assertThat(excluded).doesNotExist();

			assertThatExceptionOfType(SQLException.class).isThrownBy(() -> count(filtered, "d.db"))
				.withMessageContaining("no such table: t");

			assertThat(excluded).exists().isEmptyFile();
			assertThat(filtered.mountDir().resolve("d.db-pos")).hasContent("0000000000000000/0000000000000000");
			assertThat(filtered.txid("d.db")).isZero();
		}

		@Test
		void aFilteredReplicaCannotBecomeThePrimary() {
			assertThatIllegalArgumentException().isThrownBy(() -> cluster.promote(cluster.node(2)))
				.withMessageContaining("lease.databases");
			assertThat(cluster.node(2).isRunning()).isTrue();
		}

	}

	static void execute(LiteFsCluster.Node node, String database, String... statements) throws SQLException {
		try (Connection connection = connect(node, database); Statement statement = connection.createStatement()) {
			for (String sql : statements) {
				statement.execute(sql);
			}
		}
	}

	static long count(LiteFsCluster.Node node, String database) throws SQLException {
		try (Connection connection = connect(node, database); Statement statement = connection.createStatement()) {
			var result = statement.executeQuery("select count(*) from t");
			result.next();
			return result.getLong(1);
		}
	}

	private static Connection connect(LiteFsCluster.Node node, String database) throws SQLException {
		return DriverManager.getConnection("jdbc:sqlite:" + node.mountDir().resolve(database));
	}

}
