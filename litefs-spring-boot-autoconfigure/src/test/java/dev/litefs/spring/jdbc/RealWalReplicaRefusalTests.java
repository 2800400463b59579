package dev.litefs.spring.jdbc;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import dev.litefs.spring.test.cluster.LiteFsCluster;
import dev.litefs.spring.test.cluster.RealLiteFs;
import dev.litefs.spring.testapp.TestNode;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Writes a real WAL-mode LiteFS replica refuses ({@code SQLITE_IOERR_WRITE}), 8 at a
 * time, while the primary commits and the replica applies its transactions: each is
 * routed, and the pool opens no connection for them. Evicting the connection of each
 * refused write made Hikari open one per write, and opening connections on a WAL replica
 * while LiteFS rewrites its {@code -shm} crashed the JVM with {@code SIGBUS} (issue 27):
 * this JVM is the replica's, so a crash ends the run.
 */
@RealLiteFs
@ExtendWith(OutputCaptureExtension.class)
class RealWalReplicaRefusalTests {

	private static final int ROUNDS = 8;

	private static final int AT_A_TIME = 8;

	static LiteFsCluster cluster;

	static TestNode replica;

	@BeforeAll
	static void start() throws SQLException {
		cluster = LiteFsCluster.builder().nodes(2).start();
		try (Connection connection = primaryConnection(); Statement statement = connection.createStatement()) {
			statement.execute("pragma journal_mode=wal");
			statement.execute("create table posts (id integer primary key autoincrement, title text not null, "
					+ "node text not null)");
		}
		cluster.awaitReplicated("app.db", Duration.ofSeconds(15));
		LiteFsCluster.Node nodeB = cluster.node(1);
		replica = TestNode.start(nodeB.mountDir(), "app.db", "node-b", "litefs.api-url=" + nodeB.apiUrl(),
				"litefs.routing.strategy=reject");
	}

	@AfterAll
	static void stop() {
		// the app first: its connections map the mount's -shm
		if (replica != null) {
			replica.close();
		}
		if (cluster != null) {
			cluster.close();
		}
	}

	@Test
	void refusedWritesAreRoutedWithoutOpeningConnectionsOrLoggingTraces(CapturedOutput output) throws Exception {
		HikariDataSource pool = (HikariDataSource) replica.bean(DataSource.class);
		replica.rows(); // the pool starts with its first connection, and fills itself
		await().atMost(Duration.ofSeconds(10))
			.until(() -> pool.getHikariPoolMXBean().getTotalConnections() == pool.getMaximumPoolSize());
		long opened = connectionsOpened();
		long replicated = cluster.node(1).txid("app.db");

		AtomicBoolean writing = new AtomicBoolean(true);
		AtomicInteger committed = new AtomicInteger();
		CompletableFuture<Void> primaryWrites = CompletableFuture.runAsync(() -> writeOnThePrimary(writing, committed));
		List<Integer> statuses = new ArrayList<>();
		try {
			for (int round = 0; round < ROUNDS; round++) {
				List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
				for (int i = 0; i < AT_A_TIME; i++) {
					answers.add(replica.sendAsync(replica.request("/posts/unannotated")
						.header("Content-Type", "application/json")
						.POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"title\":\"refused\"}"))));
				}
				for (CompletableFuture<HttpResponse<String>> answer : answers) {
					HttpResponse<String> response = answer.get();
					statuses.add(response.statusCode());
					assertThat(response.body()).contains("Not the primary");
				}
			}
		}
		finally {
			writing.set(false);
			primaryWrites.get();
		}

		assertThat(statuses).hasSize(ROUNDS * AT_A_TIME).containsOnly(503);
		assertThat(committed).as("the primary's own commits").hasPositiveValue();
		assertThat(cluster.node(1).txid("app.db")).as("the replica applied them meanwhile").isGreaterThan(replicated);
		assertThat(connectionsOpened()).as("connections the pool opened").isEqualTo(opened);
		assertThat(pool.getHikariPoolMXBean().getTotalConnections()).isEqualTo(pool.getMaximumPoolSize());
		assertThat(output.getOut()).contains("SQLITE_IOERR_WRITE")
			.doesNotContain("marked as broken")
			.doesNotContain("\tat ");
		// reads on the replica go on, and see what it applied
		await().atMost(Duration.ofSeconds(10)).until(() -> replica.rows() == committed.get());
	}

	/** Hikari's own count of the connections its pool created ({@code hikaricp.connections.creation}). */
	private static long connectionsOpened() {
		Timer creation = replica.bean(MeterRegistry.class).find("hikaricp.connections.creation").timer();
		assertThat(creation).as("Hikari's metrics").isNotNull();
		return creation.count();
	}

	private static void writeOnThePrimary(AtomicBoolean writing, AtomicInteger committed) {
		try (Connection connection = primaryConnection(); Statement statement = connection.createStatement()) {
			while (writing.get()) {
				statement.execute("insert into posts (title, node) values ('on the primary', 'node-a')");
				committed.incrementAndGet();
				Thread.sleep(20);
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static Connection primaryConnection() throws SQLException {
		return DriverManager.getConnection("jdbc:sqlite:" + cluster.primary().mountDir().resolve("app.db"));
	}

}
