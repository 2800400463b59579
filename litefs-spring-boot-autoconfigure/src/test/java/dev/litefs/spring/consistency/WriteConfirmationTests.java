package dev.litefs.spring.consistency;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.litefs.spring.test.FakeLiteFsMount;
import dev.litefs.spring.testapp.TestNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A write's success is answered only once LiteFS's position after it has been read: when
 * it cannot be (LiteFS went away as the write committed), the client is told that the
 * write may not be stored, never {@code 201}.
 */
@ExtendWith(OutputCaptureExtension.class)
class WriteConfirmationTests {

	private static final JsonMapper json = new JsonMapper();

	@Test
	void aWriteLiteFsCannotConfirmIsAnswered503(@TempDir Path dir, CapturedOutput output) throws Exception {
		FakeLiteFsMount mount = FakeLiteFsMount.primary(dir).txid(7);
		try (TestNode primary = TestNode.start(mount, "node-a")) {
			HttpResponse<String> answer = primary.postJson("/posts/litefs-dies", "{\"title\":\"t\"}");

			assertThat(answer.statusCode()).as(answer.body()).isEqualTo(503);
			assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/problem+json");
			assertThat(answer.headers().firstValue("Retry-After")).isPresent();
			assertThat(answer.headers().allValues("Set-Cookie")).noneMatch((cookie) -> cookie.startsWith("__txid"));
			JsonNode problem = json.readTree(answer.body());
			assertThat(problem.get("title").asString()).isEqualTo("Write not confirmed");
			assertThat(problem.get("detail").asString()).contains("may or may not be stored");
			assertThat(problem.get("node").asString()).isEqualTo("node-a");
			assertThat(problem.has("id")).as("the application's body is dropped").isFalse();
			assertThat(primary.calls().of("litefs-dies")).isOne();
			assertThat(output.getOut()).contains("LiteFS cannot confirm that it recorded the write")
				.doesNotContain(" ERROR ");
		}
	}

	@Test
	void writesAreConfirmedWithReadYourWritesOffToo(@TempDir Path dir) {
		FakeLiteFsMount mount = FakeLiteFsMount.primary(dir).txid(7);
		try (TestNode primary = TestNode.start(mount, "node-a", "litefs.consistency.enabled=false")) {
			HttpResponse<String> answer = primary.postJson("/posts/litefs-dies", "{\"title\":\"t\"}");

			assertThat(answer.statusCode()).as(answer.body()).isEqualTo(503);
			assertThat(answer.body()).contains("Write not confirmed");
		}
	}

	@Test
	void anErrorAnswerIsLeftAsItIs(@TempDir Path dir) {
		FakeLiteFsMount mount = FakeLiteFsMount.primary(dir).txid(7);
		try (TestNode primary = TestNode.start(mount, "node-a")) {
			HttpResponse<String> answer = primary.postJson("/posts/litefs-dies?status=409", "{\"title\":\"t\"}");

			assertThat(answer.statusCode()).isEqualTo(409);
			assertThat(answer.body()).contains("\"id\"");
		}
	}

	@Test
	void aWriteLiteFsRecordedGetsItsCookie(@TempDir Path dir) throws Exception {
		FakeLiteFsMount mount = FakeLiteFsMount.primary(dir).txid(7);
		try (TestNode primary = TestNode.start(mount, "node-a")) {
			HttpResponse<String> answer = primary.postJson("/posts", "{\"title\":\"t\"}");

			assertThat(answer.statusCode()).isEqualTo(201);
			assertThat(answer.headers().allValues("Set-Cookie"))
				.anyMatch((cookie) -> cookie.matches("__txid=[0-9a-f]{16};.*"));
			assertThat(Files.isRegularFile(mount.dir().resolve("app.db-pos"))).isTrue();
		}
	}

}
