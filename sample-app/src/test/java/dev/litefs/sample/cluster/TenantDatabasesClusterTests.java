package dev.litefs.sample.cluster;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import dev.litefs.sample.DemoUser;
import dev.litefs.spring.node.LiteFsNode;
import dev.litefs.spring.test.cluster.LiteFsCluster;
import dev.litefs.spring.test.cluster.RealLiteFs;
import tools.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample app's database per tenant on a real two-node LiteFS cluster: the primary
 * (its LiteFS hostname 127.0.0.1), and node-b a replica that forwards writes to it. A
 * tenant is created at run time through the replica, written through it, and read back
 * on the replica with the write's {@code __txid}, which waits for that tenant's database;
 * a tenant no node has is a {@code 404} problem, and no node creates its database.
 */
@RealLiteFs
class TenantDatabasesClusterTests {

	private static final String PRIMARY = "127.0.0.1";

	static LiteFsCluster cluster;

	static SampleNode primary;

	static SampleNode replica;

	@BeforeAll
	static void start() throws Exception {
		cluster = LiteFsCluster.builder().hostnames(PRIMARY, "node-b").start();
		int primaryPort = RealClusterTests.freePort();
		primary = SampleNode.start(cluster.primary(), "--server.port=" + primaryPort);
		cluster.awaitReplicated("app.db", Duration.ofSeconds(30));
		replica = SampleNode.start(cluster.node(1), "--litefs.routing.strategy=forward",
				"--litefs.routing.forward.url-template=http://{primary}:" + primaryPort);
	}

	@AfterAll
	static void stop() {
		for (SampleNode node : new SampleNode[] { replica, primary }) {
			if (node != null) {
				node.close();
			}
		}
		if (cluster != null) {
			cluster.close();
		}
	}

	@Test
	void aTenantCreatedThroughTheReplicaIsWrittenThereAndReadBackOnTheReplicaAfterItsWait() throws Exception {
		HttpResponse<String> created = replica.send(replica.request("/api/tenants/acme")
			.header(DemoUser.AUTHORIZATION, DemoUser.BASIC)
			.PUT(HttpRequest.BodyPublishers.noBody()));
		assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
		assertThat(SampleNode.json(created.body()).get("database").asString()).isEqualTo("tenant-acme.db");
		assertThat(cluster.primary().mountDir().resolve("tenant-acme.db")).exists();

		HttpResponse<String> written = replica.postJson("/api/tenants/acme/notes", "{\"text\": \"first of acme\"}");
		assertThat(written.statusCode()).as(written.body()).isEqualTo(201);
		assertThat(SampleNode.json(written.body()).get("hostname").asString()).isEqualTo(PRIMARY);
		String cookie = txidCookie(written);
		long txid = entry(cookie, "tenant-acme.db");
		assertThat(txid).as("the cookie's entry for the tenant's database, in " + cookie)
			.isEqualTo(cluster.primary().txid("tenant-acme.db"));

		LiteFsNode replicaNode = replica.bean(LiteFsNode.class);
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		while (!replicaNode.databases().contains("tenant-acme.db") && System.nanoTime() < deadline) {
			Thread.sleep(20);
		}
		assertThat(replicaNode.databases()).as("the replica learnt of the tenant's database from LiteFS's events, "
				+ "before any request used it there").contains("tenant-acme.db");

		HttpResponse<String> read = replica.get("/api/tenants/acme/notes", "Cookie", "__txid=" + cookie);

		assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
		JsonNode notes = SampleNode.json(read.body());
		assertThat(notes.get("node").asString()).as("read on the replica, not sent to the primary").isEqualTo("node-b");
		assertThat(notes.get("notes").valueStream().map((note) -> note.get("text").asString()))
			.containsExactly("first of acme");
		assertThat(cluster.node(1).txid("tenant-acme.db")).isGreaterThanOrEqualTo(txid);

		// the next write, read back at once: the replica serves the database, perhaps a transaction behind
		HttpResponse<String> second = replica.send(replica.request("/api/tenants/acme/notes")
			.header("Content-Type", "application/json")
			.header(DemoUser.AUTHORIZATION, DemoUser.BASIC)
			.header("Cookie", "__txid=" + cookie)
			.POST(HttpRequest.BodyPublishers.ofString("{\"text\": \"second of acme\"}")));
		assertThat(second.statusCode()).as(second.body()).isEqualTo(201);
		String next = txidCookie(second);
		HttpResponse<String> again = replica.get("/api/tenants/acme/notes", "Cookie", "__txid=" + next);
		assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
		JsonNode both = SampleNode.json(again.body());
		assertThat(both.get("node").asString()).isEqualTo("node-b");
		assertThat(both.get("notes").valueStream().map((note) -> note.get("text").asString()))
			.containsExactly("second of acme", "first of acme");
		assertThat(replicaNode.position("tenant-acme.db").txid()).isGreaterThanOrEqualTo(entry(next, "tenant-acme.db"));
	}

	@Test
	void aTenantNoNodeHasIsANotFoundProblemOnEitherNodeAndNoNodeCreatesItsDatabase() {
		for (SampleNode node : List.of(replica, primary)) {
			HttpResponse<String> answer = node.get("/api/tenants/nobody/notes");

			assertThat(answer.statusCode()).as(answer.body()).isEqualTo(404);
			assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/problem+json");
			JsonNode problem = SampleNode.json(answer.body());
			assertThat(problem.get("title").asString()).isEqualTo("No such tenant");
			assertThat(problem.get("detail").asString()).contains("'nobody'");
		}
		for (LiteFsCluster.Node node : cluster.nodes()) {
			assertThat(node.mountDir().resolve("tenant-nobody.db")).as("on " + node).doesNotExist();
		}
	}

	@Test
	void aTenantIdThatCannotNameADatabaseIsABadRequestProblem() {
		HttpResponse<String> answer = replica.get("/api/tenants/Not..A..Tenant/notes");

		assertThat(answer.statusCode()).as(answer.body()).isEqualTo(400);
		assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/problem+json");
		assertThat(SampleNode.json(answer.body()).get("title").asString()).isEqualTo("Invalid tenant ID");
	}

	private static String txidCookie(HttpResponse<?> answer) {
		String cookie = answer.headers()
			.allValues("Set-Cookie")
			.stream()
			.filter((value) -> value.startsWith("__txid="))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no __txid cookie in " + answer.headers().map()));
		return cookie.substring("__txid=".length(), cookie.contains(";") ? cookie.indexOf(';') : cookie.length());
	}

	/** A database's TXID in a {@code __txid} cookie of several databases ({@code app.db:1f|tenant-7.db:a}). */
	private static long entry(String cookie, String database) {
		return Arrays.stream(cookie.replace("\"", "").split("\\|"))
			.filter((entry) -> entry.startsWith(database + ":"))
			.mapToLong((entry) -> Long.parseLong(entry.substring(database.length() + 1), 16))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no entry for " + database + " in " + cookie));
	}

}
