package dev.litefs.spring.node;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A subscriber of LiteFS's {@code GET /events}, on a thread of its own
 * ({@code litefs-events}, from the {@link LiteFsScheduler}'s factory: its read blocks
 * for as long as the connection holds, which would take one of the scheduled tasks'
 * threads for good): reads the
 * newline-delimited JSON events as they come and hands each to the node; when the
 * stream ends (LiteFS ends a subscriber whose buffer overflowed, or LiteFS went away)
 * or cannot be opened, it connects again after a jittered backoff doubling from
 * {@link #MIN_BACKOFF} to {@link #MAX_BACKOFF}. Only a connection that held for
 * {@link #STABLE} starts the backoff over: a stream that ends right after its
 * {@code init}, however often, is retried at most every {@link #MAX_BACKOFF}.
 * <p>
 * An API that misbehaves cannot hurt the node: {@code init} must come within the API's
 * timeout, head and all; a line longer than {@link #MAX_LINE_BYTES} ends the connection;
 * no exception or error ends the thread. A line that is not an event, or an event of a
 * type the node does not know, is logged once (at WARN; later ones at DEBUG) and skipped.
 * An outage is logged once at INFO when the stream goes down and once when it is back
 * (has held for {@link #STABLE}); the attempts in between at DEBUG.
 */
final class LiteFsEventStream {

	private static final Logger logger = LoggerFactory.getLogger(LiteFsEventStream.class);

	private static final JsonMapper json = JsonMapper.builder().build();

	/** The shortest wait before connecting again. */
	static final Duration MIN_BACKOFF = Duration.ofMillis(50);

	/** The longest wait before connecting again. */
	static final Duration MAX_BACKOFF = Duration.ofSeconds(2);

	/** How long a connection must hold to count as back: to start the backoff over. */
	static final Duration STABLE = Duration.ofSeconds(5);

	/** The longest line read: LiteFS's events take a few hundred bytes. */
	static final int MAX_LINE_BYTES = 64 * 1024;

	private static final String DROPPED = "dropped: the files showed what no event announced";

	private final LiteFsApi api;

	private final Handler handler;

	private final Clock clock;

	private final LiteFsScheduler scheduler;

	private final AtomicLong eventsSeen = new AtomicLong();

	private final AtomicLong reconnects = new AtomicLong();

	private final Set<String> unknownTypesLogged = ConcurrentHashMap.newKeySet();

	private volatile boolean garbageLogged;

	private volatile @Nullable Instant connectedSince;

	private volatile @Nullable Instant lastEventAt;

	private volatile @Nullable String lastError;

	private volatile boolean dropRequested;

	private volatile boolean stopped;

	private volatile @Nullable HttpGet current;

	private @Nullable Thread thread;

	/** Connections in a row that did not hold: the backoff's exponent (the thread's own). */
	private int failures;

	/** Whether the log last said the stream is down (the thread's own). */
	private boolean announcedDown;

	/** Whether the log last said the stream is up (the thread's own). */
	private boolean announcedUp;

	LiteFsEventStream(LiteFsApi api, Handler handler, Clock clock, LiteFsScheduler scheduler) {
		this.api = api;
		this.handler = handler;
		this.clock = clock;
		this.scheduler = scheduler;
	}

	synchronized void start() {
		if (this.thread == null) {
			this.thread = this.scheduler.startLoop("litefs-events", this::run);
		}
	}

	/** Stops the stream; its thread ends at once. */
	synchronized void stop() {
		this.stopped = true;
		closeCurrent();
		if (this.thread != null) {
			this.thread.interrupt();
			this.thread = null;
		}
	}

	/**
	 * Drops the current connection at once; the stream connects again after a backoff.
	 */
	void reconnect() {
		this.dropRequested = true;
		closeCurrent();
	}

	/**
	 * Whether the stream is open and LiteFS has sent its {@code init} event.
	 * @return {@code true} while the events are this node's source
	 */
	boolean isConnected() {
		return this.connectedSince != null;
	}

	EventStreamStatus status() {
		return new EventStreamStatus(this.api.baseUrl().resolve("/events"), this.connectedSince,
				this.eventsSeen.get(), this.reconnects.get(), this.lastEventAt, this.lastError);
	}

	private void run() {
		while (!this.stopped) {
			try {
				if (!connectOnce()) {
					return;
				}
			}
			catch (RuntimeException | Error ex) {
				// the last resort, should the bookkeeping after a connection fail: the thread
				// ends only when the node stops
				this.connectedSince = null;
				this.lastError = ex.toString();
				this.failures = 16;
				if (!sleep(MAX_BACKOFF)) {
					return;
				}
			}
		}
	}

	/**
	 * Connects, reads events until the stream ends, then waits for the backoff; whether
	 * to go on.
	 */
	private boolean connectOnce() {
		this.dropRequested = false;
		Throwable unexpected = null;
		try {
			connect();
			this.lastError = this.dropRequested ? DROPPED : "LiteFS ended the event stream";
		}
		catch (IOException ex) {
			this.lastError = this.dropRequested ? DROPPED : ex.toString();
		}
		catch (RuntimeException | Error ex) {
			// a fault of the node's own, or the JVM short of memory: never the stream's end
			this.lastError = ex.toString();
			unexpected = ex;
		}
		finally {
			closeCurrent();
		}
		if (this.stopped) {
			return false;
		}
		ended(unexpected);
		if (!sleep(backoff(this.failures))) {
			return false;
		}
		this.reconnects.incrementAndGet();
		return true;
	}

	/** After a connection ended or failed: tells the node, counts the failure, logs an outage once. */
	private void ended(@Nullable Throwable unexpected) {
		boolean wasConnected = this.connectedSince != null;
		this.connectedSince = null;
		this.failures = Math.min(this.failures + 1, 16);
		if (this.announcedUp) {
			logDown(unexpected, "LiteFS event stream {} lost ({}): reading the files until it is back");
		}
		else if (!this.announcedDown) {
			logDown(unexpected, "LiteFS event stream {} unavailable ({}): reading the files until it answers");
		}
		else {
			logger.debug("LiteFS event stream {}: attempt {} failed ({})", this.api.baseUrl(), this.failures,
					this.lastError, unexpected);
		}
		this.announcedUp = false;
		this.announcedDown = true;
		if (wasConnected) {
			this.handler.disconnected();
		}
	}

	private void logDown(@Nullable Throwable unexpected, String message) {
		if (unexpected != null) {
			logger.warn(message, this.api.baseUrl(), this.lastError, unexpected);
		}
		else {
			logger.info(message, this.api.baseUrl(), this.lastError);
		}
	}

	/** Opens the stream and reads events until it ends, or is to be dropped. */
	private void connect() throws IOException {
		HttpGet get = this.api.events();
		this.current = get;
		if (this.stopped || this.dropRequested) {
			return;
		}
		if (get.status() != 200) {
			throw new IOException("GET /events answered " + get.status());
		}
		read(get);
	}

	/**
	 * Reads events until the stream ends, or is to be dropped. The API's timeout bounds the
	 * whole wait for {@code init}; after it, a read that times out only means silence (and
	 * gives the chance to see that the connection held).
	 */
	private void read(HttpGet get) throws IOException {
		ByteArrayOutputStream line = new ByteArrayOutputStream(512);
		byte[] buffer = new byte[8192];
		InputStream body = get.body();
		while (!this.stopped && !this.dropRequested) {
			int read;
			try {
				read = body.read(buffer);
			}
			catch (SocketTimeoutException ex) {
				if (this.connectedSince == null) {
					throw new IOException("no init event within " + this.api.timeout().toMillis() + "ms", ex);
				}
				held();
				continue;
			}
			if (read < 0) {
				break;
			}
			int start = 0;
			for (int i = 0; i < read; i++) {
				if (buffer[i] == '\n') {
					line.write(buffer, start, i - start);
					handle(line.toString(StandardCharsets.UTF_8));
					line.reset();
					start = i + 1;
				}
				else if (line.size() + (i - start) >= MAX_LINE_BYTES) {
					throw new IOException("a line longer than " + MAX_LINE_BYTES / 1024
							+ " KiB, where LiteFS's events take a few hundred bytes");
				}
			}
			line.write(buffer, start, read - start);
			if (this.connectedSince != null) {
				get.liftDeadline();
				held();
			}
		}
	}

	/** Once the connection has held for {@link #STABLE}: the backoff starts over, an outage ends. */
	private void held() {
		Instant since = this.connectedSince;
		if (this.failures == 0 || since == null || this.clock.instant().isBefore(since.plus(STABLE))) {
			return;
		}
		this.failures = 0;
		if (this.announcedDown) {
			this.announcedDown = false;
			this.announcedUp = true;
			logger.info("LiteFS event stream {} back: connected since {}", this.api.baseUrl(), since);
		}
	}

	private void closeCurrent() {
		HttpGet get = this.current;
		if (get != null) {
			try {
				get.close();
			}
			catch (IOException ex) {
				logger.debug("Closing LiteFS event stream failed: {}", ex.toString());
			}
		}
	}

	/** One line of the stream. */
	private void handle(String line) {
		if (line.isBlank()) {
			return;
		}
		LiteFsEvent event = parse(line);
		if (event == null) {
			return;
		}
		this.eventsSeen.incrementAndGet();
		this.lastEventAt = this.clock.instant();
		if (event.type() == LiteFsEvent.Type.INIT && this.connectedSince == null) {
			this.connectedSince = this.lastEventAt;
			this.lastError = null;
			if (!this.announcedDown) {
				this.announcedUp = true;
				logger.info("LiteFS event stream {} connected", this.api.baseUrl());
			}
			else {
				logger.debug("LiteFS event stream {} connected again; back once it holds for {}", this.api.baseUrl(),
						STABLE);
			}
		}
		if (this.connectedSince != null) {
			this.handler.event(event);
		}
	}

	private @Nullable LiteFsEvent parse(String line) {
		JsonNode node;
		try {
			node = json.readTree(line);
		}
		catch (JacksonException ex) {
			skipGarbage(line, "not JSON");
			return null;
		}
		String type = node.path("type").asString("");
		LiteFsEvent.Type known = LiteFsEvent.Type.of(type);
		if (known == null) {
			if (this.unknownTypesLogged.add(type)) {
				logger.warn("LiteFS event stream: skipping events of unknown type '{}'", type);
			}
			return null;
		}
		try {
			return LiteFsEvent.of(known, node);
		}
		catch (IllegalArgumentException ex) {
			skipGarbage(line, ex.getMessage());
			return null;
		}
	}

	private void skipGarbage(String line, @Nullable String why) {
		String shown = (line.length() > 200) ? line.substring(0, 200) + "..." : line;
		if (!this.garbageLogged) {
			this.garbageLogged = true;
			logger.warn("LiteFS event stream: skipping a line that is not a LiteFS event ({}): {}", why, shown);
		}
		else {
			logger.debug("LiteFS event stream: skipping another line that is no LiteFS event ({}): {}", why, shown);
		}
	}

	/**
	 * Doubling from the shortest to the longest wait, each drawn between half and all of
	 * it.
	 * @param failures connections in a row that did not hold, at least one
	 */
	static Duration backoff(int failures) {
		long max = MIN_BACKOFF.toMillis() << Math.max(0, Math.min(failures - 1, 16));
		long bound = Math.min(max, MAX_BACKOFF.toMillis());
		return Duration.ofMillis(bound / 2 + ThreadLocalRandom.current().nextLong(bound / 2 + 1));
	}

	private boolean sleep(Duration duration) {
		try {
			TimeUnit.MILLISECONDS.sleep(duration.toMillis());
			return !this.stopped;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	/** What the node does with the stream. */
	interface Handler {

		/**
		 * An event, in the order LiteFS sent it, from {@code init} on.
		 * @param event the event
		 */
		void event(LiteFsEvent event);

		/** The stream that delivered events ended: the files are the source again. */
		void disconnected();

	}

}
