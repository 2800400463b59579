package dev.litefs.sample.posts;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.litefs.sample.SampleApplication;
import dev.litefs.spring.test.FakeLiteFsMount;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two sample apps in one JVM, as a cluster without Fly.io: node-a the primary, node-b a
 * replica that forwards writes to it. A client talks to the replica only: its writes
 * land on the primary, and its next read waits for replication to bring them.
 */
class TwoNodeClusterTests {

	@TempDir
	static Path primaryDir;

	@TempDir
	static Path replicaDir;

	static FakeLiteFsMount primaryMount;

	static FakeLiteFsMount replicaMount;

	static ConfigurableApplicationContext primary;

	static ConfigurableApplicationContext replica;

	final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	@BeforeAll
	static void startCluster() throws Exception {
		primaryMount = FakeLiteFsMount.primary(primaryDir).txid(7);
		primary = start(primaryMount, "node-a");
		// what LiteFS gives a new replica: the primary's database, migrations included
		Files.copy(primaryDir.resolve("app.db"), replicaDir.resolve("app.db"), StandardCopyOption.REPLACE_EXISTING);
		replicaMount = FakeLiteFsMount.replicaOf(replicaDir, "127.0.0.1").txid(7);
		replica = start(replicaMount, "node-b", "--litefs.routing.strategy=forward",
				"--litefs.routing.forward.url-template=http://{primary}:" + port(primary));
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
	void aPostToTheReplicaIsCreatedOnThePrimary() throws Exception {
		HttpResponse<String> created = send(HttpRequest.newBuilder(uri(replica, "/api/posts"))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString("{\"title\": \"Through the replica\", \"body\": \"forwarded\"}")));

		assertThat(created.statusCode()).isEqualTo(201);
		assertThat(created.body()).contains("\"hostname\":\"node-a\"");
		String location = created.headers().firstValue("Location").orElseThrow();
		assertThat(created.headers().allValues("Set-Cookie")).anyMatch((cookie) -> cookie.startsWith("__txid="));
		HttpResponse<String> onPrimary = send(HttpRequest.newBuilder(uri(primary, URI.create(location).getPath())));
		assertThat(onPrimary.statusCode()).isEqualTo(200);
		assertThat(onPrimary.body()).contains("Through the replica");
		HttpResponse<String> onReplica = send(HttpRequest.newBuilder(uri(replica, URI.create(location).getPath())));
		assertThat(onReplica.statusCode()).as("not replicated yet").isEqualTo(404);
	}

	@Test
	void theFormOnTheReplicaRedirectsBackWithTheWritesTxid() throws Exception {
		primaryMount.txid(8);
		HttpResponse<String> posted = send(HttpRequest.newBuilder(uri(replica, "/posts"))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString("title=From+the+form&body=")));

		assertThat(posted.statusCode()).isEqualTo(303);
		assertThat(posted.headers().firstValue("Location")).hasValueSatisfying(
				(location) -> assertThat(URI.create(location).getPath()).isEqualTo("/"));
		assertThat(posted.headers().allValues("Set-Cookie"))
			.anyMatch((cookie) -> cookie.startsWith("__txid=0000000000000008;"));
	}

	@Test
	void theNextReadOnTheReplicaWaitsForReplication() throws Exception {
		replicaMount.txid(7);
		CompletableFuture<HttpResponse<String>> page = this.client.sendAsync(
				HttpRequest.newBuilder(uri(replica, "/")).header("Cookie", "__txid=0000000000000009").build(),
				HttpResponse.BodyHandlers.ofString());
		TimeUnit.MILLISECONDS.sleep(300);
		assertThat(page).as("held until the replica reaches TXID 9").isNotDone();

		replicaMount.txid(9);

		HttpResponse<String> answered = page.get(5, TimeUnit.SECONDS);
		assertThat(answered.statusCode()).isEqualTo(200);
		assertThat(PostsAppTests.texts(answered.body(), "txid")).containsExactly("0000000000000009");
	}

	HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
		return this.client.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
	}

	static ConfigurableApplicationContext start(FakeLiteFsMount mount, String hostname, String... args) {
		String[] common = { "--server.port=0", "--litefs.mount-dir=" + mount.dir(), "--litefs.hostname=" + hostname,
				"--litefs.api-url=http://127.0.0.1:1", "--litefs.poll-interval=50ms" };
		String[] all = new String[common.length + args.length];
		System.arraycopy(common, 0, all, 0, common.length);
		System.arraycopy(args, 0, all, common.length, args.length);
		return new SpringApplicationBuilder(SampleApplication.class).run(all);
	}

	static int port(ConfigurableApplicationContext context) {
		return ((WebServerApplicationContext) context).getWebServer().getPort();
	}

	static URI uri(ConfigurableApplicationContext context, String path) {
		return URI.create("http://127.0.0.1:" + port(context) + path);
	}

}
