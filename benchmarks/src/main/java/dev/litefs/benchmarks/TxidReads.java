package dev.litefs.benchmarks;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Replica reads of one post by clients that keep its {@code ETag} and revalidate it, as a
 * browser does, while the primary takes 0, 1, 10 and 100 writes/s: E, the app with
 * {@code litefs.etag.paths} on the post's path, against B, the same app without it, and
 * C, LiteFS's proxy in front of the app without the starter. Rounds in a rotating order;
 * each round's E ÷ B is taken within the round.
 */
final class TxidReads {

	private static final int CLIENTS = 8;

	private final Bench bench;

	private final Vegeta vegeta;

	TxidReads(Bench bench, Vegeta vegeta) {
		this.bench = bench;
		this.vegeta = vegeta;
	}

	/** One server's figures of one round. */
	record Round(double throughput, long p50, long p99, double cpuPerRead, double notModified,
			double clientCpuPerRead) {
	}

	void run(App primary, List<ClusterPart.Server> servers, long postId) throws Exception {
		Duration round = this.bench.duration(5, 2);
		for (ClusterPart.Server server : servers) {
			load(server, postId, this.bench.duration(10, 2));
		}
		String write = this.vegeta.post(primary.uri("/api/posts").toString());
		for (int rate : new int[] { 0, 1, 10, 100 }) {
			Map<String, List<Round>> rounds = new LinkedHashMap<>();
			servers.forEach((server) -> rounds.put(server.name(), new ArrayList<>()));
			List<Double> written = new ArrayList<>();
			for (int i = 0; i < this.bench.count(3, 1); i++) {
				for (int j = 0; j < servers.size(); j++) {
					ClusterPart.Server server = servers.get((i + j) % servers.size());
					CompletableFuture<Double> writes = (rate == 0) ? CompletableFuture.completedFuture(0.0)
							: CompletableFuture.supplyAsync(() -> attack(write, rate, round));
					rounds.get(server.name()).add(load(server, postId, round));
					written.add(writes.join());
				}
			}
			report(rate, rounds, Bench.median(written));
		}
	}

	private void report(int rate, Map<String, List<Round>> rounds, double written) {
		List<Double> eOverB = new ArrayList<>();
		List<Double> cpu = new ArrayList<>();
		for (int i = 0; i < rounds.get("B").size(); i++) {
			eOverB.add(rounds.get("E").get(i).throughput() / rounds.get("B").get(i).throughput());
			cpu.add(rounds.get("E").get(i).cpuPerRead() / rounds.get("B").get(i).cpuPerRead());
		}
		double ratio = Bench.median(eOverB);
		String target = (rate == 0) ? "≥ 5" : (rate == 10) ? "≥ 2" : "";
		Boolean met = (rate == 0) ? (Boolean) (ratio >= 5) : (rate == 10) ? (Boolean) (ratio >= 2) : null;
		this.bench.row(ClusterPart.PART, String.format(Locale.ROOT,
				"TXID ETags at %d writes/s on the primary (%.1f/s answered `201`, median of the rounds): replica reads/s "
						+ "of clients that keep the ETag (8 keep-alive connections, closed loop), E (`litefs.etag.paths`) vs B (without) vs C "
						+ "(LiteFS's proxy); E ÷ B, median of the rounds' ratios",
				rate, written), String.format(Locale.ROOT, "%s vs %s vs %s", medianOf(rounds.get("E"), Round::throughput),
						medianOf(rounds.get("B"), Round::throughput), medianOf(rounds.get("C"), Round::throughput)),
				ratio, target, met);
		this.bench.row(ClusterPart.PART, String.format(Locale.ROOT,
				"TXID ETags at %d writes/s: p50 / p99 (medians of the rounds); the app's CPU per read; E's reads "
						+ "answered `304` (no SQLite); the clients' CPU per read (the benchmark's JVM); ratio: E's CPU "
						+ "per read ÷ B's",
				rate),
				String.format(Locale.ROOT, "E %s / %s, %s, %.1f %%, clients %s · B %s / %s, %s, clients %s "
						+ "· C %s / %s, %s, clients %s",
						nanos(rounds.get("E"), Round::p50), nanos(rounds.get("E"), Round::p99),
						nanos(rounds.get("E"), Round::cpuPerRead),
						100 * median(rounds.get("E"), Round::notModified),
						nanos(rounds.get("E"), Round::clientCpuPerRead), nanos(rounds.get("B"), Round::p50),
						nanos(rounds.get("B"), Round::p99), nanos(rounds.get("B"), Round::cpuPerRead),
						nanos(rounds.get("B"), Round::clientCpuPerRead), nanos(rounds.get("C"), Round::p50),
						nanos(rounds.get("C"), Round::p99), nanos(rounds.get("C"), Round::cpuPerRead),
						nanos(rounds.get("C"), Round::clientCpuPerRead)),
				Bench.median(cpu), "", null);
	}

	/** Writes at a rate for a while: how many per second were answered {@code 2xx}. */
	private double attack(String write, int rate, Duration duration) {
		try {
			return this.vegeta.attack("txid-writes-" + rate, write, rate, 4, duration).throughput();
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * {@value #CLIENTS} clients in a closed loop for a while, each with its own connection
	 * ({@link KeepAliveClient}: blocking I/O, a thread each), each sending
	 * {@code If-None-Match} with the last {@code ETag} it got.
	 */
	private Round load(ClusterPart.Server server, long postId, Duration duration) throws Exception {
		URI uri = server.url().resolve("/api/posts/" + postId);
		long cpu = App.cpuNanos(server.app().pid());
		long clientCpu = App.cpuNanos(ProcessHandle.current().pid());
		long start = System.nanoTime();
		long end = start + duration.toNanos();
		AtomicLong notModified = new AtomicLong();
		List<CompletableFuture<long[]>> clients = new ArrayList<>();
		for (int c = 0; c < CLIENTS; c++) {
			clients.add(CompletableFuture.supplyAsync(() -> client(uri, end, notModified),
					(task) -> new Thread(task, "txid-reads-client").start()));
		}
		List<Long> latencies = new ArrayList<>();
		for (CompletableFuture<long[]> client : clients) {
			for (long latency : client.join()) {
				latencies.add(latency);
			}
		}
		long elapsed = System.nanoTime() - start;
		long[] all = latencies.stream().mapToLong(Long::longValue).toArray();
		long used = App.cpuNanos(server.app().pid()) - cpu;
		long clientUsed = App.cpuNanos(ProcessHandle.current().pid()) - clientCpu;
		return new Round(all.length / (elapsed / 1e9), Bench.percentile(all, 50), Bench.percentile(all, 99),
				used / (double) all.length, notModified.get() / (double) all.length,
				clientUsed / (double) all.length);
	}

	private long[] client(URI uri, long end, AtomicLong notModified) {
		List<Long> latencies = new ArrayList<>();
		String tag = null;
		try (KeepAliveClient http = new KeepAliveClient(uri)) {
			while (System.nanoTime() < end) {
				long sent = System.nanoTime();
				KeepAliveClient.Answer answer = http.get(tag);
				latencies.add(System.nanoTime() - sent);
				if (answer.status() == 304) {
					notModified.incrementAndGet();
				}
				else if (answer.status() == 200) {
					tag = answer.etag();
				}
				else {
					throw new IllegalStateException(uri + " answered " + answer.status());
				}
			}
		}
		catch (java.io.IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
		return latencies.stream().mapToLong(Long::longValue).toArray();
	}

	private static double median(List<Round> rounds, java.util.function.ToDoubleFunction<Round> figure) {
		return Bench.median(rounds.stream().map(figure::applyAsDouble).toList());
	}

	private static String medianOf(List<Round> rounds, java.util.function.ToDoubleFunction<Round> figure) {
		return String.format(Locale.ROOT, "%,.0f", median(rounds, figure));
	}

	private static String nanos(List<Round> rounds, java.util.function.ToDoubleFunction<Round> figure) {
		return Bench.nanos(median(rounds, figure));
	}

}
