package dev.litefs.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.LockSupport;

import com.sun.net.httpserver.HttpServer;
import dev.litefs.spring.node.LiteFsApi;
import dev.litefs.spring.node.LiteFsMount;
import dev.litefs.spring.node.LiteFsNode;
import dev.litefs.spring.node.Position;

/**
 * Requests waiting for a TXID, without HTTP: only the mechanism that notices the TXID
 * in {@code <db>-pos} and releases them. Runs in a child JVM of its own, so that its CPU
 * time is measured as an app's is, in one of two designs:
 * <ul>
 * <li>{@code watcher}: the starter's {@link LiteFsNode#await} on a node without LiteFS's
 * API, so released by its fallback: one thread reading the file every poll interval for
 * all waiting requests;</li>
 * <li>{@code events}: the same watcher on a node subscribed to an {@code /events} stream
 * this JVM serves on loopback; {@code tx <txid>} sends the {@code tx} event and answers
 * {@code sent <nanoTime>} (the instant before it is written) before {@code released};
 * nothing reads the file for the waiters;</li>
 * <li>{@code polling}: every waiting request reads the file on its own thread every poll
 * interval, as LiteFS's proxy (1 ms) and litefs-js (30 ms) do;</li>
 * <li>{@code ticker}: no requests, one thread that only wakes up every poll interval, the
 * floor under any poll at that interval on this machine (answers {@code ticking} once it
 * runs).</li>
 * </ul>
 * Driven through standard input: {@code wait <n> <txid>} answers
 * {@code waiting <nanoTime>} once all n wait, then {@code released <nanoTime> ...}, the
 * instant each one was released; {@code quit} ends. Instants are
 * {@link System#nanoTime()}, on Linux {@code CLOCK_MONOTONIC}, one clock for every
 * process of the machine; the harness checks that it agrees.
 */
public final class WaitingRequests {

	private static final Duration TIMEOUT = Duration.ofSeconds(60);

	private WaitingRequests() {
	}

	/**
	 * Runs the waiting requests.
	 * @param args {@code watcher}, {@code events}, {@code polling} or {@code ticker}, the mount directory,
	 * the database name, the poll interval in nanoseconds
	 * @throws Exception if reading commands fails
	 */
	public static void main(String[] args) throws Exception {
		LiteFsMount mount = new LiteFsMount(Path.of(args[1]), args[2]);
		long interval = Long.parseLong(args[3]);
		EventStream events = args[0].equals("events") ? EventStream.serve() : null;
		LiteFsNode waiter = null;
		if (args[0].equals("watcher") || events != null) {
			LiteFsNode node = new LiteFsNode(mount, "waiting",
					(events != null) ? new LiteFsApi(events.url(), Duration.ofMillis(500)) : null, Duration.ofSeconds(1),
					Duration.ofNanos(interval), (event) -> {
					});
			if (events != null) {
				node.start();
				events.awaitSubscriber();
			}
			waiter = node;
		}
		PrintStream out = new PrintStream(System.out, true, StandardCharsets.US_ASCII);
		if (args[0].equals("ticker")) {
			Thread ticker = new Thread(() -> {
				while (true) {
					LockSupport.parkNanos(interval);
				}
			}, "ticker");
			ticker.setDaemon(true);
			ticker.start();
			out.println("ticking " + System.nanoTime());
		}
		BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
		for (String line = in.readLine(); line != null && !line.equals("quit"); line = in.readLine()) {
			String[] command = line.split(" ");
			if (!command[0].equals("wait") || command.length != 3) {
				throw new IllegalArgumentException("Unknown command: " + line);
			}
			int n = Integer.parseInt(command[1]);
			long txid = Long.parseLong(command[2]);
			long[] released = new long[n];
			CountDownLatch done = new CountDownLatch(n);
			if (waiter != null) {
				for (int i = 0; i < n; i++) {
					int index = i;
					waiter.await(txid, TIMEOUT).thenAccept((reached) -> {
						// -1 tells the harness that a wait timed out
						released[index] = reached ? System.nanoTime() : -1;
						done.countDown();
					});
				}
			}
			else {
				poll(mount, interval, txid, released, done);
			}
			out.println("waiting " + System.nanoTime());
			if (events != null) {
				String tx = in.readLine();
				if (tx == null || !tx.equals("tx " + txid)) {
					throw new IllegalArgumentException("Expected 'tx " + txid + "', got: " + tx);
				}
				out.println("sent " + events.tx(mount.database(), txid));
			}
			done.await();
			StringBuilder answer = new StringBuilder("released");
			for (long instant : released) {
				answer.append(' ').append(instant);
			}
			out.println(answer);
		}
	}

	/**
	 * LiteFS's {@code GET /events} as far as the node needs it: {@code init}, then the
	 * {@code tx} events this JVM is told to send, one line each, flushed.
	 */
	private static final class EventStream {

		private final HttpServer server;

		private final CountDownLatch subscribed = new CountDownLatch(1);

		private volatile OutputStream subscriber;

		private EventStream(HttpServer server) {
			this.server = server;
		}

		static EventStream serve() throws IOException {
			HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
			server.setExecutor(Executors.newCachedThreadPool((task) -> {
				Thread thread = new Thread(task, "fake-litefs-api");
				thread.setDaemon(true);
				return thread;
			}));
			EventStream stream = new EventStream(server);
			server.createContext("/events", (exchange) -> {
				exchange.sendResponseHeaders(200, 0);
				OutputStream body = exchange.getResponseBody();
				body.write("{\"type\":\"init\",\"data\":{\"isPrimary\":false,\"hostname\":\"\"}}\n"
					.getBytes(StandardCharsets.UTF_8));
				body.flush();
				stream.subscriber = body;
				stream.subscribed.countDown();
				// held open until the JVM ends, as LiteFS holds it
				LockSupport.park();
			});
			server.start();
			return stream;
		}

		URI url() {
			return URI.create("http://127.0.0.1:" + this.server.getAddress().getPort());
		}

		void awaitSubscriber() throws InterruptedException {
			this.subscribed.await();
			// the node counts as connected once it read init; give it that moment
			Thread.sleep(200);
		}

		/** Sends a tx event; the instant just before it is written. */
		long tx(String database, long txid) throws IOException {
			byte[] line = ("{\"type\":\"tx\",\"db\":\"" + database + "\",\"data\":{\"txID\":\"" + Position.toHex(txid)
					+ "\",\"postApplyChecksum\":\"0000000000005eed\",\"pageSize\":4096,\"commit\":2,"
					+ "\"timestamp\":\"2026-12-01T00:00:00Z\"}}\n")
				.getBytes(StandardCharsets.UTF_8);
			long sent = System.nanoTime();
			this.subscriber.write(line);
			this.subscriber.flush();
			return sent;
		}

	}

	/** One thread per request, each reading the file every interval; returns once all have read it once. */
	private static void poll(LiteFsMount mount, long interval, long txid, long[] released, CountDownLatch done)
			throws InterruptedException {
		CountDownLatch polling = new CountDownLatch(released.length);
		for (int i = 0; i < released.length; i++) {
			int index = i;
			Thread waiter = new Thread(() -> {
				boolean counted = false;
				while (true) {
					boolean reached = mount.readPosition().orElse(Position.ZERO).hasReached(txid);
					if (!counted) {
						polling.countDown();
						counted = true;
					}
					if (reached) {
						break;
					}
					LockSupport.parkNanos(interval);
				}
				released[index] = System.nanoTime();
				done.countDown();
			}, "waiter-" + i);
			waiter.setDaemon(true);
			waiter.start();
		}
		polling.await();
	}

}
