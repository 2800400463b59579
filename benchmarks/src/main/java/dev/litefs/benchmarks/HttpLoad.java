package dev.litefs.benchmarks;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;

/**
 * A closed loop of HTTP requests from a fixed number of client threads: each thread
 * sends a request, waits for the whole answer, records its latency and sends the next.
 */
final class HttpLoad {

	private final HttpClient client;

	private final int threads;

	/**
	 * Creates a load of the given number of client threads.
	 * @param client the client, shared by the threads (its connections are kept alive)
	 * @param threads how many requests are in flight at any time
	 */
	HttpLoad(HttpClient client, int threads) {
		this.client = client;
		this.threads = threads;
	}

	/**
	 * Sends requests for a while.
	 * @param request the request each thread sends, again and again
	 * @param expectedStatus the status every answer must have; any other fails the run
	 * @param duration how long the threads keep sending
	 * @return what was measured
	 */
	Result run(Supplier<HttpRequest> request, int expectedStatus, Duration duration) {
		CountDownLatch start = new CountDownLatch(1);
		List<Latencies> recorded = new ArrayList<>();
		List<Thread> workers = new ArrayList<>();
		List<Throwable> failures = new ArrayList<>();
		long[] window = new long[2];
		for (int i = 0; i < this.threads; i++) {
			Latencies latencies = new Latencies();
			recorded.add(latencies);
			Thread worker = new Thread(() -> {
				try {
					start.await();
					long deadline = window[0] + duration.toNanos();
					long now = System.nanoTime();
					while (now - deadline < 0) {
						HttpResponse<Void> response = this.client.send(request.get(),
								HttpResponse.BodyHandlers.discarding());
						long done = System.nanoTime();
						if (response.statusCode() != expectedStatus) {
							throw new IllegalStateException("Expected " + expectedStatus + " but got "
									+ response.statusCode() + " from " + response.uri());
						}
						latencies.add(done - now);
						now = done;
					}
				}
				catch (IOException | RuntimeException ex) {
					synchronized (failures) {
						failures.add(ex);
					}
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}, "load-" + i);
			workers.add(worker);
			worker.start();
		}
		window[0] = System.nanoTime();
		start.countDown();
		for (Thread worker : workers) {
			try {
				worker.join();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("Interrupted during the load", ex);
			}
		}
		window[1] = System.nanoTime();
		if (!failures.isEmpty()) {
			IllegalStateException failed = new IllegalStateException("The load failed: " + failures.get(0),
					failures.get(0));
			failures.stream().skip(1).forEach(failed::addSuppressed);
			throw failed;
		}
		Latencies all = new Latencies();
		recorded.forEach(all::addAll);
		return new Result(all, Duration.ofNanos(window[1] - window[0]));
	}

	/**
	 * What one run of the load measured.
	 *
	 * @param latencies every request's latency
	 * @param elapsed from the start signal to the last answer
	 */
	record Result(Latencies latencies, Duration elapsed) {

		double requestsPerSecond() {
			return this.latencies.count() / (this.elapsed.toNanos() / 1e9);
		}

	}

}
