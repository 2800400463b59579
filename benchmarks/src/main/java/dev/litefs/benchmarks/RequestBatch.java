package dev.litefs.benchmarks;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * N requests sent at once, one thread each, and the instants their answers were
 * complete.
 */
final class RequestBatch {

	/** How long all answers may take once the batch is sent. */
	private static final Duration TIMEOUT = Duration.ofSeconds(60);

	private final long[] answered;

	private final AtomicInteger answers = new AtomicInteger();

	private final List<String> failures = new ArrayList<>();

	private final CountDownLatch done;

	private long sent;

	private RequestBatch(int n) {
		this.answered = new long[n];
		this.done = new CountDownLatch(n);
	}

	/**
	 * Sends a request n times at once, from a thread each.
	 * @param client the client
	 * @param request the request
	 * @param n how many times
	 * @return the batch, its requests under way
	 */
	static RequestBatch send(HttpClient client, HttpRequest request, int n) {
		RequestBatch batch = new RequestBatch(n);
		CountDownLatch go = new CountDownLatch(1);
		for (int i = 0; i < n; i++) {
			int index = i;
			Thread thread = new Thread(() -> batch.sendOne(client, request, go, index), "batch-" + i);
			thread.setDaemon(true);
			thread.start();
		}
		batch.sent = System.nanoTime();
		go.countDown();
		return batch;
	}

	private void sendOne(HttpClient client, HttpRequest request, CountDownLatch go, int index) {
		try {
			go.await();
			HttpResponse<Void> response = client.send(request, HttpResponse.BodyHandlers.discarding());
			this.answered[index] = System.nanoTime();
			if (response.statusCode() != 200) {
				fail("answered " + response.statusCode());
			}
		}
		catch (IOException | InterruptedException ex) {
			fail(ex.toString());
		}
		finally {
			this.answers.incrementAndGet();
			this.done.countDown();
		}
	}

	private void fail(String failure) {
		synchronized (this.failures) {
			this.failures.add(failure);
		}
	}

	/** The instant the threads were told to send. */
	long sent() {
		return this.sent;
	}

	/** How many requests have been answered so far. */
	int answered() {
		return this.answers.get();
	}

	/**
	 * Waits for every answer.
	 * @return the instant each answer was complete
	 * @throws IllegalStateException if one failed, was not a {@code 200}, or did not
	 * come within a minute
	 */
	long[] await() {
		try {
			if (!this.done.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
				throw new IllegalStateException("Only " + answered() + " of " + this.answered.length
						+ " requests were answered within " + TIMEOUT);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
		synchronized (this.failures) {
			if (!this.failures.isEmpty()) {
				throw new IllegalStateException(this.failures.size() + " requests failed, the first "
						+ this.failures.get(0));
			}
		}
		return this.answered;
	}

}
