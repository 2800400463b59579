package dev.litefs.spring.consistency;

import java.lang.management.ManagementFactory;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import dev.litefs.spring.node.LiteFsNode;
import dev.litefs.spring.test.FakeLiteFsMount;
import dev.litefs.spring.testapp.TestNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Many requests waiting at once on one replica hold no thread each and are released
 * together by the TXID's arrival (how fast is measured by the benchmarks, not here).
 */
class ManyWaitersTests {

	private static final int WAITERS = 300;

	@Test
	void threeHundredWaitingRequestsAreReleasedByTheTxidWithoutAThreadEach(@TempDir Path dir) throws Exception {
		FakeLiteFsMount mount = FakeLiteFsMount.replicaOf(dir, "node-a").txid(5);
		// fewer container threads than waiting requests: only async waiting lets all 300 wait
		try (TestNode replica = TestNode.start(mount, "node-b", "litefs.consistency.timeout=20s",
				"server.tomcat.threads.max=50", "server.tomcat.accept-count=500");
				HttpClientResource client = new HttpClientResource()) {
			assertThat(replica.get("/posts/7").statusCode()).isEqualTo(200);
			int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();
			List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
			for (int i = 0; i < WAITERS; i++) {
				HttpRequest request = replica.request("/posts/" + i)
					.header("Cookie", "__txid=0000000000000007")
					.GET()
					.build();
				responses.add(client.http.sendAsync(request, HttpResponse.BodyHandlers.ofString()));
			}
			LiteFsNode watcher = replica.node();
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
			while (watcher.waiting() < WAITERS && System.nanoTime() < deadline) {
				Thread.sleep(20);
			}
			assertThat(watcher.waiting()).isEqualTo(WAITERS);
			int threadsWhileWaiting = ManagementFactory.getThreadMXBean().getThreadCount();
			assertThat(responses).noneMatch(CompletableFuture::isDone);

			long written = System.nanoTime();
			mount.txid(7);
			CompletableFuture.allOf(responses.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
			long releasedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - written);

			System.out.printf("MEASURE %d waiters: +%d threads while waiting, released %d ms after the TXID arrived%n", WAITERS, threadsWhileWaiting - threadsBefore, releasedMillis);
			assertThat(responses).allSatisfy((response) -> assertThat(response.join().statusCode()).isEqualTo(200));
			// released by the TXID's arrival, long before their 20 s timeout; how fast is for the benchmarks
			assertThat(releasedMillis).as("ms from the TXID's arrival to the last answer").isLessThan(10_000);
			assertThat(responses).allSatisfy((response) -> assertThat(response.join().body()).contains("node-b"));
			assertThat(threadsWhileWaiting - threadsBefore).as("threads started for %d waiting requests", WAITERS)
				.isLessThan(WAITERS / 3);
			assertThat(watcher.waiting()).isZero();
		}
	}

	/** A client with a small executor of its own, so its threads do not blur the count. */
	private static final class HttpClientResource implements AutoCloseable {

		private final ExecutorService executor = Executors.newFixedThreadPool(4);

		private final HttpClient http = HttpClient.newBuilder()
			.version(HttpClient.Version.HTTP_1_1)
			.connectTimeout(Duration.ofSeconds(5))
			.executor(this.executor)
			.build();

		@Override
		public void close() {
			this.executor.shutdownNow();
		}

	}

}
