package dev.litefs.sample.cluster;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Predicate;
import java.util.function.Supplier;

import dev.litefs.spring.test.cluster.LiteFsCluster;
import dev.litefs.spring.test.cluster.RealLiteFs;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A node's LiteFS going away under its running app and coming back, on a real cluster,
 * in both journal modes, the primary's as well as the replica's: while it is away that
 * node's app answers with 503 problem details (a read: "Database unavailable"), never a
 * bare 500, and its health is not UP; once LiteFS is back both apps read and write again
 * by themselves, and nothing is logged at ERROR. In WAL mode the JVM survives the mount
 * under SQLite's memory-mapped {@code -shm} going away.
 */
@RealLiteFs
@ExtendWith(OutputCaptureExtension.class)
class LiteFsGoesAwayTests {

	private static final Duration RECOVERY = Duration.ofSeconds(15);

	@ParameterizedTest(name = "{0}: LiteFS {2}, journal mode {1}")
	@CsvSource({ "primary, delete, killed", "primary, delete, stopped", "primary, wal, killed", "replica, wal, killed" })
	void theAppsRecoverByThemselves(String which, String journalMode, String how, CapturedOutput output) {
		String journal = "--spring.datasource.hikari.data-source-properties.journal_mode=" + journalMode;
		try (LiteFsCluster cluster = LiteFsCluster.builder().hostnames("127.0.0.1", "node-b").start();
				SampleNode primary = SampleNode.start(cluster.primary(), journal);
				SampleNode replica = SampleNode.start(cluster.node(1), journal, "--litefs.routing.strategy=forward",
						"--litefs.routing.forward.url-template=http://{primary}:" + primary.port(),
						"--litefs.routing.forward.response-timeout=10s")) {
			assertThat(replica.postJson("/api/posts", "{\"title\": \"before\"}").statusCode()).isEqualTo(201);
			cluster.awaitReplicated("app.db", RECOVERY);
			assertThat(replica.get("/api/posts").body()).contains("before");
			LiteFsCluster.Node node = which.equals("primary") ? cluster.primary() : cluster.node(1);
			SampleNode app = which.equals("primary") ? primary : replica;

			if (how.equals("killed")) {
				node.kill();
			}
			else {
				node.stop();
			}
			try {
				eventually(() -> app.get("/actuator/health/readiness"), (answer) -> answer.statusCode() == 503);
				HttpResponse<String> read = app.get("/api/posts");
				assertProblem(read, 503);
				assertThat(read.body()).contains("Database unavailable");
				assertProblem(app.postJson("/api/posts", "{\"title\": \"while away\"}"), 503);
				assertProblem(replica.postJson("/api/posts", "{\"title\": \"forwarded while away\"}"), 503);
			}
			finally {
				node.start();
				cluster.node(1).awaitPrimaryFile(RECOVERY);
			}

			for (SampleNode each : new SampleNode[] { primary, replica }) {
				eventually(() -> each.get("/actuator/health/readiness"), (answer) -> answer.statusCode() == 200);
				HttpResponse<String> read = eventually(() -> each.get("/api/posts"), (answer) -> answer.statusCode() == 200);
				assertThat(read.body()).contains("before").doesNotContain("while away");
			}
			// LiteFS back is a promotion: writes may be held (503, Retry-After) until migrations ran
			HttpResponse<String> written = eventually(
					() -> primary.postJson("/api/posts", "{\"title\": \"after, on the primary\"}"),
					(answer) -> answer.statusCode() != 503);
			assertThat(written.statusCode()).as(written.body()).isEqualTo(201);
			HttpResponse<String> forwarded = eventually(
					() -> replica.postJson("/api/posts", "{\"title\": \"after, forwarded\"}"),
					(answer) -> answer.statusCode() != 503);
			assertThat(forwarded.statusCode()).as(forwarded.body()).isEqualTo(201);
			assertThat(output.getOut()).doesNotContain(" ERROR ");
		}
	}

	private static void assertProblem(HttpResponse<String> answer, int status) {
		assertThat(answer.statusCode()).as(answer.body()).isEqualTo(status);
		assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(
				(type) -> assertThat(type).startsWith("application/problem+json"));
	}

	private static HttpResponse<String> eventually(Supplier<HttpResponse<String>> request,
			Predicate<HttpResponse<String>> done) {
		long deadline = System.nanoTime() + RECOVERY.toNanos();
		HttpResponse<String> answer = request.get();
		while (!done.test(answer) && System.nanoTime() < deadline) {
			try {
				Thread.sleep(100);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
			answer = request.get();
		}
		assertThat(done.test(answer)).as("within %s: %s %s", RECOVERY, answer.statusCode(), answer.body()).isTrue();
		return answer;
	}

}
