package dev.litefs.benchmarks;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import dev.litefs.spring.test.cluster.LiteFsCluster;

/**
 * Reads waiting for their {@code __txid} on the replica, released by one write on the
 * primary: the starter (B) against LiteFS's proxy (C), on {@link ClusterPart}'s cluster.
 */
final class WaitingReads {

	private final Bench bench;

	WaitingReads(Bench bench) {
		this.bench = bench;
	}

	/**
	 * N reads whose {@code __txid} is one ahead of the replica, all in flight, released by
	 * one write on the primary: from the write's answer to each read's, B against C; and
	 * the replica's CPU (its app's JVM and LiteFS) while 300 wait.
	 */
	void run(LiteFsCluster cluster, App primary, List<ClusterPart.Server> servers, long postId) throws Exception {
		ExecutorService executor = Executors.newFixedThreadPool(2);
		HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(executor).build();
		LiteFsCluster.Node replica = cluster.node(1);
		int[] sizes = { 1, 50, 300 };
		int[] rounds = { this.bench.count(20, 5), this.bench.count(5, 2), this.bench.count(3, 1) };
		try {
			for (int k = 0; k < sizes.length; k++) {
				int n = sizes[k];
				Map<String, long[]> released = new LinkedHashMap<>();
				Map<String, String> cpu = new LinkedHashMap<>();
				for (ClusterPart.Server server : servers.subList(1, 3)) {
					long[] samples = new long[n * rounds[k]];
					for (int round = 0; round < rounds[k]; round++) {
						long txid = cluster.awaitReplicated("app.db", Duration.ofSeconds(30));
						String ahead = String.format("%016x", txid + 1);
						List<CompletableFuture<Long>> answers = new ArrayList<>();
						for (int i = 0; i < n; i++) {
							answers.add(client
								.sendAsync(HttpRequest.newBuilder(server.url().resolve("/api/posts/" + postId))
									.header("Cookie", "__txid=" + ahead)
									.timeout(Duration.ofSeconds(60))
									.build(), HttpResponse.BodyHandlers.discarding())
								.thenApply((answer) -> (answer.statusCode() == 200) ? System.nanoTime() : -1L));
						}
						Bench.sleep(300 + 4L * n);
						if (n == 300 && round == 0) {
							long window = this.bench.count(3000, 1000);
							long jvm = App.cpuNanos(server.app().pid());
							long liteFs = App.cpuNanos(replica.pid());
							Bench.sleep(window);
							cpu.put(server.name(), String.format(Locale.ROOT, "JVM %.1f %%, LiteFS %.1f %%",
									(App.cpuNanos(server.app().pid()) - jvm) / (window * 1e4),
									(App.cpuNanos(replica.pid()) - liteFs) / (window * 1e4)));
						}
						if (answers.stream().anyMatch(CompletableFuture::isDone)) {
							throw new IllegalStateException(server.name() + " answered a read before its TXID");
						}
						primary.write();
						long written = System.nanoTime();
						for (int i = 0; i < n; i++) {
							long answered = answers.get(i).get();
							if (answered < 0) {
								throw new IllegalStateException(server.name() + " did not answer a waiting read 200");
							}
							samples[round * n + i] = answered - written;
						}
					}
					released.put(server.name(), samples);
				}
				long[] b = released.get("B");
				long[] c = released.get("C");
				this.bench.row(ClusterPart.PART, "waiting reads released by a write, from its answer, N = " + n
						+ ": p50 / p99, B vs C (ratio of p50)",
						Bench.nanos(Bench.percentile(b, 50)) + " / " + Bench.nanos(Bench.percentile(b, 99)) + " vs "
								+ Bench.nanos(Bench.percentile(c, 50)) + " / " + Bench.nanos(Bench.percentile(c, 99)),
						(double) Bench.percentile(b, 50) / Bench.percentile(c, 50),
						(n == 300) ? "B ≤ 2.00 ms / ≤ 10.0 ms" : "",
						(n == 300) ? Bench.percentile(b, 50) <= 2_000_000 && Bench.percentile(b, 99) <= 10_000_000
								: null);
				if (n == 300) {
					this.bench.row(ClusterPart.PART,
							"the replica's CPU while 300 reads wait, share of one core: B vs C",
							cpu.get("B") + " vs " + cpu.get("C"), Double.NaN, "B's JVM ≤ 5.0 %",
							Double.parseDouble(cpu.get("B").replaceAll("JVM ([0-9.]+) %.*", "$1")) <= 5.0);
					List<String> nothing = new ArrayList<>();
					for (ClusterPart.Server server : servers.subList(1, 3)) {
						long sent = System.nanoTime();
						List<CompletableFuture<Long>> answers = new ArrayList<>();
						for (int i = 0; i < n; i++) {
							answers.add(client
								.sendAsync(HttpRequest.newBuilder(server.url().resolve("/api/posts/" + postId)).build(),
										HttpResponse.BodyHandlers.discarding())
								.thenApply((answer) -> System.nanoTime() - sent));
						}
						long[] times = new long[n];
						for (int i = 0; i < n; i++) {
							times[i] = answers.get(i).get();
						}
						nothing.add(server.name() + " " + Bench.nanos(Bench.percentile(times, 50)) + " / "
								+ Bench.nanos(Bench.percentile(times, 99)));
					}
					this.bench.row(ClusterPart.PART,
							"the same 300 reads with nothing to wait for, sent at once, p50 / p99: "
							+ "B vs C", String.join(" vs ", nothing), Double.NaN, "", null);
				}
			}
		}
		finally {
			executor.shutdownNow();
		}
	}

}
