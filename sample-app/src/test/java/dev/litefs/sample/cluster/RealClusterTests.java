package dev.litefs.sample.cluster;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.litefs.spring.schema.LiteFsFlywayMigrationStrategy;
import dev.litefs.spring.schema.MigrationRun;
import dev.litefs.spring.test.cluster.LiteFsCluster;
import dev.litefs.spring.test.cluster.RealLiteFs;
import tools.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample app on both nodes of a real two-node LiteFS cluster, as real servers:
 * the primary (its LiteFS hostname 127.0.0.1), node-b a replica that forwards writes to it, and a second app on
 * node-b that answers writes with Fly.io's replay. The replica's app starts before the
 * primary's has created the database, and waits for the schema to replicate.
 */
@RealLiteFs
class RealClusterTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	private static final String PRIMARY = "127.0.0.1";

	static LiteFsCluster cluster;

	static SampleNode primary;

	static SampleNode replica;

	static SampleNode flyReplica;

	static CompletableFuture<SampleNode> replicaStarting;

	@BeforeAll
	static void start() throws Exception {
		// the primary's LiteFS hostname is an IP literal, so {primary} resolves on loopback
		cluster = LiteFsCluster.builder().hostnames(PRIMARY, "node-b").start();
		LiteFsCluster.Node nodeB = cluster.node(1);
		int primaryPort = freePort();
		// the replica first: there is no database yet, and it waits for the primary's schema
		replicaStarting = CompletableFuture.supplyAsync(() -> SampleNode.start(nodeB,
				"--litefs.schema.replica-timeout=60s", "--litefs.routing.strategy=forward",
				"--litefs.routing.forward.url-template=http://{primary}:" + primaryPort));
		TimeUnit.SECONDS.sleep(1);
		assertThat(replicaStarting).as("the replica's app waits for the schema").isNotDone();
		assertThat(nodeB.mountDir().resolve("app.db")).as("the replica created no database").doesNotExist();
		primary = SampleNode.start(cluster.primary(), "--server.port=" + primaryPort);
		replica = replicaStarting.get(60, TimeUnit.SECONDS);
		flyReplica = SampleNode.start(nodeB, "--litefs.routing.strategy=fly-replay");
	}

	static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

	@AfterAll
	static void stop() throws Exception {
		for (SampleNode node : new SampleNode[] { flyReplica, replica, primary }) {
			if (node != null) {
				node.close();
			}
		}
		if (replicaStarting != null && !replicaStarting.isDone()) {
			replicaStarting.cancel(true);
		}
		if (cluster != null) {
			cluster.close();
		}
	}

	@Test
	void thePrimaryMigratedAndTheReplicaWaitedForTheSchemaWithoutWriting() {
		MigrationRun onPrimary = primary.bean(LiteFsFlywayMigrationStrategy.class).lastRun().orElseThrow();
		MigrationRun onReplica = replica.bean(LiteFsFlywayMigrationStrategy.class).lastRun().orElseThrow();

		assertThat(onPrimary.outcome()).isEqualTo(MigrationRun.Outcome.MIGRATED);
		assertThat(onPrimary.applied()).as("V1 posts, V2 sessions").isEqualTo(2);
		assertThat(onReplica.outcome()).isEqualTo(MigrationRun.Outcome.REPLICATED);
		assertThat(onReplica.applied()).isZero();
		assertThat(onReplica.missing()).isEmpty();
		assertThat(onReplica.schemaVersion()).isEqualTo(onPrimary.schemaVersion());
	}

	@Test
	void eachNodesEndpointAgreesWithItsMountAndWithLiteFs() {
		cluster.awaitReplicated("app.db", TIMEOUT);
		// the endpoint shows the node's latest reading, at most one poll interval old
		JsonNode a = endpointAt(primary, cluster.primary());
		JsonNode b = endpointAt(replica, cluster.node(1));
		JsonNode infoB = SampleNode.json(SampleNode.send(java.net.http.HttpRequest
			.newBuilder(cluster.node(1).apiUrl().resolve("/info"))).body());

		assertThat(a.get("role").asString()).isEqualTo("primary");
		assertThat(a.get("hostname").asString()).isEqualTo(PRIMARY);
		assertThat(a.get("mounted").asBoolean()).isTrue();
		assertThat(a.get("api").get("isPrimary").asBoolean()).isTrue();
		assertThat(a.get("lagMillis").asLong()).isZero();

		assertThat(b.get("role").asString()).isEqualTo("replica");
		assertThat(b.get("primary").asString()).isEqualTo(PRIMARY).isEqualTo(infoB.get("primary").get("hostname").asString());
		assertThat(b.get("api").get("answered").asBoolean()).isTrue();
		assertThat(b.get("api").get("isPrimary").asBoolean()).isFalse().isEqualTo(infoB.get("isPrimary").asBoolean());
		assertThat(b.get("api").get("clusterId").asString()).isEqualTo(infoB.get("clusterID").asString());
		assertThat(b.get("problems")).isEmpty();
	}

	/** The node's endpoint once its TXID is the one in the mount's {@code <db>-pos}. */
	private static JsonNode endpointAt(SampleNode app, LiteFsCluster.Node node) {
		long deadline = System.nanoTime() + TIMEOUT.toNanos();
		JsonNode endpoint = app.getJson("/actuator/litefs");
		while (Long.parseLong(endpoint.get("txid").asString(), 16) != node.txid("app.db")
				&& System.nanoTime() < deadline) {
			sleep(Duration.ofMillis(20));
			endpoint = app.getJson("/actuator/litefs");
		}
		assertThat(Long.parseLong(endpoint.get("txid").asString(), 16)).as("TXID in the endpoint of " + node)
			.isEqualTo(node.txid("app.db"));
		return endpoint;
	}

	private static void sleep(Duration duration) {
		try {
			Thread.sleep(duration.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	@Test
	void aWriteSentToTheReplicaIsStoredOnceOnThePrimaryAndReadAtOnceOnTheReplica() {
		int before = primary.getJson("/api/posts").size();

		HttpResponse<String> created = replica.postJson("/api/posts", "{\"title\": \"Via node-b\", \"body\": \"forwarded\"}");

		assertThat(created.statusCode()).isEqualTo(201);
		JsonNode post = SampleNode.json(created.body());
		assertThat(post.get("hostname").asString()).isEqualTo(PRIMARY);
		assertThat(primary.getJson("/api/posts").size()).isEqualTo(before + 1);
		String cookie = created.headers().allValues("Set-Cookie").stream()
			.filter((value) -> value.startsWith("__txid="))
			.findFirst()
			.orElseThrow();
		String txid = cookie.substring("__txid=".length(), "__txid=".length() + 16);
		assertThat(Long.parseLong(txid, 16)).isEqualTo(cluster.primary().txid("app.db"));

		String path = URI.create(created.headers().firstValue("Location").orElseThrow()).getPath();
		HttpResponse<String> read = replica.get(path, "Cookie", "__txid=" + txid);

		assertThat(read.statusCode()).as("read on the replica with the cookie").isEqualTo(200);
		assertThat(SampleNode.json(read.body()).get("title").asString()).isEqualTo("Via node-b");
		assertThat(cluster.node(1).txid("app.db")).isGreaterThanOrEqualTo(Long.parseLong(txid, 16));
	}

	@Test
	void flyReplayAnswersWithTheReplayHeaderAndStoresNothing() {
		cluster.awaitReplicated("app.db", TIMEOUT);
		long txid = cluster.primary().txid("app.db");

		HttpResponse<String> answer = flyReplica.postJson("/api/posts", "{\"title\": \"Replay me\"}");

		assertThat(answer.statusCode()).isEqualTo(409);
		assertThat(answer.headers().firstValue("fly-replay")).hasValue("instance=" + PRIMARY);
		assertThat(answer.body()).isEmpty();
		assertThat(cluster.primary().txid("app.db")).as("nothing written on the primary").isEqualTo(txid);
	}

}
