package dev.litefs.spring.routing;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;

import dev.litefs.spring.testapp.FakeMountNodes;
import dev.litefs.spring.testapp.TestNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.http.MediaType;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * {@code @EnsurePrimary} on a controller method and on a controller class, on a
 * primary and on replicas under the fly-replay, redirect and reject strategies (forward
 * has its own tests with two servers): status, headers and body, and whether the method
 * body ran.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EnsurePrimaryStrategiesTests {

	private static final String POST_JSON = "{\"title\":\"hello\"}";

	private FakeMountNodes nodes;

	private TestNode primary;

	private TestNode flyReplay;

	private TestNode redirect;

	private TestNode reject;

	@BeforeAll
	void startNodes(@TempDir Path dir) {
		this.nodes = new FakeMountNodes(dir);
		this.primary = this.nodes.primary("litefs.routing.strategy=reject");
		this.flyReplay = this.nodes.replica("node-b", "litefs.routing.strategy=fly-replay");
		this.redirect = this.nodes.replica("node-c", "litefs.routing.strategy=redirect",
				"litefs.routing.redirect.url-template=https://{primary}.example.com");
		this.reject = this.nodes.replica("node-d", "litefs.routing.strategy=reject",
				"litefs.routing.retry-after=2500ms");
	}

	@AfterAll
	void stopNodes() {
		if (this.nodes != null) {
			this.nodes.close();
		}
	}

	@Test
	void annotatedMethodAndClassRunOnThePrimary() throws Exception {
		long rows = this.primary.rows();
		this.primary.mockMvc()
			.perform(post("/posts").contentType(MediaType.APPLICATION_JSON).content(POST_JSON))
			.andExpect(status().isCreated())
			.andExpect(header().string("Location", "http://localhost/posts/" + (rows + 1)))
			.andExpect(jsonPath("$.node").value("node-a"));
		this.primary.mockMvc()
			.perform(post("/admin/touch"))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.node").value("node-a"));
		assertThat(this.primary.calls().of("create")).isEqualTo(1);
		assertThat(this.primary.calls().of("admin")).isEqualTo(1);
		assertThat(this.primary.rows()).isEqualTo(rows + 2);
	}

	@Test
	void flyReplayAnswers409WithTheInstanceAndNoBody() throws Exception {
		for (String path : new String[] { "/posts", "/admin/touch" }) {
			this.flyReplay.mockMvc()
				.perform(post(path).contentType(MediaType.APPLICATION_JSON).content(POST_JSON))
				.andExpect(status().isConflict())
				.andExpect(header().string("fly-replay", "instance=node-a"))
				.andExpect(content().bytes(new byte[0]));
		}
		HttpResponse<String> response = this.flyReplay.postJson("/posts", POST_JSON);
		assertThat(response.statusCode()).isEqualTo(409);
		assertThat(response.headers().allValues("fly-replay")).containsExactly("instance=node-a");
		assertThat(response.headers().firstValueAsLong("Content-Length")).hasValue(0);
		assertThat(response.body()).isEmpty();
		assertNothingRanOn(this.flyReplay);
	}

	@Test
	void flyReplayNeverReplaysTwice() throws Exception {
		this.flyReplay.mockMvc()
			.perform(post("/posts").contentType(MediaType.APPLICATION_JSON)
				.content(POST_JSON)
				.header("fly-replay-src", "instance=4d89; region=ams; t=1700000000000000; state=x"))
			.andExpect(status().isServiceUnavailable())
			.andExpect(header().doesNotExist("fly-replay"))
			.andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
			.andExpect(jsonPath("$.title").value("Replayed to a node that is not the primary"))
			.andExpect(jsonPath("$.primary").value("node-a"))
			.andExpect(jsonPath("$.node").value("node-b"));
		assertNothingRanOn(this.flyReplay);
	}

	@Test
	void flyReplayRefusesBodiesOverOneMegabyte() {
		byte[] large = new byte[1024 * 1024 + 1];
		HttpResponse<String> sized = this.flyReplay.send(this.flyReplay.request("/posts")
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofByteArray(large)));
		assertThat(sized.statusCode()).isEqualTo(503);
		assertThat(sized.headers().firstValue("fly-replay")).isEmpty();
		assertThat(sized.body()).contains("Request too large to replay").contains("node-a");
		// no Content-Length: the body is counted as it arrives
		HttpResponse<String> chunked = this.flyReplay.send(this.flyReplay.request("/posts")
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(large))));
		assertThat(chunked.statusCode()).isEqualTo(503);
		assertThat(chunked.body()).contains("Request too large to replay");
		HttpResponse<String> justUnder = this.flyReplay.send(this.flyReplay.request("/posts")
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofInputStream(
					() -> new java.io.ByteArrayInputStream(new byte[1024 * 1024]))));
		assertThat(justUnder.statusCode()).isEqualTo(409);
		assertNothingRanOn(this.flyReplay);
	}

	@Test
	void redirectAnswers307ToTheSamePathOnThePrimary() throws Exception {
		for (String path : new String[] { "/posts", "/admin/touch" }) {
			this.redirect.mockMvc()
				.perform(post(path + "?draft=true").contentType(MediaType.APPLICATION_JSON).content(POST_JSON))
				.andExpect(status().isTemporaryRedirect())
				.andExpect(header().string("Location", "https://node-a.example.com" + path + "?draft=true"));
		}
		HttpResponse<String> response = this.redirect.postJson("/posts", POST_JSON);
		assertThat(response.statusCode()).isEqualTo(307);
		assertThat(response.headers().firstValue("Location")).hasValue("https://node-a.example.com/posts");
		assertNothingRanOn(this.redirect);
	}

	@Test
	void rejectAnswers503NamingThePrimary() throws Exception {
		for (String path : new String[] { "/posts", "/admin/touch" }) {
			this.reject.mockMvc()
				.perform(post(path).contentType(MediaType.APPLICATION_JSON).content(POST_JSON))
				.andExpect(status().isServiceUnavailable())
				.andExpect(header().string("Retry-After", "3"))
				.andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
				.andExpect(jsonPath("$.status").value(503))
				.andExpect(jsonPath("$.title").value("Not the primary"))
				.andExpect(jsonPath("$.primary").value("node-a"))
				.andExpect(jsonPath("$.role").value("replica"))
				.andExpect(jsonPath("$.instance").value(path));
		}
		assertNothingRanOn(this.reject);
	}

	@Test
	void unannotatedHandlersRunOnReplicas() throws Exception {
		this.reject.mockMvc().perform(org.springframework.test.web.servlet.request.MockMvcRequestBuilders
			.get("/posts/7")).andExpect(status().isOk()).andExpect(jsonPath("$.node").value("node-d"));
		assertThat(this.reject.calls().of("read")).isEqualTo(1);
	}

	private static void assertNothingRanOn(TestNode replica) {
		assertThat(replica.calls().of("create")).isZero();
		assertThat(replica.calls().of("admin")).isZero();
	}

}
