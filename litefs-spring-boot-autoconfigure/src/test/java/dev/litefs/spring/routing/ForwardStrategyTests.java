package dev.litefs.spring.routing;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.litefs.spring.test.FakeLiteFsMount;
import dev.litefs.spring.testapp.StreamController;
import dev.litefs.spring.testapp.TestNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The {@code forward} strategy between real servers: a primary and replicas on random
 * ports in one JVM, each over its own fake LiteFS mount. The replicas' {@code .primary}
 * names {@code localhost}, and their URL template the primary's port.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(OutputCaptureExtension.class)
class ForwardStrategyTests {

	private static final JsonMapper json = new JsonMapper();

	private TestNode primary;

	private TestNode replica;

	private TestNode impatientReplica;

	private TestNode replicaOfReplica;

	private TestNode replicaOfNobody;

	@BeforeAll
	void startNodes(@TempDir Path dir) throws IOException {
		this.primary = TestNode.start(FakeLiteFsMount.primary(dir.resolve("a")), "node-a");
		this.replica = replica(FakeLiteFsMount.replicaOf(dir.resolve("b"), "localhost"), "node-b",
				"litefs.routing.strategy=forward",
				"litefs.routing.forward.url-template=http://{primary}:" + this.primary.port(),
				"litefs.routing.forward.max-body-size=4KB", "litefs.consistency.timeout=300ms",
				"litefs.routing.methods=PUT");
		this.impatientReplica = replica(FakeLiteFsMount.replicaOf(dir.resolve("e"), "localhost"), "node-e",
				"litefs.routing.strategy=forward", "litefs.routing.forward.response-timeout=1s",
				"litefs.routing.forward.url-template=http://{primary}:" + this.primary.port());
		// a replica that takes another replica for the primary
		this.replicaOfReplica = replica(FakeLiteFsMount.replicaOf(dir.resolve("c"), "localhost"), "node-c",
				"litefs.routing.strategy=forward",
				"litefs.routing.forward.url-template=http://{primary}:" + this.replica.port());
		this.replicaOfNobody = replica(FakeLiteFsMount.replicaOf(dir.resolve("d"), "localhost"), "node-d",
				"litefs.routing.strategy=forward", "litefs.routing.retry-after=2s",
				"litefs.routing.forward.url-template=http://{primary}:" + closedPort());
	}

	/**
	 * Starts a replica with these properties and those that choose its client.
	 */
	private TestNode replica(FakeLiteFsMount mount, String hostname, String... properties) {
		List<String> all = new ArrayList<>(List.of(properties));
		all.addAll(List.of(clientProperties()));
		return TestNode.start(mount, hostname, all.toArray(String[]::new));
	}

	/**
	 * The properties that choose the replicas' HTTP client: none, the starter's default
	 * (Apache HttpClient, which these tests have).
	 * @return the properties
	 */
	String[] clientProperties() {
		return new String[0];
	}

	TestNode replica() {
		return this.replica;
	}

	@AfterAll
	void stopNodes() {
		for (TestNode node : new TestNode[] { this.replicaOfNobody, this.replicaOfReplica, this.impatientReplica,
				this.replica, this.primary }) {
			if (node != null) {
				node.close();
			}
		}
	}

	@Test
	void aPostToTheReplicaCreatesTheRowOnThePrimary() {
		long rows = this.primary.rows();
		HttpResponse<String> response = this.replica.postJson("/posts", "{\"title\":\"forwarded\"}");
		assertThat(response.statusCode()).isEqualTo(201);
		// the primary's absolute Location names the replica the client called, as a reverse proxy does
		assertThat(response.headers().firstValue("Location"))
			.hasValue("http://localhost:" + this.replica.port() + "/posts/" + (rows + 1));
		assertThat(response.headers().allValues("Set-Cookie")).contains("created=" + (rows + 1) + "; Path=/");
		JsonNode body = json.readTree(response.body());
		assertThat(body.get("node").asString()).isEqualTo("node-a");
		assertThat(body.get("title").asString()).isEqualTo("forwarded");
		assertThat(this.primary.rows()).isEqualTo(rows + 1);
		assertThat(this.replica.rows()).isZero();
		assertThat(this.replica.calls().of("create")).isZero();
	}

	@Test
	void aCookieThePrimarySetsGoesBackToItsClientAloneNeverWithAnotherClientsRequest() {
		HttpResponse<String> created = this.replica.postJson("/posts", "{\"title\":\"cookie for one client\"}");
		assertThat(created.headers().allValues("Set-Cookie")).anyMatch((cookie) -> cookie.startsWith("created="));
		// another client, without cookies: the forwarding client kept none to send for it
		HttpResponse<String> echo = this.replica.send(this.replica.request("/echo")
			.header("Content-Type", "text/plain")
			.POST(HttpRequest.BodyPublishers.ofString("no cookie")));
		assertThat(echo.statusCode()).isEqualTo(200);
		assertThat(json.readTree(echo.body()).has("cookie")).isFalse();
	}

	@Test
	void everyHandlerOfAnAnnotatedClassRunsOnThePrimary() {
		long rows = this.primary.rows();
		HttpResponse<String> response = this.replica.send(this.replica.request("/admin/touch")
			.POST(HttpRequest.BodyPublishers.noBody()));
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(json.readTree(response.body()).get("node").asString()).isEqualTo("node-a");
		assertThat(this.primary.rows()).isEqualTo(rows + 1);
		assertThat(this.replica.calls().of("admin")).isZero();
	}

	@Test
	void aRequestMatchingTheMethodsRuleIsForwardedWithItsBody() {
		long rows = this.primary.rows();
		HttpResponse<String> response = this.replica.send(this.replica.request("/posts/put")
			.header("Content-Type", "application/json")
			.PUT(HttpRequest.BodyPublishers.ofString("{\"title\":\"put\"}")));
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(json.readTree(response.body()).get("node").asString()).isEqualTo("node-a");
		assertThat(this.primary.rows()).isEqualTo(rows + 1);
		assertThat(this.replica.calls().of("put")).isZero();
	}

	@Test
	void headersAreForwardedButHopByHopOnesAndTheHostAreNot() {
		HttpResponse<String> response = this.replica.send(this.replica.request("/echo?x=1")
			.header("Content-Type", "text/plain")
			.header("X-Custom", "kept")
			.header("Cookie", "session=s1")
			.header("Keep-Alive", "timeout=5")
			.header("TE", "trailers")
			.header("Trailer", "X-Checksum")
			.header("X-Hop", "only for this hop")
			.header("Upgrade-Insecure-Requests", "1")
			.header("Via", "1.1 edge")
			.POST(HttpRequest.BodyPublishers.ofString("payload")));
		assertThat(response.statusCode()).isEqualTo(200);
		JsonNode echo = json.readTree(response.body());
		assertThat(echo.get("node").asString()).isEqualTo("node-a");
		assertThat(echo.get("body").asString()).isEqualTo("payload");
		assertThat(echo.get("x-custom").asString()).isEqualTo("kept");
		assertThat(echo.get("cookie").asString()).isEqualTo("session=s1");
		assertThat(echo.get("via").asString()).isEqualTo("1.1 edge");
		assertThat(echo.get("litefs-forwarded-by").asString()).isEqualTo("node-b");
		assertThat(echo.get("x-forwarded-host").asString()).isEqualTo("localhost:" + this.replica.port());
		assertThat(echo.get("x-forwarded-proto").asString()).isEqualTo("http");
		assertThat(echo.get("x-forwarded-for").asString()).isEqualTo("127.0.0.1");
		assertThat(echo.get("host").asString()).isEqualTo("localhost:" + this.primary.port());
		assertThat(echo.has("keep-alive")).isFalse();
		assertThat(echo.has("te")).isFalse();
		assertThat(echo.has("trailer")).isFalse();
		// nor any the forwarding client would add: the primary's bytes come back as they are
		assertThat(echo.has("accept-encoding")).isFalse();
	}

	@Test
	void aFormPostIsForwardedWithItsParameters() {
		long rows = this.primary.rows();
		HttpResponse<String> response = this.replica.send(this.replica.request("/forms?tag=q")
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString("title=caf%C3%A9+au+lait")));
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(json.readTree(response.body()).get("node").asString()).isEqualTo("node-a");
		assertThat(this.primary.rows()).isEqualTo(rows + 1);
		assertThat(this.replica.calls().of("form")).isZero();
	}

	@Test
	void aServiceMethodCalledAfterTheBodyWasReadIsStillForwarded() {
		long rows = this.primary.rows();
		HttpResponse<String> response = this.replica.postJson("/posts/via-service", "{\"title\":\"from a service\"}");
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(json.readTree(response.body()).get("node").asString()).isEqualTo("node-a");
		assertThat(this.primary.rows()).isEqualTo(rows + 1);
		// the controller ran on the replica until the service refused; the service never did
		assertThat(this.replica.calls().of("via-service")).isPositive();
		assertThat(this.replica.calls().of("service")).isZero();
	}

	@Test
	void aWriteSqliteRefusedOnTheReplicaIsForwarded() {
		long rows = this.primary.rows();
		HttpResponse<String> response = this.replica.postJson("/posts/unannotated", "{\"title\":\"forgotten\"}");
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(json.readTree(response.body()).get("node").asString()).isEqualTo("node-a");
		assertThat(this.primary.rows()).isEqualTo(rows + 1);
		assertThat(this.replica.rows()).isZero();
	}

	@Test
	void aWriteSqliteRefusedOnTheReplicaGetsThePrimarysTxidCookieAsAnEnsurePrimaryWriteDoes() {
		HttpResponse<String> response = this.replica.postJson("/posts/unannotated", "{\"title\":\"cookie\"}");
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.headers().allValues("Set-Cookie"))
			.anyMatch((cookie) -> cookie.startsWith("__txid=" + this.primary.node().currentPosition().txidHex() + ";"));
	}

	@Test
	void aReadWaitingInVainForItsTxidIsForwardedToThePrimary() {
		HttpResponse<String> response = this.replica.send(this.replica.request("/posts/1")
			.header("Cookie", "__txid=7fffffffffffffff")
			.GET());
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(json.readTree(response.body()).get("node").asString()).isEqualTo("node-a");
		// the replica gave up on the cookie, and the primary knows no node will ever reach it
		assertThat(response.headers().allValues("Set-Cookie")).hasSize(2).allMatch((cookie) -> cookie.startsWith("__txid=;"));
		assertThat(this.replica.calls().of("read")).isZero();
	}

	@Test
	void readsAreServedByTheReplicaItself() {
		HttpResponse<String> response = this.replica.get("/posts/count");
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).isEqualTo("0");
	}

	@Test
	void aForwardedRequestReachingAnotherReplicaIsRefusedWithoutASecondHop() {
		long rows = this.primary.rows();
		int before = this.replica.calls().total();
		HttpResponse<String> response = this.replicaOfReplica.postJson("/posts", "{\"title\":\"looping\"}");
		assertThat(response.statusCode()).isEqualTo(503);
		assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
		JsonNode problem = json.readTree(response.body());
		assertThat(problem.get("title").asString()).isEqualTo("Forwarded to a node that is not the primary");
		assertThat(problem.get("node").asString()).isEqualTo("node-b");
		assertThat(this.primary.rows()).isEqualTo(rows);
		assertThat(this.replica.calls().total()).isEqualTo(before);
	}

	@Test
	void theRequestHeaderCannotChooseAnotherTarget() {
		long rows = this.primary.rows();
		HttpResponse<String> response = this.replicaOfNobody.send(this.replicaOfNobody.request("/posts")
			.header("Content-Type", "application/json")
			.header("X-Forwarded-Host", "localhost:" + this.primary.port())
			.header("Forwarded", "host=localhost:" + this.primary.port())
			.POST(HttpRequest.BodyPublishers.ofString("{\"title\":\"redirected?\"}")));
		assertThat(response.statusCode()).isEqualTo(503);
		assertThat(this.primary.rows()).isEqualTo(rows);
	}

	@Test
	void thePrimaryDownGives503WithRetryAfter() {
		HttpResponse<String> response = this.replicaOfNobody.postJson("/posts", "{\"title\":\"lost?\"}");
		assertThat(response.statusCode()).isEqualTo(503);
		assertThat(response.headers().firstValue("Retry-After")).hasValue("2");
		JsonNode problem = json.readTree(response.body());
		assertThat(problem.get("title").asString()).isEqualTo("Primary unreachable");
		assertThat(problem.get("primary").asString()).isEqualTo("localhost");
		assertThat(this.replicaOfNobody.calls().of("create")).isZero();
	}

	@Test
	void aPrimaryThatCannotBeConnectedToInTimeGives503NotA504(@TempDir Path dir) throws IOException {
		// a listening socket whose queue of connections is full: the kernel drops further
		// connection requests, so connecting takes until the connect timeout
		try (ServerSocket full = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			List<Socket> queued = new ArrayList<>();
			try {
				for (int i = 0; i < 4; i++) {
					Socket socket = new Socket();
					queued.add(socket);
					try {
						socket.connect(full.getLocalSocketAddress(), 200);
					}
					catch (IOException ex) {
						// the queue is full
					}
				}
				try (TestNode cut = replica(FakeLiteFsMount.replicaOf(dir, "127.0.0.1"), "node-g",
						"litefs.routing.strategy=forward", "litefs.routing.forward.connect-timeout=300ms",
						"litefs.routing.forward.url-template=http://{primary}:" + full.getLocalPort())) {
					long start = System.nanoTime();
					HttpResponse<String> response = cut.postJson("/posts", "{\"title\":\"lost?\"}");
					// it waited for the connect timeout: the connection was not refused
					assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isGreaterThanOrEqualTo(250);
					assertThat(response.statusCode()).isEqualTo(503);
					assertThat(json.readTree(response.body()).get("title").asString()).isEqualTo("Primary unreachable");
				}
			}
			finally {
				for (Socket socket : queued) {
					socket.close();
				}
			}
		}
	}

	@Test
	void aSlowPrimaryGives504AndTheWriteIsNotSentTwice() throws InterruptedException {
		int before = this.primary.calls().of("slow");
		HttpResponse<String> response = this.impatientReplica.send(this.impatientReplica.request("/slow?millis=2500")
			.POST(HttpRequest.BodyPublishers.noBody()));
		assertThat(response.statusCode()).isEqualTo(504);
		JsonNode problem = json.readTree(response.body());
		assertThat(problem.get("title").asString()).isEqualTo("Primary did not answer in time");
		assertThat(problem.get("detail").asString()).contains("it is not sent again");
		Thread.sleep(3000);
		assertThat(this.primary.calls().of("slow")).isEqualTo(before + 1);
	}

	@Test
	void aPrimaryAnswering503IsPassedOnAndTheRequestIsNotSentAgainEvenIfIdempotent() throws InterruptedException {
		int before = this.primary.calls().of("busy");
		HttpResponse<String> response = this.replica
			.send(this.replica.request("/busy").PUT(HttpRequest.BodyPublishers.ofString("")));
		assertThat(response.statusCode()).isEqualTo(503);
		assertThat(response.headers().firstValue("Retry-After")).hasValue("1");
		assertThat(response.body()).isEqualTo("busy");
		// past the Retry-After a retrying client would have honoured
		Thread.sleep(2000);
		assertThat(this.primary.calls().of("busy")).isEqualTo(before + 1);
	}

	@Test
	void anAnswerStalledPastTheTimeoutIsCutShortNotPassedOnAsComplete() {
		long start = System.nanoTime();
		assertThatExceptionOfType(UncheckedIOException.class).isThrownBy(() -> this.impatientReplica
			.send(this.impatientReplica.request("/slow-body?millis=4000&start=true").POST(HttpRequest.BodyPublishers.noBody())));
		assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(3500);
	}

	@Test
	void anAnswerToAWriteSqliteRefusedStalledPastTheTimeoutIsCutShortNotPassedOnAsComplete() {
		long start = System.nanoTime();
		assertThatExceptionOfType(UncheckedIOException.class).isThrownBy(() -> this.impatientReplica
			.send(this.impatientReplica.request("/posts/unannotated-slow-body?millis=4000")
				.POST(HttpRequest.BodyPublishers.noBody())));
		assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(3500);
	}

	@Test
	void anAnswerStalledPastTheTimeoutBeforeItsBodyGives504() {
		HttpResponse<String> response = this.impatientReplica.send(this.impatientReplica.request("/slow-body?millis=4000&start=false")
			.POST(HttpRequest.BodyPublishers.noBody()));
		assertThat(response.statusCode()).isEqualTo(504);
		assertThat(json.readTree(response.body()).get("title").asString()).isEqualTo("Primary did not answer in time");
		assertThat(response.headers().allValues("Set-Cookie")).isEmpty();
	}

	@Test
	void anOversizedBodyGives413() {
		long rows = this.primary.rows();
		String title = "x".repeat(5000);
		HttpResponse<String> sized = this.replica.postJson("/posts", "{\"title\":\"" + title + "\"}");
		assertThat(sized.statusCode()).isEqualTo(413);
		assertThat(json.readTree(sized.body()).get("detail").asString())
			.contains("litefs.routing.forward.max-body-size (4096B)");
		byte[] body = ("{\"title\":\"" + title + "\"}").getBytes();
		HttpResponse<String> chunked = this.replica.send(this.replica.request("/posts")
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))));
		assertThat(chunked.statusCode()).isEqualTo(413);
		HttpResponse<String> viaService = this.replica.postJson("/posts/via-service", "{\"title\":\"" + title + "\"}");
		assertThat(viaService.statusCode()).isEqualTo(413);
		assertThat(this.primary.rows()).isEqualTo(rows);
	}

	@Test
	void twoHundredConcurrentPostsLandExactlyOnce() {
		long rows = this.primary.rows();
		List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
		for (int i = 0; i < 200; i++) {
			HttpRequest request = this.replica.request("/posts")
				.header("Content-Type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString("{\"title\":\"concurrent-" + i + "\"}"))
				.build();
			responses.add(TestNode.http().sendAsync(request, HttpResponse.BodyHandlers.ofString()));
		}
		Set<String> created = new HashSet<>();
		for (CompletableFuture<HttpResponse<String>> future : responses) {
			HttpResponse<String> response = future.join();
			assertThat(response.statusCode()).isEqualTo(201);
			created.add(json.readTree(response.body()).get("title").asString());
		}
		assertThat(created).hasSize(200);
		assertThat(this.primary.rows()).isEqualTo(rows + 200);
		assertThat(this.primary.bean(org.springframework.jdbc.core.JdbcTemplate.class)
			.queryForObject("select count(distinct title) from posts where title like 'concurrent-%'", Long.class))
			.isEqualTo(200);
	}

	@ParameterizedTest
	@ValueSource(strings = { "x=%zz", "x=%", "x=%E0%A4%A" })
	void aQueryStringThatCannotBeForwardedIsTheClientsBadRequestNeverMayHaveTakenEffect(String query)
			throws IOException {
		long rows = this.primary.rows();
		String body = "{\"title\":\"malformed\"}";
		String answer = this.replica.rawExchange("POST /posts?" + query + " HTTP/1.1\r\nHost: localhost\r\n"
				+ "Content-Type: application/json\r\nContent-Length: " + body.length() + "\r\nConnection: close\r\n\r\n"
				+ body);
		assertThat(answer).startsWith("HTTP/1.1 400 ").contains("Content-Type: application/problem+json");
		// the body, without the chunks' sizes around it
		JsonNode problem = json.readTree(answer.substring(answer.indexOf('{'), answer.lastIndexOf('}') + 1));
		assertThat(problem.get("title").asString()).isEqualTo("Request cannot be forwarded");
		assertThat(problem.get("detail").asString()).contains("not sent").doesNotContain("may or may not");
		assertThat(this.primary.rows()).isEqualTo(rows);
	}

	@Test
	void headersTheReplicaAcceptedButTheForwardedRequestCannotCarryGiveAProblemDetailNotTheContainersPage() {
		long rows = this.primary.rows();
		HttpResponse<String> response = this.replica.send(this.replica.request("/posts")
			.header("Content-Type", "application/json")
			.header("Cookie", "session=" + "s".repeat(7980 - "session=".length()))
			.POST(HttpRequest.BodyPublishers.ofString("{\"title\":\"big cookie\"}")));
		assertThat(response.statusCode()).isEqualTo(431);
		assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
		JsonNode problem = json.readTree(response.body());
		assertThat(problem.get("title").asString()).isEqualTo("Request headers too large to forward");
		assertThat(problem.get("detail").asString()).contains("server.max-http-request-header-size (8192B)");
		assertThat(this.primary.rows()).isEqualTo(rows);
		HttpResponse<String> fits = this.replica.send(this.replica.request("/posts")
			.header("Content-Type", "application/json")
			.header("Cookie", "session=" + "s".repeat(7500))
			.POST(HttpRequest.BodyPublishers.ofString("{\"title\":\"a cookie that fits\"}")));
		assertThat(fits.statusCode()).isEqualTo(201);
		assertThat(this.primary.rows()).isEqualTo(rows + 1);
	}

	@Test
	void clientsThatHangUpAreLoggedAtDebugInOneLineNeverAtErrorWithAStackTrace(CapturedOutput output)
			throws Exception {
		int slow = this.primary.calls().of("slow");
		int put = this.primary.calls().of("put");
		for (int i = 0; i < 5; i++) {
			// an @EnsurePrimary handler, gone before the primary answered and in the middle of its answer
			hangUp("POST /slow?millis=200", "", null);
			hangUp("POST /slow-body?millis=200&start=true", "", "start");
			// the methods rule, and a read replayed after its wait for __txid
			hangUp("PUT /posts/put", "Content-Type: application/json\r\n", "{\"title\":\"gone\"}");
			hangUp("GET /posts/1", "Cookie: __txid=7fffffffffffffff\r\n", "");
		}
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while ((this.primary.calls().of("slow") < slow + 5 || this.primary.calls().of("put") < put + 5)
				&& System.nanoTime() < deadline) {
			Thread.sleep(50);
		}
		// past litefs.consistency.timeout, after which the reads would be replayed
		Thread.sleep(1000);
		assertThat(this.primary.calls().of("put")).isEqualTo(put + 5);
		assertThat(output.getAll()).doesNotContain(" ERROR ").doesNotContain("\tat ");
	}

	@Test
	void serverSentEventsStreamThroughEachEventAsItIsSent() throws Exception {
		assertThat(StreamController.readEventByEvent(this.replica)).containsExactly("data:one", "data:two");
		assertThat(this.replica.calls().of("events")).isZero();
		assertThat(this.primary.calls().of("events")).isPositive();
	}

	@Test
	void forwardedRequestsReuseTheConnectionToThePrimary(@TempDir Path dir) {
		// a replica of its own, whose pool holds no connection of other tests
		try (TestNode fresh = replica(FakeLiteFsMount.replicaOf(dir, "localhost"), "node-f",
				"litefs.routing.strategy=forward",
				"litefs.routing.forward.url-template=http://{primary}:" + this.primary.port())) {
			List<Integer> ports = new ArrayList<>();
			for (int i = 0; i < 3; i++) {
				HttpResponse<String> echo = fresh.send(fresh.request("/echo").POST(HttpRequest.BodyPublishers.ofString("" + i)));
				assertThat(echo.statusCode()).isEqualTo(200);
				assertThat(json.readTree(echo.body()).get("node").asString()).isEqualTo("node-a");
				ports.add(json.readTree(echo.body()).get("remote-port").asInt());
			}
			assertThat(ports).as("the replica's ports the primary saw").containsOnly(ports.get(0));
		}
	}

	@Test
	void anOfferOfHttp2AloneIsNoUpgradeAndIsForwarded() throws IOException {
		long rows = this.primary.rows();
		String body = "{\"title\":\"h2c offered\"}";
		// what the JDK's client sends on plain HTTP unless told HTTP/1.1
		String answer = this.replica.rawExchange("POST /posts HTTP/1.1\r\nHost: localhost\r\n"
				+ "Connection: Upgrade, HTTP2-Settings, close\r\nUpgrade: h2c\r\nHTTP2-Settings: AAEAAEAAAAIAAAABAAMAAABkAAQBAAAAAAUAAEAA\r\n"
				+ "Content-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body);
		assertThat(answer).startsWith("HTTP/1.1 201 ");
		assertThat(this.primary.rows()).isEqualTo(rows + 1);
	}

	@Test
	void anUpgradeRequestIsNotForwardedButToldWhichPrimaryToConnectTo() throws IOException {
		String answer = this.replica.rawExchange("GET /socket HTTP/1.1\r\nHost: localhost\r\n"
				+ "Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n"
				+ "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n");
		assertThat(answer).startsWith("HTTP/1.1 503 ").contains("Content-Type: application/problem+json");
		JsonNode problem = json.readTree(answer.substring(answer.indexOf('{'), answer.lastIndexOf('}') + 1));
		assertThat(problem.get("title").asString()).isEqualTo("Upgrade cannot be forwarded");
		assertThat(problem.get("detail").asString()).contains("Upgrade: websocket").contains("Connect to the primary, localhost, directly");
		assertThat(problem.get("primary").asString()).isEqualTo("localhost");
		assertThat(problem.get("primaryUrl").asString()).isEqualTo("http://localhost:" + this.primary.port());
		assertThat(this.primary.calls().of("socket")).isZero();
		assertThat(this.replica.calls().of("socket")).isZero();
	}

	/**
	 * Sends a request to the replica, reads its answer until {@code until} when that is
	 * not a body, and resets the connection.
	 */
	private void hangUp(String requestLine, String headers, String bodyOrUntil) throws IOException {
		boolean body = bodyOrUntil != null && !requestLine.startsWith("POST /slow-body");
		try (Socket socket = new Socket("localhost", this.replica.port())) {
			socket.setSoTimeout(10_000);
			socket.setSoLinger(true, 0);
			String content = body ? bodyOrUntil : "";
			socket.getOutputStream().write((requestLine + " HTTP/1.1\r\nHost: localhost\r\n" + headers
					+ "Content-Length: " + content.length() + "\r\n\r\n" + content).getBytes(StandardCharsets.ISO_8859_1));
			socket.getOutputStream().flush();
			StringBuilder read = new StringBuilder();
			while (!body && bodyOrUntil != null && !read.toString().contains(bodyOrUntil)) {
				int b = socket.getInputStream().read();
				if (b < 0) {
					break;
				}
				read.append((char) b);
			}
		}
	}

	private static int closedPort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
