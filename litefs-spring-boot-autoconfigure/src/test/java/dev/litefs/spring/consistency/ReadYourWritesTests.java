package dev.litefs.spring.consistency;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.litefs.spring.node.Position;
import dev.litefs.spring.test.FakeLiteFsMount;
import dev.litefs.spring.testapp.FakeMountNodes;
import dev.litefs.spring.testapp.TestNode;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;

/**
 * The {@code __txid} cookie through HTTP: set after writes on the primary for every
 * handler style, honoured on replicas by waiting, replaying or answering 504, and
 * deleted when malformed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReadYourWritesTests {

	private static final Pattern SET_COOKIE = Pattern
		.compile("__txid=([0-9a-f]{16}); Path=/; Max-Age=120; Expires=[^;]+; HttpOnly; SameSite=Lax");

	private static final String DELETED = "__txid=; Path=/; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; "
			+ "HttpOnly; SameSite=Lax";

	private static final JsonMapper json = new JsonMapper();

	private FakeMountNodes nodes;

	private TestNode primary;

	private FakeLiteFsMount flyMount;

	private TestNode flyReplica;

	private FakeLiteFsMount errorMount;

	private TestNode errorReplica;

	@BeforeAll
	void startNodes(@TempDir Path dir) {
		this.nodes = new FakeMountNodes(dir);
		this.primary = this.nodes.primary("litefs.consistency.cookie-max-age=2m");
		this.flyReplica = this.nodes.replica("node-b", "litefs.routing.strategy=fly-replay",
				"litefs.consistency.timeout=2s");
		this.flyMount = this.nodes.mount("node-b");
		this.errorReplica = this.nodes.replica("node-c", "litefs.routing.strategy=fly-replay",
				"litefs.consistency.timeout=1s", "litefs.consistency.on-timeout=error");
		this.errorMount = this.nodes.mount("node-c");
	}

	@AfterAll
	void stopNodes() {
		this.nodes.close();
	}

	@BeforeEach
	void replicasAtTxid5() {
		this.flyMount.txid(5);
		this.flyReplica.node().refresh();
		this.errorMount.txid(5);
		this.errorReplica.node().refresh();
	}

	@Test
	void aPostWithABodySetsTheTxidAfterTheWrite() {
		HttpResponse<String> response = this.primary.postJson("/posts", "{\"title\":\"t\"}");
		assertThat(response.statusCode()).isEqualTo(201);
		assertCookieIsTheTxidNow(response);
	}

	@Test
	void everyHandlerStyleGetsTheCookie() {
		for (String path : List.of("/page", "/page/posts", "/posts/redirect", "/posts/stream", "/posts/transactional",
				"/posts/invalid")) {
			long before = this.primary.node().currentPosition().txid();
			HttpResponse<String> response = this.primary.send(this.primary.request(path)
				.header("Content-Type", "application/x-www-form-urlencoded")
				.POST(HttpRequest.BodyPublishers.ofString("title=" + path)));
			assertThat(response.statusCode()).as(path).isIn(200, 302, 303, 400);
			long after = assertCookieIsTheTxidNow(response);
			assertThat(after).as(path).isEqualTo(path.equals("/posts/invalid") ? before : before + 1);
		}
	}

	@Test
	void aReadSetsNoCookie() {
		HttpResponse<String> response = this.primary.get("/posts/count");
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.headers().allValues("Set-Cookie")).isEmpty();
	}

	@Test
	void anHttpsRequestGetsASecureCookie() throws Exception {
		this.primary.mockMvc()
			.perform(post("/posts/transactional").param("title", "secure").secure(true))
			.andExpect(header().string("Set-Cookie", Matchers.containsSecure()));
	}

	@Test
	void onThePrimaryACookieAheadOfEverythingIsDeletedWithoutWaiting() {
		HttpResponse<String> response = this.primary.send(this.primary.request("/posts/count")
			.header("Cookie", "__txid=7fffffffffffffff"));
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.headers().allValues("Set-Cookie")).containsExactly(DELETED);
	}

	@Test
	void aReplicaHoldsARequestUntilItsTxidArrives() throws Exception {
		CompletableFuture<HttpResponse<String>> response = this.flyReplica.sendAsync(this.flyReplica
			.request("/posts/7")
			.header("Cookie", "theme=dark; __txid=0000000000000007")
			.GET());
		Thread.sleep(300);
		assertThat(response).isNotDone();
		assertThat(this.flyReplica.node().waiting()).isEqualTo(1);
		this.flyMount.txid(7);
		HttpResponse<String> answered = response.get(5, TimeUnit.SECONDS);
		// answered here (200, by node-b), not replayed to the primary (409) after the timeout
		assertThat(answered.statusCode()).isEqualTo(200);
		assertThat(json.readTree(answered.body()).get("node").asString()).isEqualTo("node-b");
		assertThat(answered.headers().allValues("Set-Cookie")).isEmpty();
		assertThat(waits(this.flyReplica, "caught-up")).isGreaterThanOrEqualTo(1);
	}

	@Test
	void aReplicaCaughtUpAnswersAtOnce() {
		HttpResponse<String> response = this.flyReplica.send(this.flyReplica.request("/posts/7")
			.header("Cookie", "__txid=0000000000000005")
			.GET());
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.headers().allValues("Set-Cookie")).isEmpty();
	}

	@Test
	void aReplicaThatNeverCatchesUpReplaysTheRequestToThePrimary() {
		long start = System.nanoTime();
		HttpResponse<String> response = this.flyReplica.send(this.flyReplica.request("/posts/7")
			.header("Cookie", "__txid=0000000000000007")
			.GET());
		assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isGreaterThanOrEqualTo(1900);
		assertThat(response.statusCode()).isEqualTo(409);
		assertThat(response.headers().firstValue("fly-replay")).hasValue("instance=node-a");
		assertThat(response.body()).isEmpty();
		assertThat(waits(this.flyReplica, "timed-out")).isGreaterThanOrEqualTo(1);
	}

	@Test
	void aReplicaThatNeverCatchesUpAnswers504UnderError() {
		HttpResponse<String> response = this.errorReplica.send(this.errorReplica.request("/posts/7")
			.header("Cookie", "__txid=0000000000000007")
			.GET());
		assertThat(response.statusCode()).isEqualTo(504);
		assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
		assertThat(response.headers().allValues("Set-Cookie")).containsExactly(DELETED);
		JsonNode problem = json.readTree(response.body());
		assertThat(problem.get("title").asString()).isEqualTo("Replica behind your last write");
		assertThat(problem.get("txid").asString()).isEqualTo("0000000000000007");
		assertThat(problem.get("detail").asString()).contains("litefs.consistency.timeout (PT1S)");
		assertThat(this.errorReplica.calls().of("read")).isZero();
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "xyz", "00000000000000007", "-000000000000007", "0x00000000000007",
			"\"0000000000000007", "000000000000000g" })
	void aMalformedCookieIsDeletedAndNeverWaitsNorFails(String value) {
		for (TestNode node : List.of(this.flyReplica, this.primary)) {
			long waits = waits(node, null);
			HttpResponse<String> response = node.send(node.request("/posts/7").header("Cookie", "__txid=" + value).GET());
			assertThat(response.statusCode()).isEqualTo(200);
			assertThat(response.headers().allValues("Set-Cookie")).containsExactly(DELETED);
			assertThat(waits(node, null)).isEqualTo(waits);
		}
	}

	@Test
	void aFourKilobyteCookieIsDeletedAndNeverWaitsNorFails() {
		long waits = waits(this.flyReplica, null);
		HttpResponse<String> response = this.flyReplica.send(this.flyReplica.request("/posts/7")
			.header("Cookie", "__txid=" + "7".repeat(4096))
			.GET());
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.headers().allValues("Set-Cookie")).containsExactly(DELETED);
		assertThat(waits(this.flyReplica, null)).isEqualTo(waits);
	}

	@Test
	void aUnicodeCookieIsDeletedAndNeverWaitsNorFails() throws IOException {
		long waits = waits(this.flyReplica, null);
		String response = rawGet(this.flyReplica.port(), "/posts/7", "__txid=ééééééééééééééé✓");
		assertThat(response).startsWith("HTTP/1.1 200");
		assertThat(response).contains("Set-Cookie: " + DELETED);
		assertThat(waits(this.flyReplica, null)).isEqualTo(waits);
	}

	@Test
	void excludedPathsNeitherWaitNorGetTheCookie() {
		HttpResponse<String> response = this.flyReplica.send(this.flyReplica.request("/favicon.ico")
			.header("Cookie", "__txid=0000000000000099")
			.GET());
		assertThat(response.statusCode()).isEqualTo(404);
		assertThat(response.headers().allValues("Set-Cookie")).isEmpty();
	}

	private long assertCookieIsTheTxidNow(HttpResponse<String> response) {
		List<String> cookies = response.headers().allValues("Set-Cookie");
		String txidCookie = cookies.stream().filter((cookie) -> cookie.startsWith("__txid=")).findFirst().orElse("");
		Matcher matcher = SET_COOKIE.matcher(txidCookie);
		assertThat(matcher.matches()).as(txidCookie).isTrue();
		assertThat(matcher.group(1)).isEqualTo(this.primary.node().currentPosition().txidHex());
		return Position.parseTxid(matcher.group(1));
	}

	private static long waits(TestNode node, String outcome) {
		return node.bean(MeterRegistry.class)
			.find("litefs.consistency.wait")
			.timers()
			.stream()
			.filter((timer) -> outcome == null || outcome.equals(timer.getId().getTag("outcome")))
			.mapToLong(Timer::count)
			.sum();
	}

	private static String rawGet(int port, String path, String cookie) throws IOException {
		try (Socket socket = new Socket("localhost", port)) {
			socket.setSoTimeout(10_000);
			OutputStream out = socket.getOutputStream();
			out.write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nCookie: " + cookie
					+ "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.UTF_8));
			out.flush();
			InputStream in = socket.getInputStream();
			ByteArrayOutputStream answer = new ByteArrayOutputStream();
			in.transferTo(answer);
			return answer.toString(StandardCharsets.ISO_8859_1);
		}
	}

	private static final class Matchers {

		static org.hamcrest.Matcher<String> containsSecure() {
			return org.hamcrest.Matchers.allOf(org.hamcrest.Matchers.startsWith("__txid="),
					org.hamcrest.Matchers.containsString("; Secure; HttpOnly; SameSite=Lax"));
		}

	}

}
