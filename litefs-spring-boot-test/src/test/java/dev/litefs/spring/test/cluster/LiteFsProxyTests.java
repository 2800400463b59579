package dev.litefs.spring.test.cluster;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * LiteFS's own proxy on a node of the fixture, in front of an application that answers
 * with the replica's TXID at the moment the request reached it: reads pass through, a
 * read carrying a {@code __txid} cookie ahead of the replica reaches the application
 * only once the replica has that transaction, and a write is answered with
 * {@code Fly-Replay}.
 */
@RealLiteFs
class LiteFsProxyTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(15);

	private static final HttpClient client = HttpClient.newHttpClient();

	static final AtomicInteger reached = new AtomicInteger();

	static HttpServer application;

	static LiteFsCluster cluster;

	@BeforeAll
	static void start() throws Exception {
		application = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		application.createContext("/", (exchange) -> {
			reached.incrementAndGet();
			byte[] body = Long.toString(cluster.node(1).txid("app.db")).getBytes();
			exchange.sendResponseHeaders(200, body.length);
			exchange.getResponseBody().write(body);
			exchange.close();
		});
		application.start();
		cluster = LiteFsCluster.builder().proxy("node-b", "app.db", application.getAddress().getPort()).start();
		LiteFsClusterTests.execute(cluster.primary(), "create table t (x integer)");
		cluster.awaitReplicated("app.db", TIMEOUT);
	}

	@AfterAll
	static void stop() {
		if (cluster != null) {
			cluster.close();
		}
		if (application != null) {
			application.stop(0);
		}
	}

	@Test
	void aReadAheadOfTheReplicaReachesTheApplicationOnceTheReplicaCaughtUp() throws Exception {
		long next = cluster.node(1).txid("app.db") + 1;
		reached.set(0);
		CompletableFuture<HttpResponse<String>> read = client.sendAsync(
				HttpRequest.newBuilder(cluster.node(1).proxyUrl().resolve("/posts"))
					.header("Cookie", "__txid=" + String.format("%016x", next))
					.build(),
				HttpResponse.BodyHandlers.ofString());
		// held: LiteFS's proxy polls for the TXID up to 5 s before it answers 504
		assertThatExceptionOfType(TimeoutException.class).as("answered before the replica had TXID %d", next)
			.isThrownBy(() -> read.get(1, TimeUnit.SECONDS));
		assertThat(reached).as("requests that reached the application").hasValue(0);

		LiteFsClusterTests.execute(cluster.primary(), "insert into t values (1)");

		HttpResponse<String> answer = read.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
		assertThat(answer.statusCode()).isEqualTo(200);
		assertThat(Long.parseLong(answer.body())).as("the replica's TXID when the read reached the app")
			.isGreaterThanOrEqualTo(next);
	}

	@Test
	void aWriteOnTheReplicaIsAnsweredWithFlyReplayToThePrimary() throws Exception {
		HttpResponse<String> answer = client.send(
				HttpRequest.newBuilder(cluster.node(1).proxyUrl().resolve("/posts"))
					.POST(HttpRequest.BodyPublishers.ofString("x"))
					.build(),
				HttpResponse.BodyHandlers.ofString());

		assertThat(answer.headers().firstValue("Fly-Replay")).hasValue("instance=node-a");
	}

	@Test
	void aNodeWithoutAProxySaysSo() {
		assertThatIllegalStateException()
			.isThrownBy(() -> cluster.primary().proxyUrl())
			.withMessageContaining("node-a has no LiteFS proxy");
	}

}
