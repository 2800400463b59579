package dev.litefs.spring.node;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import dev.litefs.spring.test.FakeLiteFsApi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link LiteFsEventStream} on its own, against a fake LiteFS API on loopback: what
 * reaches its handler, how it connects again, what it skips, what it logs, how it stops.
 * Its clock is the test's, so that "the connection held for {@link LiteFsEventStream#STABLE}"
 * needs no waiting.
 */
@ExtendWith(OutputCaptureExtension.class)
class LiteFsEventStreamTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private final TestClock clock = new TestClock();

	private final List<LiteFsEvent> events = new CopyOnWriteArrayList<>();

	private final AtomicInteger disconnects = new AtomicInteger();

	private final FakeLiteFsApi api = FakeLiteFsApi.start(false);

	private LiteFsEventStream stream;

	private final LiteFsScheduler scheduler = new LiteFsScheduler();

	@AfterEach
	void stop() {
		if (this.stream != null) {
			this.stream.stop();
		}
		this.scheduler.close();
		this.api.close();
	}

	/** The one place a stream is made: on {@link #api}, its handler recording, the test's clock. */
	private LiteFsEventStream start(Duration apiTimeout) {
		this.stream = new LiteFsEventStream(new LiteFsApi(this.api.url(), apiTimeout), new LiteFsEventStream.Handler() {

			@Override
			public void event(LiteFsEvent event) {
				LiteFsEventStreamTests.this.events.add(event);
			}

			@Override
			public void disconnected() {
				LiteFsEventStreamTests.this.disconnects.incrementAndGet();
			}

		}, this.clock, this.scheduler);
		this.stream.start();
		return this.stream;
	}

	private LiteFsEventStream startConnected() {
		start(Duration.ofSeconds(2));
		await().atMost(WAIT).until(this.stream::isConnected);
		return this.stream;
	}

	@Test
	void eventsReachTheHandlerInTheOrderLiteFsSentThemFromInitOn() {
		startConnected();

		this.api.tx("app.db", 2);
		this.api.tx("app.db", 3);
		this.api.primaryChange(true, "node-b");

		await().atMost(WAIT).until(() -> this.events.size() == 4);
		assertThat(this.events).extracting(LiteFsEvent::type)
			.containsExactly(LiteFsEvent.Type.INIT, LiteFsEvent.Type.TX, LiteFsEvent.Type.TX,
					LiteFsEvent.Type.PRIMARY_CHANGE);
		assertThat(this.events.get(2).position().txid()).isEqualTo(3);
		assertThat(this.events.get(3).isPrimary()).isTrue();
		EventStreamStatus status = this.stream.status();
		assertThat(status.url()).isEqualTo(this.api.url().resolve("/events"));
		assertThat(status.eventsSeen()).isEqualTo(4);
		assertThat(status.reconnects()).isZero();
		assertThat(status.connectedSince()).isEqualTo(this.clock.instant());
	}

	@Test
	void aStreamLiteFsEndsTellsTheHandlerOnceAndIsOpenedAgain() {
		startConnected();

		this.api.endStreams();

		awaitConnectedAgainAfterOneDisconnect();
		assertThat(this.stream.status().reconnects()).isOne();
		assertThat(this.events).extracting(LiteFsEvent::type)
			.as("each connection starts with its init")
			.containsExactly(LiteFsEvent.Type.INIT, LiteFsEvent.Type.INIT);
	}

	@Test
	void reconnectDropsTheConnectionAtOnceAndOpensItAgain() {
		startConnected();

		this.stream.reconnect();

		awaitConnectedAgainAfterOneDisconnect();
	}

	private void awaitConnectedAgainAfterOneDisconnect() {
		await().atMost(WAIT).until(() -> this.api.connections() == 2 && this.stream.isConnected());
		assertThat(this.disconnects).hasValue(1);
	}

	@Test
	void theBackoffDoublesFromTheShortestToTheLongestWaitEachDrawnBetweenHalfAndAllOfIt() {
		for (int failures = 1; failures <= 20; failures++) {
			long bound = Math.min(50L << Math.min(failures - 1, 16), 2000);
			for (int draw = 0; draw < 200; draw++) {
				assertThat(LiteFsEventStream.backoff(failures).toMillis()).as("failures: %d", failures)
					.isBetween(bound / 2, bound);
			}
		}
		assertThat(LiteFsEventStream.backoff(1)).isLessThanOrEqualTo(LiteFsEventStream.MIN_BACKOFF);
		assertThat(LiteFsEventStream.backoff(7)).isGreaterThanOrEqualTo(LiteFsEventStream.MAX_BACKOFF.dividedBy(2));
	}

	@Test
	void aStreamThatEndsRightAfterInitIsOpenedAgainEverLessOften() throws InterruptedException {
		this.api.endEachStreamAfterInit();
		start(Duration.ofSeconds(2));
		await().atMost(WAIT).until(() -> this.api.connections() >= 2);

		Thread.sleep(2000);

		// waits of 25-50 ms, 50-100 ms, ... up to 1-2 s: at most 8 connections in 2 s; a
		// backoff that started over at each init would open one every 40 ms or so
		assertThat(this.api.connections()).isBetween(3, 12);
		assertThat(this.disconnects.get()).isGreaterThanOrEqualTo(this.api.connections() - 1);
	}

	@Test
	void anOutageIsLoggedOnceWhenItBeginsAndOnceWhenTheStreamHasHeldAgain(CapturedOutput output) {
		startConnected();
		// logged right after the stream counts as connected
		await().atMost(WAIT)
			.untilAsserted(() -> assertThat(outageLines(output)).singleElement()
				.asString()
				.endsWith(this.api.url() + " connected"));

		this.api.stop();
		await().atMost(WAIT).until(() -> this.stream.status().reconnects() >= 3);
		this.api.restart();
		await().atMost(WAIT).until(this.stream::isConnected);
		this.api.tx("app.db", 2);
		await().atMost(WAIT).until(() -> this.stream.status().eventsSeen() == 3);

		assertThat(outageLines(output)).as("the attempts in between, and a connection not yet held, at DEBUG")
			.hasSize(2)
			.last()
			.asString()
			.contains(this.api.url() + " lost (");

		this.clock.advance(LiteFsEventStream.STABLE.plusSeconds(1));
		this.api.tx("app.db", 3);
		this.api.tx("app.db", 4);
		await().atMost(WAIT).until(() -> this.stream.status().eventsSeen() == 5);

		// logged once the bytes that showed the connection held are handled
		await().atMost(WAIT)
			.untilAsserted(() -> assertThat(outageLines(output)).hasSize(3)
				.last()
				.asString()
				.contains(this.api.url() + " back: connected since"));
		assertThat(this.disconnects).as("only a connection that delivered events ends in a disconnect").hasValue(1);
	}

	@Test
	void aStreamThatNeverOpensIsLoggedUnavailableOnce(CapturedOutput output) {
		this.api.answerEvents(503);
		start(Duration.ofSeconds(2));

		await().atMost(WAIT).until(() -> this.stream.status().reconnects() >= 3);

		assertThat(outageLines(output)).singleElement()
			.asString()
			.contains(this.api.url() + " unavailable (java.io.IOException: GET /events answered 503)");
		assertThat(this.stream.isConnected()).isFalse();
		assertThat(this.stream.status().lastError()).contains("503");
		assertThat(this.disconnects).as("it never delivered an event").hasValue(0);
	}

	@Test
	void aLineLongerThanTheLimitEndsTheConnection() {
		startConnected();
		this.api.sendEndlessLines();

		this.api.endStreams();

		await().atMost(WAIT)
			.until(() -> !this.stream.isConnected() && this.api.streamDurations().size() >= 2
					&& String.valueOf(this.stream.status().lastError()).contains("a line longer than 64 KiB"));
		assertThat(this.api.mostBytesSent()).as("bytes a connection took before the stream hung up")
			.isLessThan(64L * 1024 * 1024);
		this.api.behave();
		await().atMost(WAIT).until(this.stream::isConnected);
	}

	@Test
	void aLineJustShorterThanTheLimitIsRead() {
		startConnected();
		String tx = "{\"type\":\"tx\",\"db\":\"app.db\",\"data\":{\"txID\":\"" + Position.toHex(2) + "\"},\"pad\":\"";
		int room = LiteFsEventStream.MAX_LINE_BYTES - tx.length() - "\"}".length() - 1;

		this.api.send(tx + "x".repeat(room) + "\"}");
		this.api.tx("app.db", 3);

		await().atMost(WAIT).until(() -> this.events.size() == 3);
		assertThat(this.events).extracting((event) -> (event.position() != null) ? event.position().txid() : null)
			.containsExactly(null, 2L, 3L);
		assertThat(this.api.connections()).isOne();
	}

	@Test
	void aLineThatIsNoEventIsSkippedAndLoggedOnceAtWarn(CapturedOutput output) {
		startConnected();

		this.api.send("<html>not found</html>");
		this.api.send("{\"type\":\"tx\",\"data\":{\"txID\":\"" + Position.toHex(2) + "\"}}");
		this.api.send("{\"type\":\"primaryChange\",\"data\":{\"isPrimary\":\"yes\"}}");
		this.api.send("");
		this.api.tx("app.db", 5);

		await().atMost(WAIT).until(() -> this.events.size() == 2);
		assertThat(this.events.get(1).position().txid()).isEqualTo(5);
		assertThat(this.stream.status().eventsSeen()).isEqualTo(2);
		assertThat(this.api.connections()).as("a bad line does not end the connection").isOne();
		assertThat(warnings(output)).singleElement()
			.asString()
			.contains("skipping a line that is not a LiteFS event (not JSON): <html>not found</html>");
	}

	@Test
	void eventsOfATypeTheNodeDoesNotKnowAreSkippedAndLoggedOncePerType(CapturedOutput output) {
		startConnected();

		this.api.send("{\"type\":\"haltChange\",\"data\":{}}");
		this.api.send("{\"type\":\"haltChange\",\"data\":{}}");
		this.api.send("{\"type\":\"leaseChange\",\"data\":{}}");
		this.api.tx("app.db", 5);

		await().atMost(WAIT).until(() -> this.events.size() == 2);
		assertThat(warnings(output)).containsExactly(
				"LiteFS event stream: skipping events of unknown type 'haltChange'",
				"LiteFS event stream: skipping events of unknown type 'leaseChange'");
	}

	@Test
	void theApiTimeoutBoundsTheWaitForInit() {
		this.api.trickle(Duration.ofMillis(200));

		start(Duration.ofSeconds(1));

		await().atMost(WAIT).until(() -> this.api.streamDurations().size() >= 2);
		assertThat(this.stream.isConnected()).isFalse();
		assertThat(this.stream.status().lastError()).contains("no init event within 1000ms");
		assertThat(this.events).isEmpty();
	}

	@Test
	void stopEndsTheConnectionAndNothingReachesTheHandlerAfter() throws InterruptedException {
		startConnected();

		this.stream.stop();

		// the fake API sees a stream closed once a write to it fails
		await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> {
			this.api.tx("app.db", 2);
			return this.api.openStreams() == 0;
		});
		Thread.sleep(1000);
		assertThat(this.events).singleElement().extracting(LiteFsEvent::type).isEqualTo(LiteFsEvent.Type.INIT);
		assertThat(this.api.connections()).as("not opened again").isOne();
		assertThat(this.disconnects).as("a stop is no outage").hasValue(0);
	}

	@Test
	void stopEndsTheAttemptsWhileTheApiIsAway() throws InterruptedException {
		this.api.stop();
		start(Duration.ofSeconds(2));
		await().atMost(WAIT).until(() -> this.stream.status().reconnects() >= 2);

		this.stream.stop();
		this.api.restart();
		// longer than the longest backoff: a stream still trying would have connected by now
		Thread.sleep(LiteFsEventStream.MAX_BACKOFF.toMillis() + 1000);

		assertThat(this.api.connections()).isZero();
		assertThat(this.stream.isConnected()).isFalse();
	}

	/** What the stream logged at INFO or WARN about its connection. */
	private static List<String> outageLines(CapturedOutput output) {
		return output.getOut()
			.lines()
			.filter((line) -> line.contains("LiteFS event stream http") && (line.contains("INFO") || line.contains("WARN")))
			.toList();
	}

	/** The stream's warnings, their messages only. */
	private static List<String> warnings(CapturedOutput output) {
		return output.getOut()
			.lines()
			.filter((line) -> line.contains("WARN") && line.contains("LiteFS event stream"))
			.map((line) -> line.substring(line.indexOf("LiteFS event stream")))
			.toList();
	}

	/** A clock that stands still until the test moves it. */
	private static final class TestClock extends Clock {

		private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-01T00:00:00Z"));

		void advance(Duration duration) {
			this.now.updateAndGet((instant) -> instant.plus(duration));
		}

		@Override
		public ZoneId getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(ZoneId zone) {
			return this;
		}

		@Override
		public Instant instant() {
			return this.now.get();
		}

	}

}
