package dev.litefs.sample.posts;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.litefs.sample.DemoUser;
import dev.litefs.sample.SampleApplication;
import dev.litefs.spring.test.FakeLiteFsMount;
import dev.litefs.spring.test.autoconfigure.ClusterApplication;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.client.EntityExchangeResult;
import org.springframework.test.web.servlet.client.ExchangeResult;

import static dev.litefs.spring.test.autoconfigure.LiteFsAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two sample apps in one JVM on fake mounts, as a cluster without Fly.io: node-a the
 * primary, node-b a replica that forwards writes to it. A client talks to the replica
 * only: its writes land on the primary, and its next read waits for replication to
 * bring them.
 */
class TwoNodeClusterTests {

	@TempDir
	static Path primaryDir;

	@TempDir
	static Path replicaDir;

	static FakeLiteFsMount primaryMount;

	static FakeLiteFsMount replicaMount;

	static ClusterApplication primary;

	static ClusterApplication replica;

	@BeforeAll
	static void startCluster() throws Exception {
		primaryMount = FakeLiteFsMount.primary(primaryDir).txid(7);
		primary = ClusterApplication.start(SampleApplication.class, primaryMount, "node-a",
				"--litefs.poll-interval=50ms");
		// what LiteFS gives a new replica: the primary's database, migrations included
		Files.copy(primaryDir.resolve("app.db"), replicaDir.resolve("app.db"), StandardCopyOption.REPLACE_EXISTING);
		replicaMount = FakeLiteFsMount.replicaOf(replicaDir, "127.0.0.1").txid(7);
		replica = ClusterApplication.start(SampleApplication.class, replicaMount, "node-b",
				"--litefs.poll-interval=50ms", "--litefs.routing.strategy=forward",
				"--litefs.routing.forward.url-template=http://{primary}:" + primary.port());
	}

	@AfterAll
	static void stopCluster() {
		if (replica != null) {
			replica.close();
		}
		if (primary != null) {
			primary.close();
		}
	}

	@Test
	void aPostToTheReplicaIsCreatedOnThePrimary() {
		EntityExchangeResult<String> created = replica.client()
			.post()
			.uri("/api/posts")
			.header(DemoUser.AUTHORIZATION, DemoUser.BASIC)
			.contentType(MediaType.APPLICATION_JSON)
			.body("{\"title\": \"Through the replica\", \"body\": \"forwarded\"}")
			.exchange()
			.expectStatus()
			.isCreated()
			.expectBody(String.class)
			.returnResult();

		assertThat(created, replica.recorder()).wasForwarded().hasTxidCookie(7);
		assertThat(created.getResponseBody()).contains("\"hostname\":\"node-a\"");
		String path = created.getResponseHeaders().getLocation().getPath();
		primary.client().get().uri(path).exchange().expectStatus().isOk().expectBody(String.class)
			.value((body) -> assertThat(body).contains("Through the replica"));
		replica.client().get().uri(path).exchange().expectStatus().isNotFound();
	}

	@Test
	void theFormOnTheReplicaRedirectsBackWithTheWritesTxid() {
		primaryMount.txid(8);

		ExchangeResult posted = SignedIn.demo(primary.client())
			.postForm(replica.client(), PostsAppTests.form("From the form", ""))
			.expectStatus()
			.isSeeOther()
			.returnResult();

		assertThat(posted, replica.recorder()).wasForwarded().hasTxidCookie(8);
		assertThat(URI.create(posted.getResponseHeaders().getFirst("Location")).getPath()).isEqualTo("/");
	}

	@Test
	void theNextReadOnTheReplicaWaitsForReplication() throws Exception {
		replicaMount.txid(7);
		CompletableFuture<EntityExchangeResult<String>> page = CompletableFuture.supplyAsync(() -> replica.client()
			.get()
			.uri("/")
			.cookie("__txid", "0000000000000009")
			.exchange()
			.expectBody(String.class)
			.returnResult());
		replica.awaitHeldRequests(1);
		TimeUnit.MILLISECONDS.sleep(200);
		assertThat(page).as("held until the replica reaches TXID 9").isNotDone();

		replicaMount.txid(9);

		EntityExchangeResult<String> answered = page.get(5, TimeUnit.SECONDS);
		assertThat(answered, replica.recorder()).waitedForTxid(9);
		assertThat(answered.getStatus().value()).isEqualTo(200);
		assertThat(PostsAppTests.texts(answered.getResponseBody(), "txid")).containsExactly("0000000000000009");
	}

}
