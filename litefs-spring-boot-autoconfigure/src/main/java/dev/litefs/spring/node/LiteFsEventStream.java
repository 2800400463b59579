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
 * A subscriber of LiteFS's {@code GET /events}, on a daemon thread of its own: reads the
 * newline-delimited JSON events as they come and hands each to the node; when the
 * stream ends (LiteFS ends a subscriber whose buffer overflowed, or LiteFS went away)
 * or cannot be opened, it connects again after a jittered backoff, bounded by
 * {@link #MAX_BACKOFF}.
 * <p>
 * A line that is not an event, or an event of a type the node does not know, is logged
 * once (at WARN; later ones at DEBUG) and skipped.
 */
final class LiteFsEventStream {

	private static final Logger logger = LoggerFactory.getLogger(LiteFsEventStream.class);

	private static final JsonMapper json = JsonMapper.builder().build();

	private static final String DROPPED = "dropped: the files showed what no event announced";

	/** The shortest wait before connecting again. */
	static final Duration MIN_BACKOFF = Duration.ofMillis(50);

	/** The longest wait before connecting again. */
	static final Duration MAX_BACKOFF = Duration.ofSeconds(2);

	private final LiteFsApi api;

	private final Handler handler;

	private final Clock clock;

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

	LiteFsEventStream(LiteFsApi api, Handler handler, Clock clock) {
		this.api = api;
		this.handler = handler;
		this.clock = clock;
	}

	synchronized void start() {
		if (this.thread == null) {
			Thread thread = DaemonThreads.newThread("litefs-events", this::run);
			thread.start();
			this.thread = thread;
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
	 * Drops the current connection at once; the stream connects again after the shortest
	 * backoff.
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
		int failures = 0;
		boolean announcedDown = false;
		while (!this.stopped) {
			boolean delivered = false;
			this.dropRequested = false;
			try {
				delivered = connect();
				this.lastError = this.dropRequested ? DROPPED : "LiteFS ended the event stream";
			}
			catch (IOException | RuntimeException ex) {
				this.lastError = this.dropRequested ? DROPPED : ex.toString();
			}
			finally {
				closeCurrent();
			}
			boolean wasConnected = this.connectedSince != null;
			this.connectedSince = null;
			if (this.stopped) {
				break;
			}
			if (wasConnected) {
				logger.info("LiteFS event stream {} lost ({}): reading the files until it is back",
						this.api.baseUrl(), this.lastError);
				this.handler.disconnected();
			}
			else if (!announcedDown) {
				logger.info("LiteFS event stream {} unavailable ({}): reading the files until it answers",
						this.api.baseUrl(), this.lastError);
			}
			announcedDown = true;
			failures = delivered ? 0 : Math.min(failures + 1, 16);
			if (!sleep(backoff(failures))) {
				break;
			}
			this.reconnects.incrementAndGet();
		}
	}

	/** Opens the stream and reads events until it ends, or is to be dropped; whether it delivered any. */
	private boolean connect() throws IOException {
		HttpGet get = this.api.events();
		this.current = get;
		if (this.stopped || this.dropRequested) {
			return false;
		}
		if (get.status() != 200) {
			throw new IOException("GET /events answered " + get.status());
		}
		return read(get);
	}

	/**
	 * Reads events until the stream ends, or is to be dropped; whether it delivered any.
	 * The API's timeout bounds the whole wait for {@code init}, however slowly bytes
	 * trickle in; after it, a read that times out only means silence.
	 */
	private boolean read(HttpGet get) throws IOException {
		boolean delivered = false;
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
				continue;
			}
			if (read < 0) {
				break;
			}
			for (int i = 0; i < read; i++) {
				if (buffer[i] != '\n') {
					line.write(buffer[i]);
					continue;
				}
				delivered |= handle(line.toString(StandardCharsets.UTF_8));
				line.reset();
			}
			if (this.connectedSince != null) {
				get.liftDeadline();
			}
		}
		return delivered;
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

	/** One line of the stream; whether it was an event. */
	private boolean handle(String line) {
		if (line.isBlank()) {
			return false;
		}
		LiteFsEvent event = parse(line);
		if (event == null) {
			return false;
		}
		this.eventsSeen.incrementAndGet();
		this.lastEventAt = this.clock.instant();
		if (event.type() == LiteFsEvent.Type.INIT && this.connectedSince == null) {
			this.connectedSince = this.lastEventAt;
			this.lastError = null;
			logger.info("LiteFS event stream {} connected", this.api.baseUrl());
		}
		if (this.connectedSince != null) {
			this.handler.event(event);
		}
		return true;
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

	/** Doubling from the shortest to the longest wait, each drawn between half and all of it. */
	static Duration backoff(int failures) {
		long max = MIN_BACKOFF.toMillis() << Math.min(failures, 16);
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
