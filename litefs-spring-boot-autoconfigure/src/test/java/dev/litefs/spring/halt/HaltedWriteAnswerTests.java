package dev.litefs.spring.halt;

import java.net.http.HttpResponse;
import java.nio.file.Path;

import dev.litefs.spring.test.FakeLiteFsMount;
import dev.litefs.spring.testapp.TestNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A request whose write under the HALT lock cannot be made is answered with a 503
 * problem detail naming the reason, never Spring's bare 500.
 */
class HaltedWriteAnswerTests {

	@Test
	void aHaltedWriteThatCannotTakeTheLockIsA503ProblemDetail(@TempDir Path dir) {
		// a fake mount has no <db>-lock: the lock cannot be taken
		FakeLiteFsMount mount = FakeLiteFsMount.replicaOf(dir, "node-a").txid(1);
		try (TestNode replica = TestNode.start(mount, "node-b")) {
			HttpResponse<String> answer = replica.postJson("/repair", "{}");

			assertThat(answer.statusCode()).isEqualTo(503);
			assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/problem+json");
			assertThat(answer.headers().firstValue("Retry-After")).isPresent();
			assertThat(answer.body()).contains("\"title\":\"Halted write failed\"", "\"reason\":\"failed\"",
					"app.db-lock", "\"node\":\"node-b\"");
			assertThat(replica.rows()).isZero();
		}
	}

	@Test
	void aHaltedWriteOnANodeThatKnowsNoPrimarySaysSo(@TempDir Path dir) {
		FakeLiteFsMount mount = FakeLiteFsMount.replicaOf(dir, "node-a").txid(1).loseConnection();
		try (TestNode replica = TestNode.start(mount, "node-b")) {
			HttpResponse<String> answer = replica.postJson("/repair", "{}");

			assertThat(answer.statusCode()).isEqualTo(503);
			assertThat(answer.body()).contains("\"reason\":\"no-primary\"", "knows no primary");
		}
	}

}
