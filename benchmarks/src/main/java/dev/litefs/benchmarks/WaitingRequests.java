package dev.litefs.benchmarks;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.LockSupport;

import dev.litefs.spring.consistency.PositionWatcher;
import dev.litefs.spring.node.LiteFsMount;
import dev.litefs.spring.node.LiteFsNode;
import dev.litefs.spring.node.Position;

/**
 * Requests waiting for a TXID, without HTTP: only the mechanism that notices the TXID
 * in {@code <db>-pos} and releases them. Runs in a child JVM of its own, so that its CPU
 * time is measured as an app's is, in one of two designs:
 * <ul>
 * <li>{@code watcher}: the starter's {@link PositionWatcher}, one thread reading the
 * file every poll interval for all waiting requests;</li>
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
	 * @param args {@code watcher}, {@code polling} or {@code ticker}, the mount directory,
	 * the database name, the poll interval in nanoseconds
	 * @throws Exception if reading commands fails
	 */
	public static void main(String[] args) throws Exception {
		boolean watcher = args[0].equals("watcher");
		LiteFsMount mount = new LiteFsMount(Path.of(args[1]), args[2]);
		long interval = Long.parseLong(args[3]);
		PositionWatcher positionWatcher = watcher
				? new PositionWatcher(new LiteFsNode(mount, "waiting", null, Duration.ofSeconds(1), (event) -> {
				}), Duration.ofNanos(interval)) : null;
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
			if (positionWatcher != null) {
				for (int i = 0; i < n; i++) {
					int index = i;
					positionWatcher.await(txid, TIMEOUT).thenAccept((reached) -> {
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
			done.await();
			StringBuilder answer = new StringBuilder("released");
			for (long instant : released) {
				answer.append(' ').append(instant);
			}
			out.println(answer);
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
