package dev.litefs.sample.cluster;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Predicate;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the real-cluster tests ask of an app's answers while LiteFS goes away and comes
 * back.
 */
final class Answers {

	/** How long an app may take to recover once LiteFS is back. */
	static final Duration RECOVERY = Duration.ofSeconds(15);

	private Answers() {
	}

	/**
	 * Asserts an RFC 9457 problem detail with a status.
	 * @param answer the answer
	 * @param status the expected status
	 */
	static void assertProblem(HttpResponse<String> answer, int status) {
		assertThat(answer.statusCode()).as(answer.body()).isEqualTo(status);
		assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(
				(type) -> assertThat(type).startsWith("application/problem+json"));
	}

	/**
	 * Sends a request again every 100 ms until its answer is the one expected, for at
	 * most {@link #RECOVERY}.
	 * @param request sends the request
	 * @param done whether an answer is the one expected
	 * @return that answer
	 */
	static HttpResponse<String> eventually(Supplier<HttpResponse<String>> request,
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
