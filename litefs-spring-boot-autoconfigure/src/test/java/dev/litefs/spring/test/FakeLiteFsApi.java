package dev.litefs.spring.test;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.jspecify.annotations.Nullable;

import dev.litefs.spring.node.Position;

/**
 * LiteFS's HTTP API on loopback, as far as the node uses it: {@code GET /info} and
 * {@code GET /events}, whose newline-delimited JSON events a test sends one by one
 * (each line flushed, as LiteFS does). It can end the open streams (as LiteFS does to a
 * subscriber whose buffer overflowed), go away and come back on the same port, and
 * misbehave as LiteFS never does: answer {@code /info} with any body, end each stream
 * right after {@code init}, send a line that never ends, or trickle bytes that never
 * make an event.
 */
public final class FakeLiteFsApi implements AutoCloseable {

	private final int port;

	private final List<Stream> streams = new CopyOnWriteArrayList<>();

	private final AtomicInteger connections = new AtomicInteger();

	private final AtomicInteger infoRequests = new AtomicInteger();

	private final List<Duration> streamDurations = new CopyOnWriteArrayList<>();

	private final AtomicLong mostBytesSent = new AtomicLong();

	private final ExecutorService executor = Executors.newCachedThreadPool((task) -> {
		Thread thread = new Thread(task, "fake-litefs-api");
		thread.setDaemon(true);
		return thread;
	});

	private volatile boolean primary;

	private volatile int eventsStatus = 200;

	private volatile Mode mode = Mode.LITEFS;

	private volatile Duration trickleInterval = Duration.ofMillis(300);

	private volatile @Nullable String infoBody;

	private volatile HttpServer server;

	private FakeLiteFsApi(boolean primary) {
		this.primary = primary;
		this.server = serve(0);
		this.port = this.server.getAddress().getPort();
	}

	/**
	 * Starts the API of a primary ({@code isPrimary} true in {@code /info} and
	 * {@code init}) or of a replica.
	 * @param primary whether this node holds the lease
	 * @return the running API
	 */
	public static FakeLiteFsApi start(boolean primary) {
		return new FakeLiteFsApi(primary);
	}

	/**
	 * The API's base URL, for {@code litefs.api-url}.
	 * @return the URL
	 */
	public URI url() {
		return URI.create("http://127.0.0.1:" + this.port);
	}

	/**
	 * How many times {@code /events} was opened.
	 * @return the count
	 */
	public int connections() {
		return this.connections.get();
	}

	/**
	 * How many times {@code /info} was asked.
	 * @return the count
	 */
	public int infoRequests() {
		return this.infoRequests.get();
	}

	/**
	 * How long each {@code /events} stream that ended was open, until the client went
	 * away (as far as a write can tell) or the stream was ended.
	 * @return the durations, oldest first
	 */
	public List<Duration> streamDurations() {
		return List.copyOf(this.streamDurations);
	}

	/**
	 * The most bytes one {@code /events} stream sent, the chunked framing aside.
	 * @return the count
	 */
	public long mostBytesSent() {
		return this.mostBytesSent.get();
	}

	/**
	 * How many {@code /events} streams are open now.
	 * @return the count
	 */
	public int openStreams() {
		return this.streams.size();
	}

	/**
	 * Sends a {@code tx} event to every open stream.
	 * @param database the database, e.g. {@code app.db}
	 * @param txid the TXID after the transaction
	 */
	public void tx(String database, long txid) {
		send("{\"type\":\"tx\",\"db\":\"" + database + "\",\"data\":{\"txID\":\"" + Position.toHex(txid)
				+ "\",\"postApplyChecksum\":\"" + Position.toHex(txid * 31) + "\",\"pageSize\":4096,\"commit\":2,"
				+ "\"timestamp\":\"2026-12-01T00:00:00Z\"}}");
	}

	/**
	 * Changes the role {@code /info} and later {@code init} events report, and sends a
	 * {@code primaryChange} event to every open stream.
	 * @param isPrimary whether this node now holds the lease
	 * @param primaryHostname the primary's hostname, empty when none is known
	 */
	public void primaryChange(boolean isPrimary, String primaryHostname) {
		this.primary = isPrimary;
		send("{\"type\":\"primaryChange\",\"data\":{\"isPrimary\":" + isPrimary + ",\"hostname\":\""
				+ primaryHostname + "\"}}");
	}

	/**
	 * Sends one line, as is, to every open stream.
	 * @param line the line, without its newline
	 */
	public void send(String line) {
		for (Stream stream : this.streams) {
			stream.write(line);
		}
	}

	/** Ends every open stream, as LiteFS ends a subscriber whose buffer overflowed. */
	public void endStreams() {
		for (Stream stream : this.streams) {
			stream.end();
		}
	}

	/**
	 * From now on {@code /events} answers {@code 503} while {@code /info} still answers;
	 * the open streams end.
	 */
	public void refuseEvents() {
		answerEvents(503);
	}

	/**
	 * From now on {@code /events} answers this status, and {@code 200} a stream; the open
	 * streams end.
	 * @param status the status
	 */
	public void answerEvents(int status) {
		this.eventsStatus = status;
		endStreams();
	}

	/**
	 * From now on {@code /info} answers {@code 200} with this body, as is.
	 * @param body the body, or {@code null} for LiteFS's answer
	 */
	public void answerInfo(@Nullable String body) {
		this.infoBody = body;
	}

	/** From now on each {@code /events} stream ends right after its {@code init}. */
	public void endEachStreamAfterInit() {
		this.mode = Mode.END_AFTER_INIT;
	}

	/**
	 * From now on each {@code /events} stream sends {@code init}, then bytes without a
	 * newline for as long as the client reads them.
	 */
	public void sendEndlessLines() {
		this.mode = Mode.ENDLESS_LINE;
	}

	/**
	 * From now on each {@code /events} stream sends one space at each interval and
	 * nothing else: never an event, never a newline.
	 * @param interval the time between two spaces
	 */
	public void trickle(Duration interval) {
		this.trickleInterval = interval;
		this.mode = Mode.TRICKLE;
	}

	/** From now on {@code /events} streams behave as LiteFS's again. */
	public void behave() {
		this.mode = Mode.LITEFS;
	}

	/** The API goes away: every connection is closed and the port stops listening. */
	public void stop() {
		endStreams();
		this.server.stop(0);
	}

	/** The API comes back on the same port. */
	public void restart() {
		this.server = serve(this.port);
	}

	@Override
	public void close() {
		stop();
		this.executor.shutdownNow();
	}

	private HttpServer serve(int port) {
		try {
			HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
			server.setExecutor(this.executor);
			server.createContext("/info", this::info);
			server.createContext("/events", this::events);
			server.start();
			return server;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private void info(HttpExchange exchange) throws IOException {
		this.infoRequests.incrementAndGet();
		String answer = this.infoBody;
		byte[] body = ((answer != null) ? answer
				: "{\"clusterID\":\"LFSCFAKE\",\"isPrimary\":" + this.primary + ",\"candidate\":true,"
						+ "\"path\":\"/var/lib/litefs\",\"primary\":{\"hostname\":\"\"}}")
			.getBytes(StandardCharsets.UTF_8);
		exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
		exchange.sendResponseHeaders(200, (body.length > 0) ? body.length : -1);
		try (OutputStream out = exchange.getResponseBody()) {
			out.write(body);
		}
	}

	private void events(HttpExchange exchange) throws IOException {
		int status = this.eventsStatus;
		if (status != 200) {
			exchange.sendResponseHeaders(status, -1);
			exchange.close();
			return;
		}
		this.connections.incrementAndGet();
		long opened = System.nanoTime();
		Mode mode = this.mode;
		exchange.getResponseHeaders().set("Content-Type", "application/json");
		exchange.sendResponseHeaders(200, 0);
		Stream stream = new Stream(exchange.getResponseBody());
		this.streams.add(stream);
		try {
			if (mode == Mode.TRICKLE) {
				while (stream.writeRaw(new byte[] { ' ' }) && !stream.awaitEnd(this.trickleInterval)) {
					// one space at a time, until the client goes away
				}
				return;
			}
			stream.write("{\"type\":\"init\",\"data\":{\"isPrimary\":" + this.primary + ",\"hostname\":\"\"}}");
			if (mode == Mode.ENDLESS_LINE) {
				byte[] chunk = new byte[64 * 1024];
				Arrays.fill(chunk, (byte) 'x');
				while (stream.writeRaw(chunk)) {
					// until the client goes away
				}
			}
			else if (mode == Mode.LITEFS) {
				stream.awaitEnd(Duration.ofDays(1));
			}
		}
		finally {
			this.streams.remove(stream);
			this.streamDurations.add(Duration.ofNanos(System.nanoTime() - opened));
			this.mostBytesSent.accumulateAndGet(stream.sent, Math::max);
			exchange.close();
		}
	}

	private enum Mode {

		LITEFS, END_AFTER_INIT, ENDLESS_LINE, TRICKLE

	}

	/** One open {@code /events} answer. */
	private static final class Stream {

		private final OutputStream out;

		private final CountDownLatch ended = new CountDownLatch(1);

		Stream(OutputStream out) {
			this.out = out;
		}

		private volatile long sent;

		void write(String line) {
			writeRaw((line + "\n").getBytes(StandardCharsets.UTF_8));
		}

		/** Whether the bytes were sent: {@code false} once the stream ended. */
		synchronized boolean writeRaw(byte[] bytes) {
			if (this.ended.getCount() == 0) {
				return false;
			}
			try {
				this.out.write(bytes);
				this.out.flush();
				this.sent += bytes.length;
				return true;
			}
			catch (IOException ex) {
				end();
				return false;
			}
		}

		/** Whether the stream ended within the time. */
		boolean awaitEnd(Duration time) {
			try {
				return this.ended.await(time.toMillis(), TimeUnit.MILLISECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return true;
			}
		}

		void end() {
			this.ended.countDown();
		}

	}

}
