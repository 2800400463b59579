package dev.litefs.spring.test.cluster;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The real-cluster fixture on real LiteFS: replication, a replica's refused write, and
 * stopping, killing and restarting one node while the other keeps running.
 */
@RealLiteFs
class LiteFsClusterTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(15);

	static LiteFsCluster cluster;

	@BeforeAll
	static void start() {
		cluster = LiteFsCluster.builder().nodes(2).start();
	}

	@AfterAll
	static void stop() {
		if (cluster != null) {
			cluster.close();
			assertThat(FuseMounts.under(cluster.root())).as("mounts left").isEmpty();
			assertThat(cluster.root()).doesNotExist();
		}
	}

	@Test
	void theReplicaNamesThePrimaryAndLiteFsSaysWhichVersionItIs() throws Exception {
		assertThat(cluster.primary().hostname()).isEqualTo("node-a");
		assertThat(cluster.node(1).mountDir().resolve(".primary")).hasContent("node-a");
		assertThat(Files.readString(cluster.node(1).mountDir().resolve(".primary"))).isEqualTo("node-a\n");
		assertThat(cluster.primary().mountDir().resolve(".primary")).doesNotExist();
		assertThat(cluster.binary().version()).startsWith("LiteFS");
	}

	@Test
	void aWriteOnThePrimaryReachesTheReplicaAndAReplicaWriteIsRefused() throws Exception {
		execute(cluster.primary(), "create table if not exists t (x integer)", "insert into t values (1)");
		long txid = cluster.awaitReplicated("app.db", TIMEOUT);

		assertThat(txid).isPositive();
		assertThat(cluster.node(1).txid("app.db")).isEqualTo(txid);
		assertThatExceptionOfType(SQLException.class)
			.isThrownBy(() -> execute(cluster.node(1), "insert into t values (2)"))
			.withMessageContaining("readonly");
	}

	@Test
	void aKilledReplicaComesBackAndCatchesUpWhileThePrimaryKeepsWriting() throws Exception {
		execute(cluster.primary(), "create table if not exists k (x integer)");
		cluster.awaitReplicated("app.db", TIMEOUT);
		LiteFsCluster.Node replica = cluster.node(1);
		long pid = replica.pid();

		replica.kill();

		assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
		assertThat(replica.isRunning()).isFalse();
		assertThat(Files.isReadable(replica.mountDir().resolve(".primary"))).as("the killed node's mount").isFalse();
		execute(cluster.primary(), "insert into k values (1)");

		replica.start();

		long txid = cluster.awaitReplicated("app.db", TIMEOUT);
		assertThat(replica.txid("app.db")).isEqualTo(txid);
		assertThat(count(replica, "k")).isEqualTo(1);
	}

	@Test
	void aStoppedReplicaUnmounts() throws Exception {
		LiteFsCluster.Node replica = cluster.node(1);
		replica.stop();
		try {
			assertThat(FuseMounts.isMounted(replica.mountDir())).isFalse();
		}
		finally {
			replica.start();
			replica.awaitPrimaryFile(TIMEOUT);
		}
	}

	@Test
	void theSweepRemovesWhatADeadJvmLeft() throws Exception {
		// a cluster folder named after a process that has ended, its LiteFS still running
		Process ended = new ProcessBuilder("true").start();
		ended.waitFor(10, TimeUnit.SECONDS);
		Path stale = LiteFsCluster.ROOT.resolve("cluster-" + ended.pid() + "-1");
		Path mount = Files.createDirectories(stale.resolve("node-a").resolve("mount"));
		Path config = stale.resolve("node-a").resolve("litefs.yml");
		Files.writeString(config, """
				fuse: {dir: "%s"}
				data: {dir: "%s"}
				http: {addr: "127.0.0.1:0"}
				lease: {type: "static", hostname: "node-a", advertise-url: "http://127.0.0.1:1", candidate: true}
				""".formatted(mount, stale.resolve("node-a").resolve("data")));
		Process litefs = new ProcessBuilder(cluster.binary().path().toString(), "mount", "-config", config.toString())
			.redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.DISCARD)
			.start();
		long deadline = System.nanoTime() + TIMEOUT.toNanos();
		while (!FuseMounts.isMounted(mount) && System.nanoTime() < deadline) {
			Thread.sleep(20);
		}
		assertThat(FuseMounts.under(stale)).containsExactly(mount);

		ClusterFolders.sweepStale();

		assertThat(litefs.waitFor(10, TimeUnit.SECONDS)).as("the orphan LiteFS was stopped").isTrue();
		assertThat(FuseMounts.under(stale)).isEmpty();
		assertThat(stale).doesNotExist();
		assertThat(cluster.node(1).isRunning()).as("a live JVM's cluster is left alone").isTrue();
	}

	static void execute(LiteFsCluster.Node node, String... statements) throws SQLException {
		try (Connection connection = connect(node); Statement statement = connection.createStatement()) {
			for (String sql : statements) {
				statement.execute(sql);
			}
		}
	}

	static long count(LiteFsCluster.Node node, String table) throws SQLException {
		try (Connection connection = connect(node); Statement statement = connection.createStatement()) {
			var result = statement.executeQuery("select count(*) from " + table);
			result.next();
			return result.getLong(1);
		}
	}

	private static Connection connect(LiteFsCluster.Node node) throws SQLException {
		return DriverManager.getConnection("jdbc:sqlite:" + node.mountDir().resolve("app.db"));
	}

}
