package dev.litefs.spring.test;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import dev.litefs.spring.node.Position;

/**
 * LiteFS's HTTP API on loopback, as far as the node uses it: {@code GET /info} and
 * {@code GET /events}, whose newline-delimited JSON events a test sends one by one
 * (each line flushed, as LiteFS does). It can end the open streams (as LiteFS does to a
 * subscriber whose buffer overflowed), go away and come back on the same port.
 */
public final class FakeLiteFsApi implements AutoCloseable {

	private final int port;

	private final List<Stream> streams = new CopyOnWriteArrayList<>();

	private final AtomicInteger connections = new AtomicInteger();

	private final ExecutorService executor = Executors.newCachedThreadPool((task) -> {
		Thread thread = new Thread(task, "fake-litefs-api");
		thread.setDaemon(true);
		return thread;
	});

	private volatile boolean primary;

	private volatile boolean eventsRefused;

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
		this.eventsRefused = true;
		endStreams();
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
		byte[] body = ("{\"clusterID\":\"LFSCFAKE\",\"isPrimary\":" + this.primary + ",\"candidate\":true,"
				+ "\"path\":\"/var/lib/litefs\",\"primary\":{\"hostname\":\"\"}}")
			.getBytes(StandardCharsets.UTF_8);
		exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
		exchange.sendResponseHeaders(200, body.length);
		try (OutputStream out = exchange.getResponseBody()) {
			out.write(body);
		}
	}

	private void events(HttpExchange exchange) throws IOException {
		if (this.eventsRefused) {
			exchange.sendResponseHeaders(503, -1);
			exchange.close();
			return;
		}
		this.connections.incrementAndGet();
		exchange.getResponseHeaders().set("Content-Type", "application/json");
		exchange.sendResponseHeaders(200, 0);
		Stream stream = new Stream(exchange.getResponseBody());
		stream.write("{\"type\":\"init\",\"data\":{\"isPrimary\":" + this.primary + ",\"hostname\":\"\"}}");
		this.streams.add(stream);
		try {
			stream.ended.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		finally {
			this.streams.remove(stream);
			exchange.close();
		}
	}

	/** One open {@code /events} answer. */
	private static final class Stream {

		private final OutputStream out;

		private final CountDownLatch ended = new CountDownLatch(1);

		Stream(OutputStream out) {
			this.out = out;
		}

		synchronized void write(String line) {
			try {
				this.out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
				this.out.flush();
			}
			catch (IOException ex) {
				end();
			}
		}

		void end() {
			this.ended.countDown();
		}

	}

}
