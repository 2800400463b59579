package dev.litefs.spring.test.autoconfigure;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import dev.litefs.spring.consistency.ConsistencyFilter;
import dev.litefs.spring.consistency.WaitOutcome;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

import static dev.litefs.spring.test.autoconfigure.LiteFsAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The assertions on a {@link ResponseEntity}, as {@code TestRestTemplate} answers: what a
 * client sees is read from the entity, a wait from the recorder given.
 */
class ResponseEntityAssertionsTests {

	@Test
	void aReplayAndACookieAreReadFromTheEntity() {
		assertThat(ResponseEntity.status(409).header("fly-replay", "instance=node-a;timeout=2s").build())
			.wasReplayedTo("node-a");
		assertThat(ResponseEntity.ok()
			.header(HttpHeaders.SET_COOKIE, "__txid=000000000000002a; Path=/; Max-Age=300; HttpOnly")
			.body("ok")).hasTxidCookie(42);
	}

	@Test
	void aRefusalIsTheRejectStrategysProblemDetail() {
		ResponseEntity<String> refused = ResponseEntity.status(503)
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.body("{\"title\": \"Not the primary\", \"status\": 503}");
		ResponseEntity<String> noPrimary = ResponseEntity.status(503)
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.body("{\"title\": \"No primary\", \"status\": 503}");

		assertThat(refused).wasRefusedAsNotPrimary();
		assertThatExceptionOfType(AssertionError.class).isThrownBy(() -> assertThat(noPrimary).wasRefusedAsNotPrimary())
			.withMessageContaining("\"No primary\"");
	}

	@Test
	void aWaitComesFromTheRecorder() {
		AtomicLong nanoTime = new AtomicLong();
		LiteFsRecorder recorder = new LiteFsRecorder(nanoTime::get);
		ObservationRegistry observations = ObservationRegistry.create();
		observations.observationConfig().observationHandler(recorder);
		wait(observations, nanoTime, 9, WaitOutcome.CAUGHT_UP, Duration.ofMillis(40));
		wait(observations, nanoTime, 10, WaitOutcome.TIMED_OUT, Duration.ofSeconds(5));
		ResponseEntity<String> answer = ResponseEntity.ok("read");

		assertThat(answer, recorder).waitedForTxid(9);
		assertThatExceptionOfType(AssertionError.class).isThrownBy(() -> assertThat(answer, recorder).waitedForTxid(10))
			.withMessageContaining("the wait timed-out after PT5S");
		assertThatExceptionOfType(AssertionError.class).isThrownBy(() -> assertThat(answer).wasForwarded())
			.withMessageContaining("only the node's LiteFsRecorder knows");
	}

	/** A wait as the consistency filter observes it, lasting as long as said. */
	private static void wait(ObservationRegistry observations, AtomicLong nanoTime, long txid, WaitOutcome outcome,
			Duration waited) {
		Observation observation = Observation.start(ConsistencyFilter.OBSERVATION, observations)
			.highCardinalityKeyValue("txid", Long.toString(txid));
		nanoTime.addAndGet(waited.toNanos());
		observation.lowCardinalityKeyValue("outcome", outcome.id()).stop();
	}

}
