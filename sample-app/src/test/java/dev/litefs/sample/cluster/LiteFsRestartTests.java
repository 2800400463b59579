package dev.litefs.sample.cluster;

import java.net.http.HttpResponse;

import dev.litefs.spring.test.cluster.LiteFsCluster;
import dev.litefs.spring.test.cluster.RealLiteFs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static dev.litefs.sample.cluster.Answers.RECOVERY;
import static dev.litefs.sample.cluster.Answers.assertProblem;
import static dev.litefs.sample.cluster.Answers.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * LiteFS going away under a running replica app and coming back, on a real cluster:
 * while it is gone the app answers clearly and quickly and its readiness is not UP;
 * once it is back reads and writes work again without restarting the app. Its writes
 * are forwarded to the primary's app; while this node knows no primary they get a 503
 * problem detail, never a 500, and are never taken locally.
 */
@RealLiteFs
class LiteFsRestartTests {


	static LiteFsCluster cluster;

	static SampleNode primary;

	static SampleNode replica;

	@BeforeAll
	static void start() {
		cluster = LiteFsCluster.builder().hostnames("127.0.0.1", "node-b").start();
		primary = SampleNode.start(cluster.primary());
		replica = SampleNode.start(cluster.node(1), "--litefs.routing.strategy=forward",
				"--litefs.routing.forward.url-template=http://{primary}:" + primary.port(),
				"--litefs.routing.forward.connect-timeout=1s", "--litefs.routing.forward.response-timeout=5s");
		assertThat(replica.postJson("/api/posts", "{\"title\": \"before\"}").statusCode()).isEqualTo(201);
		cluster.awaitReplicated("app.db", RECOVERY);
	}

	@AfterAll
	static void stop() {
		if (replica != null) {
			replica.close();
		}
		if (primary != null) {
			primary.close();
		}
		if (cluster != null) {
			cluster.close();
		}
	}

	/** How LiteFS goes away: stopped as an operator would (it unmounts), or killed (the mount breaks). */
	@ParameterizedTest
	@ValueSource(strings = { "stopped", "killed" })
	void theReplicasLiteFsGoesAwayAndComesBack(String how) {
		LiteFsCluster.Node nodeB = cluster.node(1);
		if (how.equals("stopped")) {
			nodeB.stop();
		}
		else {
			nodeB.kill();
		}
		try {
			assertUnavailable();
		}
		finally {
			nodeB.start();
		}
		assertRecovered();
	}

	@Test
	void withThePrimaryGoneTheReplicaKnowsNoPrimaryAndRefusesWrites() {
		cluster.primary().stop();
		try {
			HttpResponse<String> health = eventually(() -> replica.get("/actuator/health/readiness"),
					(answer) -> answer.statusCode() == 503);
			assertThat(health.body()).contains("OUT_OF_SERVICE");
			assertThat(replica.getJson("/actuator/litefs").get("role").asString()).isEqualTo("unknown");

			HttpResponse<String> write = replica.postJson("/api/posts", "{\"title\": \"no primary\"}");

			assertProblem(write, 503);
			assertThat(write.headers().firstValue("Retry-After")).isPresent();
			assertThat(replica.get("/api/posts").statusCode()).as("reads go on").isEqualTo(200);
		}
		finally {
			cluster.primary().start();
			cluster.node(1).awaitPrimaryFile(RECOVERY);
		}
		assertRecovered();
	}

	private void assertUnavailable() {
		HttpResponse<String> health = eventually(() -> replica.get("/actuator/health/readiness"),
				(answer) -> answer.statusCode() == 503);
		assertThat(health.body()).doesNotContain("\"UP\"");
		assertThat(replica.getJson("/actuator/litefs").get("role").asString()).isNotIn("primary", "standalone");

		HttpResponse<String> read = replica.get("/api/posts");
		assertProblem(read, 503);
		HttpResponse<String> write = replica.postJson("/api/posts", "{\"title\": \"while LiteFS is away\"}");
		assertProblem(write, 503);
		assertThat(replica.get("/").statusCode()).as("the page").isEqualTo(503);
	}

	private void assertRecovered() {
		eventually(() -> replica.get("/actuator/health/readiness"), (answer) -> answer.statusCode() == 200);
		HttpResponse<String> read = eventually(() -> replica.get("/api/posts"), (answer) -> answer.statusCode() == 200);
		assertThat(read.body()).contains("before");
		// a primary whose LiteFS came back holds writes (503, Retry-After) until it has migrated
		HttpResponse<String> write = eventually(() -> replica.postJson("/api/posts", "{\"title\": \"after\"}"),
				(answer) -> answer.statusCode() != 503);
		assertThat(write.statusCode()).as(write.body()).isEqualTo(201);
	}

}
