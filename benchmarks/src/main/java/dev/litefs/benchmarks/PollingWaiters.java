package dev.litefs.benchmarks;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.LockSupport;

import dev.litefs.spring.node.LiteFsMount;
import dev.litefs.spring.node.Position;

/**
 * The design the starter is compared with: every waiting request polls the position
 * file on its own, every 1 ms (as LiteFS's proxy does) or every 30 ms (as litefs-js
 * does). Runs in a child JVM of its own, so that its CPU time is measured as the app's
 * is, and is driven through standard input:
 * <ul>
 * <li>{@code wait <n> <txid>}: starts n waiting "requests", one thread each; answers
 * {@code waiting <nanoTime>} once all have read the file once, then
 * {@code released <nanoTime> ...}, the instant each one saw the TXID;</li>
 * <li>{@code quit}.</li>
 * </ul>
 * Instants are {@link System#nanoTime()}, which on Linux is {@code CLOCK_MONOTONIC},
 * one clock for every process of the machine; the harness checks that it agrees.
 */
public final class PollingWaiters {

	private PollingWaiters() {
	}

	/**
	 * Runs the waiters.
	 * @param args the mount directory, the database name, the poll interval in
	 * nanoseconds
	 * @throws Exception if reading commands fails
	 */
	public static void main(String[] args) throws Exception {
		LiteFsMount mount = new LiteFsMount(Path.of(args[0]), args[1]);
		long interval = Long.parseLong(args[2]);
		PrintStream out = new PrintStream(System.out, true, StandardCharsets.US_ASCII);
		BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
		for (String line = in.readLine(); line != null && !line.equals("quit"); line = in.readLine()) {
			String[] command = line.split(" ");
			if (!command[0].equals("wait") || command.length != 3) {
				throw new IllegalArgumentException("Unknown command: " + line);
			}
			int n = Integer.parseInt(command[1]);
			long txid = Long.parseLong(command[2]);
			long[] released = new long[n];
			CountDownLatch polling = new CountDownLatch(n);
			CountDownLatch done = new CountDownLatch(n);
			for (int i = 0; i < n; i++) {
				int index = i;
				Thread waiter = new Thread(() -> {
					boolean counted = false;
					while (true) {
						boolean reached = position(mount).hasReached(txid);
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
			out.println("waiting " + System.nanoTime());
			done.await();
			StringBuilder answer = new StringBuilder("released");
			for (long instant : released) {
				answer.append(' ').append(instant);
			}
			out.println(answer);
		}
	}

	private static Position position(LiteFsMount mount) {
		return mount.readPosition().orElse(Position.ZERO);
	}

}
