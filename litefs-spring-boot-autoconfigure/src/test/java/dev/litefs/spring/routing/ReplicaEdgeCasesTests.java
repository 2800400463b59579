package dev.litefs.spring.routing;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import dev.litefs.spring.node.LiteFsMount;
import dev.litefs.spring.node.NodeRole;
import dev.litefs.spring.test.FakeLiteFsMount;
import dev.litefs.spring.testapp.NightlyJob;
import dev.litefs.spring.testapp.TestNode;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Replicas in the situations around the happy path: a malformed {@code .primary}, no
 * primary at all, the {@code methods} rule, a scheduled task, and the metrics of it all.
 */
class ReplicaEdgeCasesTests {

	private static final JsonMapper json = new JsonMapper();

	@TempDir
	Path dir;

	private TestNode node;

	@AfterEach
	void stop() {
		if (this.node != null) {
			this.node.close();
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "fly-replay", "forward", "redirect", "reject" })
	void aPrimaryHostnameWithCrLfSpacesOrOver255BytesNeverReachesAHeaderOrAUrl(String strategy) {
		FakeLiteFsMount mount = FakeLiteFsMount.replicaOf(this.dir, "node-a");
		this.node = TestNode.start(mount, "node-b", "litefs.routing.strategy=" + strategy);
		for (String primary : new String[] { "node-a\r\nSet-Cookie: evil=1", "node-a\rX: y", "node a",
				"n".repeat(256), "evil.example.com:9000/x?", "" }) {
			mount.write(LiteFsMount.PRIMARY_FILE, primary + "\n");
			assertThat(this.node.node().refresh().role()).isEqualTo(NodeRole.UNKNOWN);
			HttpResponse<String> response = this.node.postJson("/posts", "{\"title\":\"t\"}");
			assertThat(response.statusCode()).as(primary).isEqualTo(503);
			assertThat(response.headers().firstValue("fly-replay")).isEmpty();
			assertThat(response.headers().firstValue("Location")).isEmpty();
			assertThat(response.headers().firstValue("Retry-After")).hasValue("1");
			assertThat(response.headers().allValues("Set-Cookie")).noneMatch((cookie) -> cookie.contains("evil"));
			JsonNode problem = json.readTree(response.body());
			assertThat(problem.get("title").asString()).isEqualTo("No primary");
			assertThat(problem.has("primary")).isFalse();
			assertThat(response.body()).doesNotContain("evil").doesNotContain("nnnn");
		}
		assertThat(this.node.calls().of("create")).isZero();
	}

	@ParameterizedTest
	@ValueSource(strings = { "fly-replay", "forward", "redirect", "reject" })
	void aPrimaryHostnameNoUrlCanHoldGives503NeverA502(String strategy) {
		FakeLiteFsMount mount = FakeLiteFsMount.replicaOf(this.dir, "node-a");
		this.node = TestNode.start(mount, "node-b", "litefs.routing.strategy=" + strategy);
		for (String primary : new String[] { "-", "node-a-", ".", "..", "a..b", "node_a", "1.2.3", "127.0" }) {
			mount.write(LiteFsMount.PRIMARY_FILE, primary + "\n");
			assertThat(this.node.node().refresh().role()).as(primary).isEqualTo(NodeRole.UNKNOWN);
			assertNoPrimaryAnswer(this.node.postJson("/posts", "{\"title\":\"t\"}"), primary);
		}
		// caught while LiteFS writes "127.0.0.1\n"
		mount.write(LiteFsMount.PRIMARY_FILE, "127.0");
		assertThat(this.node.node().refresh().role()).isEqualTo(NodeRole.UNKNOWN);
		assertNoPrimaryAnswer(this.node.postJson("/posts", "{\"title\":\"t\"}"), "127.0 without its newline");
		assertThat(this.node.calls().of("create")).isZero();
	}

	private static void assertNoPrimaryAnswer(HttpResponse<String> response, String primary) {
		assertThat(response.statusCode()).as(primary).isEqualTo(503);
		assertThat(response.headers().firstValue("Retry-After")).as(primary).hasValue("1");
		assertThat(response.headers().firstValue("fly-replay")).isEmpty();
		assertThat(response.headers().firstValue("Location")).isEmpty();
		assertThat(json.readTree(response.body()).get("title").asString()).as(primary).isEqualTo("No primary");
	}

	@ParameterizedTest
	@ValueSource(strings = { "forward", "redirect" })
	void aPrimaryUrlTheTemplateCannotBuildIsCannotForwardNow(String strategy) {
		// "node.3d8d9930b32189" is no host name: its last label starts with a digit
		FakeLiteFsMount mount = FakeLiteFsMount.replicaOf(this.dir, "3d8d9930b32189");
		this.node = TestNode.start(mount, "node-b", "litefs.routing.strategy=" + strategy,
				"litefs.routing." + strategy + ".url-template=http://node.{primary}:{port}");
		HttpResponse<String> response = this.node.postJson("/posts", "{\"title\":\"t\"}");
		assertThat(response.statusCode()).isEqualTo(503);
		assertThat(response.headers().firstValue("Retry-After")).hasValue("1");
		assertThat(response.headers().firstValue("Location")).isEmpty();
		JsonNode problem = json.readTree(response.body());
		assertThat(problem.get("title").asString()).isEqualTo("Cannot forward now");
		assertThat(problem.get("detail").asString()).contains("http://node.3d8d9930b32189:").doesNotContain("may or may not");
		assertThat(this.node.calls().of("create")).isZero();
	}

	@ParameterizedTest
	@ValueSource(strings = { "fly-replay", "forward", "redirect", "reject" })
	void noPrimaryKnownGives503WhateverTheStrategy(String strategy) {
		FakeLiteFsMount mount = FakeLiteFsMount.replicaOf(this.dir, "node-a");
		this.node = TestNode.start(mount, "node-b", "litefs.routing.strategy=" + strategy);
		mount.loseConnection();
		assertThat(this.node.node().refresh().role()).isEqualTo(NodeRole.UNKNOWN);
		HttpResponse<String> response = this.node.postJson("/admin/touch", "");
		assertThat(response.statusCode()).isEqualTo(503);
		assertThat(response.headers().firstValue("Retry-After")).hasValue("1");
		assertThat(json.readTree(response.body()).get("role").asString()).isEqualTo("unknown");
		assertThat(this.node.calls().of("admin")).isZero();
	}

	@Test
	void theMethodsRuleRoutesUnannotatedWritesButNotExcludedPathsOrReads() {
		FakeLiteFsMount mount = FakeLiteFsMount.replicaOf(this.dir, "node-a");
		this.node = TestNode.start(mount, "node-b", "litefs.routing.strategy=fly-replay",
				"litefs.routing.methods=post,PUT", "litefs.routing.exclude=/posts/io-*");
		HttpResponse<String> routed = this.node.postJson("/posts/unannotated", "{\"title\":\"t\"}");
		assertThat(routed.statusCode()).isEqualTo(409);
		assertThat(routed.headers().firstValue("fly-replay")).hasValue("instance=node-a");
		assertThat(this.node.calls().of("unannotated")).isZero();
		HttpResponse<String> unknownPath = this.node.send(this.node.request("/nowhere")
			.PUT(HttpRequest.BodyPublishers.ofString("x")));
		assertThat(unknownPath.statusCode()).isEqualTo(409);
		HttpResponse<String> excluded = this.node.postJson("/posts/io-error", "{}");
		assertThat(excluded.statusCode()).as("excluded, then refused by SQLite: the safety net").isEqualTo(409);
		assertThat(this.node.calls().of("io-error")).isEqualTo(1);
		HttpResponse<String> read = this.node.get("/posts/count");
		assertThat(read.statusCode()).isEqualTo(200);
	}

	@Test
	void theMethodsRuleOnThePrimaryRunsEverything() {
		this.node = TestNode.start(FakeLiteFsMount.primary(this.dir), "node-a", "litefs.routing.methods=POST");
		HttpResponse<String> response = this.node.postJson("/posts/unannotated", "{\"title\":\"t\"}");
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(this.node.rows()).isEqualTo(1);
	}

	@Test
	void aServiceMethodCalledFromAScheduledTaskOnAReplicaThrowsNotPrimaryException() throws Exception {
		this.node = TestNode.start(FakeLiteFsMount.replicaOf(this.dir, "node-a"), "node-b",
				"testapp.job.enabled=true");
		Object result = this.node.bean(NightlyJob.class).results().poll(10, TimeUnit.SECONDS);
		assertThat(result).isInstanceOf(NotPrimaryException.class);
		NotPrimaryException ex = (NotPrimaryException) result;
		assertThat(ex.getPrimary()).isEqualTo("node-a");
		assertThat(ex.getRole()).isEqualTo(NodeRole.REPLICA);
		assertThat(ex.getMessage()).isEqualTo(
				"dev.litefs.spring.testapp.Posts.create() must run on the LiteFS primary, but this node is a replica "
						+ "of primary node-a");
		assertThat(this.node.calls().of("service")).isZero();
	}

	@Test
	void aServiceMethodCalledFromAScheduledTaskOnThePrimaryRuns() throws Exception {
		this.node = TestNode.start(FakeLiteFsMount.primary(this.dir), "node-a", "testapp.job.enabled=true");
		Object result = this.node.bean(NightlyJob.class).results().poll(10, TimeUnit.SECONDS);
		assertThat(result).isInstanceOf(Long.class);
		assertThat(this.node.calls().of("service")).isPositive();
	}

	@Test
	void routedRequestsAreCountedByStrategyAndOutcome() {
		FakeLiteFsMount mount = FakeLiteFsMount.replicaOf(this.dir, "node-a");
		this.node = TestNode.start(mount, "node-b", "litefs.routing.strategy=fly-replay");
		this.node.postJson("/posts", "{}");
		this.node.postJson("/posts", "{}");
		this.node.send(this.node.request("/posts").header("fly-replay-src", "instance=x")
			.POST(HttpRequest.BodyPublishers.noBody()));
		MeterRegistry registry = this.node.bean(MeterRegistry.class);
		assertThat(registry.get("litefs.routing.requests").tag("strategy", "fly-replay").tag("outcome", "replayed")
			.timer().count()).isEqualTo(2);
		assertThat(registry.get("litefs.routing.requests").tag("strategy", "fly-replay").tag("outcome", "loop")
			.timer().count()).isEqualTo(1);
	}

}
