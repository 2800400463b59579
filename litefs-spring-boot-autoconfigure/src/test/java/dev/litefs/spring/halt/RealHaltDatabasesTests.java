package dev.litefs.spring.halt;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import dev.litefs.spring.halt.LiteFsHaltException.Reason;
import dev.litefs.spring.test.cluster.LiteFsCluster;
import dev.litefs.spring.test.cluster.RealLiteFs;
import dev.litefs.spring.testapp.ClusterNode;
import dev.litefs.spring.testapp.PostsCluster;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sqlite.SQLiteException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * {@link LiteFsHalt} for a database other than the node's main one, on a real two-node
 * LiteFS cluster: the replica writes to {@code journal.db} (rollback journal) or
 * {@code wal.db} (WAL) under that database's own {@code <db>-lock}, which halts that
 * database only.
 */
@RealLiteFs
class RealHaltDatabasesTests {

	static PostsCluster posts;

	static LiteFsCluster cluster;

	static ClusterNode replica;

	static LiteFsHalt halt;

	@BeforeAll
	static void start() throws SQLException {
		posts = PostsCluster.start("journal.db", "wal.db");
		cluster = posts.cluster();
		// the main database (app.db) is neither of them
		replica = ClusterNode.start(cluster.node(1), "app.db", Duration.ofMillis(200));
		await().atMost(Duration.ofSeconds(10)).until(() -> replica.node().state().role().id().equals("replica"));
		halt = new LiteFsHalt(replica.node(), Duration.ofSeconds(5), Duration.ofSeconds(1), ObservationRegistry.NOOP,
				replica.scheduler());
	}

	@AfterAll
	static void stop() {
		if (replica != null) {
			replica.close();
		}
		if (posts != null) {
			posts.close();
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "journal.db", "wal.db" })
	void aBlockWritesAnotherDatabaseUnderItsOwnLockAndTheRowReachesThePrimaryThenTheReplica(String db)
			throws Exception {
		assertThat(halt.lockFile(db)).isEqualTo(cluster.node(1).mountDir().resolve(db + "-lock"));
		assertThatExceptionOfType(SQLException.class).as("without the lock")
			.isThrownBy(() -> insertOnReplica(db, "unlocked"));

		int inserted = halt.call(db, () -> insertOnReplica(db, "halted"));

		assertThat(inserted).isEqualTo(1);
		assertThat(countOnPrimary(db, "halted")).as("on the primary").isEqualTo(1);
		assertThat(countOnPrimary(db, "unlocked")).isZero();
		await().atMost(Duration.ofSeconds(10)).until(() -> countOnReplica(db, "halted") == 1);
	}

	@Test
	void theLockOfOneDatabaseDoesNotLetTheReplicaWriteAnother() throws Exception {
		assertThatExceptionOfType(UncheckedSql.class)
			.isThrownBy(() -> halt.run("journal.db", () -> uncheckedInsertOnReplica("wal.db", "under the other lock")))
			.havingCause()
			.isInstanceOf(SQLiteException.class);
		assertThat(countOnPrimary("wal.db", "under the other lock")).isZero();

		// nested: each database under its own lock
		halt.run("journal.db", () -> halt.run("wal.db", () -> {
			uncheckedInsertOnReplica("journal.db", "both");
			uncheckedInsertOnReplica("wal.db", "both");
		}));
		assertThat(countOnPrimary("journal.db", "both")).isEqualTo(1);
		assertThat(countOnPrimary("wal.db", "both")).isEqualTo(1);
	}

	@Test
	void aNameThatIsNotADatabaseIsRefusedBeforeAnyLock() {
		assertThatIllegalArgumentException().isThrownBy(() -> halt.run("../wal.db", () -> {
		})).withMessageContaining("no '/'");
	}

	@Test
	void aDatabaseTheReplicaDoesNotHaveFailsToLock() {
		assertThatExceptionOfType(LiteFsHaltException.class).isThrownBy(() -> halt.run("nowhere.db", () -> {
		})).satisfies((ex) -> assertThat(ex.reason()).as(ex.getMessage()).isIn(Reason.FAILED, Reason.REFUSED));
	}

	private static int insertOnReplica(String db, String title) throws SQLException {
		try (Connection connection = replica(db); Statement statement = connection.createStatement()) {
			return statement.executeUpdate("insert into posts (title, node) values ('" + title + "', 'node-b')");
		}
	}

	/** For a {@link Runnable} block: the SQLException travels out unchecked, unwrapped by the caller. */
	private static void uncheckedInsertOnReplica(String db, String title) {
		try {
			insertOnReplica(db, title);
		}
		catch (SQLException ex) {
			throw new UncheckedSql(ex);
		}
	}

	private static long countOnReplica(String db, String title) throws SQLException {
		try (Connection connection = replica(db)) {
			return count(connection, title);
		}
	}

	private static long countOnPrimary(String db, String title) throws SQLException {
		try (Connection connection = posts.connectToPrimary(db)) {
			return count(connection, title);
		}
	}

	private static long count(Connection connection, String title) throws SQLException {
		try (Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("select count(*) from posts where title = '" + title + "'")) {
			result.next();
			return result.getLong(1);
		}
	}

	private static Connection replica(String db) throws SQLException {
		Connection connection = DriverManager.getConnection("jdbc:sqlite:" + cluster.node(1).mountDir().resolve(db));
		try (Statement statement = connection.createStatement()) {
			statement.execute("pragma busy_timeout = 5000");
		}
		return connection;
	}

	/** An SQLException out of a {@link Runnable}. */
	static final class UncheckedSql extends RuntimeException {

		UncheckedSql(SQLException cause) {
			super(cause);
		}

	}

}
