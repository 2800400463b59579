package dev.litefs.spring.etag;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.litefs.spring.test.FakeLiteFsMount;
import dev.litefs.spring.testapp.FakeMountNodes;
import dev.litefs.spring.testapp.TestNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;

/**
 * TXID ETags through HTTP on fake mounts: which answers get one, what it covers (the
 * position, the varying headers, the user), {@code 304} without running the handler,
 * and the {@code __txid} wait before the comparison.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TxidETagTests {

	private FakeMountNodes nodes;

	private TestNode replica;

	private FakeLiteFsMount mount;

	private TestNode standalone;

	@BeforeAll
	void startNodes(@TempDir Path dir) {
		this.nodes = new FakeMountNodes(dir);
		// no poll of the files while a test runs: the node reads them when a test says so
		this.replica = this.nodes.replica("node-b", "litefs.etag.paths=/untagged/**", "litefs.etag.vary=Accept",
				"litefs.consistency.timeout=2s", "litefs.poll-interval=1h");
		this.mount = this.nodes.mount("node-b");
		this.standalone = TestNode.standalone(List.of(), dir.resolve("plain"));
	}

	@AfterAll
	void stopNodes() {
		this.standalone.close();
		this.nodes.close();
	}

	@BeforeEach
	void replicaAtTxid5() {
		this.mount.position(5, 0xabc);
		this.replica.node().refresh();
	}

	@Test
	void aMarkedReadGetsAWeakTagOfTheTxidAndIsNotModifiedWhileTheTxidStays() {
		HttpResponse<String> first = this.replica.get("/tagged/count");
		assertThat(first.statusCode()).isEqualTo(200);
		String tag = first.headers().firstValue("ETag").orElseThrow();
		assertThat(tag).matches("W/\"0000000000000005-[A-Za-z0-9_-]{16}\"");
		int runs = this.replica.calls().of("tagged-count");
		HttpResponse<String> again = conditional("/tagged/count", tag);
		assertThat(again.statusCode()).isEqualTo(304);
		assertThat(again.body()).isEmpty();
		assertThat(again.headers().firstValue("ETag")).hasValue(tag);
		assertThat(this.replica.calls().of("tagged-count")).as("the handler did not run").isEqualTo(runs);
		assertThat(conditional("/tagged/count", "W/\"other\", " + tag).statusCode()).isEqualTo(304);
	}

	@Test
	void aNewTxidOrChecksumMakesANewTagAndRunsTheHandler() {
		String tag = this.replica.get("/tagged/count").headers().firstValue("ETag").orElseThrow();
		this.mount.position(6, 0xdef);
		this.replica.node().refresh();
		int runs = this.replica.calls().of("tagged-count");
		HttpResponse<String> after = conditional("/tagged/count", tag);
		assertThat(after.statusCode()).isEqualTo(200);
		assertThat(after.headers().firstValue("ETag").orElseThrow()).startsWith("W/\"0000000000000006-")
			.isNotEqualTo(tag);
		assertThat(this.replica.calls().of("tagged-count")).isEqualTo(runs + 1);
		// the same TXID with another checksum (a database restored, a new cluster) is another content
		String at6 = after.headers().firstValue("ETag").orElseThrow();
		this.mount.position(6, 0x123);
		this.replica.node().refresh();
		assertThat(conditional("/tagged/count", at6).statusCode()).isEqualTo(200);
	}

	@Test
	void theHeadersAnAnswerVariesOnArePartOfItsTagAndNamedInVary() {
		HttpResponse<String> english = this.replica.send(this.replica.request("/tagged/greeting")
			.header("Accept-Language", "en")
			.GET());
		String tag = english.headers().firstValue("ETag").orElseThrow();
		assertThat(english.headers().allValues("Vary")).contains("Accept-Language");
		HttpResponse<String> french = this.replica.send(this.replica.request("/tagged/greeting")
			.header("Accept-Language", "fr")
			.header("If-None-Match", tag)
			.GET());
		assertThat(french.statusCode()).isEqualTo(200);
		assertThat(french.body()).startsWith("bonjour");
		HttpResponse<String> englishAgain = this.replica.send(this.replica.request("/tagged/greeting")
			.header("Accept-Language", "en")
			.header("If-None-Match", tag)
			.GET());
		assertThat(englishAgain.statusCode()).isEqualTo(304);
		assertThat(englishAgain.headers().allValues("Vary")).contains("Accept-Language");
	}

	@Test
	void theSignedInUserIsPartOfTheTag() throws Exception {
		String alice = this.replica.mockMvc()
			.perform(get("/tagged/count").principal(() -> "alice"))
			.andReturn()
			.getResponse()
			.getHeader("ETag");
		String bob = this.replica.mockMvc()
			.perform(get("/tagged/count").principal(() -> "bob"))
			.andReturn()
			.getResponse()
			.getHeader("ETag");
		String anonymous = this.replica.get("/tagged/count").headers().firstValue("ETag").orElseThrow();
		assertThat(alice).isNotNull().isNotEqualTo(bob).isNotEqualTo(anonymous);
		assertThat(this.replica.mockMvc()
			.perform(get("/tagged/count").principal(() -> "bob").header("If-None-Match", alice))
			.andReturn()
			.getResponse()
			.getStatus()).isEqualTo(200);
		assertThat(this.replica.mockMvc()
			.perform(get("/tagged/count").principal(() -> "alice").header("If-None-Match", alice))
			.andReturn()
			.getResponse()
			.getStatus()).isEqualTo(304);
	}

	@Test
	void aConfiguredPathIsTaggedWithItsConfiguredVary() {
		HttpResponse<String> json = this.replica.send(this.replica.request("/untagged/count")
			.header("Accept", "application/json")
			.GET());
		String tag = json.headers().firstValue("ETag").orElseThrow();
		assertThat(json.headers().allValues("Vary")).contains("Accept");
		assertThat(this.replica.send(this.replica.request("/untagged/count")
			.header("Accept", "application/json")
			.header("If-None-Match", tag)
			.GET()).statusCode()).isEqualTo(304);
		assertThat(this.replica.send(this.replica.request("/untagged/count")
			.header("Accept", "*/*")
			.header("If-None-Match", tag)
			.GET()).statusCode()).isEqualTo(200);
	}

	@Test
	void unmarkedReadsWritesAndAStandaloneNodeGetNoTag() {
		assertThat(this.replica.get("/posts/count").headers().firstValue("ETag")).isEmpty();
		HttpResponse<String> post = this.replica.send(this.replica.request("/tagged/count")
			.header("If-None-Match", "*")
			.POST(HttpRequest.BodyPublishers.noBody()));
		assertThat(post.statusCode()).isEqualTo(200);
		assertThat(post.headers().firstValue("ETag")).isEmpty();
		// a standalone node's position never moves: it cannot date an answer
		HttpResponse<String> local = this.standalone.get("/tagged/count");
		assertThat(local.statusCode()).isEqualTo(200);
		assertThat(local.headers().firstValue("ETag")).isEmpty();
	}

	@Test
	void aRequestWhoseTxidIsAheadWaitsForItBeforeItsTagIsCompared() throws Exception {
		String tag = this.replica.get("/tagged/count").headers().firstValue("ETag").orElseThrow();
		CompletableFuture<HttpResponse<String>> response = this.replica.sendAsync(this.replica
			.request("/tagged/count")
			.header("Cookie", "__txid=0000000000000007")
			.header("If-None-Match", tag)
			.GET());
		Thread.sleep(300);
		assertThat(response).isNotDone();
		this.mount.position(7, 0xabc);
		HttpResponse<String> answered = response.get(5, TimeUnit.SECONDS);
		assertThat(answered.statusCode()).isEqualTo(200);
		assertThat(answered.headers().firstValue("ETag").orElseThrow()).startsWith("W/\"0000000000000007-");
	}

	@Test
	void aCookieTheMountHasReachedBeforeAnyEventSaidSoIsComparedAtTheMountsTxid() {
		String tag = this.replica.get("/tagged/count").headers().firstValue("ETag").orElseThrow();
		// the mount moves; the node's reading does not (no event, no poll in between)
		this.mount.position(8, 0xabc);
		HttpResponse<String> answered = this.replica.send(this.replica.request("/tagged/count")
			.header("Cookie", "__txid=0000000000000008")
			.header("If-None-Match", tag)
			.GET());
		assertThat(answered.statusCode()).isEqualTo(200);
		assertThat(answered.headers().firstValue("ETag").orElseThrow()).startsWith("W/\"0000000000000008-");
	}

	private HttpResponse<String> conditional(String path, String tag) {
		return this.replica.send(this.replica.request(path).header("If-None-Match", tag).GET());
	}

}
