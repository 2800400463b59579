package dev.litefs.benchmarks;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

import dev.litefs.spring.test.FakeLiteFsMount;

/**
 * Part 4: what forwarding a write costs. {@code POST /api/posts} sent to a replica whose
 * routing strategy is {@code forward} (it forwards the request to the primary over
 * loopback), against the same request sent straight to the primary: two JVMs, one
 * client thread, blocks of requests in turn.
 */
final class ForwardingOverhead {

	/**
	 * The primary's LiteFS hostname here: the forward URL template must name the primary
	 * by {@code {primary}}, and on this machine only an address resolves without DNS.
	 */
	private static final String PRIMARY = "127.0.0.1";

	private static final long TARGET_NANOS = 1_000_000;

	private final Bench bench;

	ForwardingOverhead(Bench bench) {
		this.bench = bench;
	}

	Report run() {
		Settings settings = this.bench.settings();
		FakeLiteFsMount primaryMount = FakeLiteFsMount.primary(this.bench.directoryWithDatabase("forward-primary"));
		FakeLiteFsMount replicaMount = FakeLiteFsMount
			.replicaOf(this.bench.directoryWithDatabase("forward-replica"), PRIMARY);
		try (SampleApp primary = this.bench.start("forward-primary", Bench.withLiteFs(primaryMount, PRIMARY))) {
			Map<String, String> forwarding = Bench.withLiteFs(replicaMount, Bench.REPLICA);
			forwarding.put("litefs.routing.strategy", "forward");
			forwarding.put("litefs.routing.forward.url-template", "http://{primary}:" + primary.port());
			try (SampleApp replica = this.bench.start("forward-replica", forwarding)) {
				HttpRequest direct = Seed.createPost(primary);
				HttpRequest forwarded = Seed.createPost(replica);
				checkWrittenByThePrimary(direct);
				checkWrittenByThePrimary(forwarded);
				// both paths, in turn, until the JIT has compiled them: the first thousands are slower
				for (int warmed = 0; warmed < settings.forwardWarmUp(); warmed += settings.forwardBlock()) {
					block(direct, settings.forwardBlock());
					block(forwarded, settings.forwardBlock());
				}
				List<Block> straight = new ArrayList<>();
				List<Block> viaReplica = new ArrayList<>();
				for (int pair = 0; pair < settings.pairs(); pair++) {
					if (pair % 2 == 0) {
						straight.add(measured(direct, primary, replica));
						viaReplica.add(measured(forwarded, primary, replica));
					}
					else {
						viaReplica.add(measured(forwarded, primary, replica));
						straight.add(measured(direct, primary, replica));
					}
				}
				return report(settings, straight, viaReplica);
			}
		}
	}

	private Report report(Settings settings, List<Block> straight, List<Block> viaReplica) {
		Latencies direct = merged(straight);
		Latencies forwarded = merged(viaReplica);
		long added = forwarded.p50() - direct.p50();
		Report report = new Report("4. Forwarding: a write sent to a `forward` replica vs straight to the primary");
		report.figure("p50 added by forwarding", Format.nanos(forwarded.p50()) + " − " + Format.nanos(direct.p50())
				+ " = " + Format.difference(added), "≤ +" + Format.nanos(TARGET_NANOS), added <= TARGET_NANOS);
		report.comparison("p99 forwarded − straight", Format.nanos(forwarded.p99()) + " − "
				+ Format.nanos(direct.p99()) + " = " + Format.difference(forwarded.p99() - direct.p99()));
		report.comparison("CPU time per write: straight (primary) vs forwarded (replica + primary)",
				Format.nanos(cpuPerRequest(straight, Block::primaryCpu)) + " vs "
						+ Format.nanos(cpuPerRequest(viaReplica, Block::replicaCpu)) + " + "
						+ Format.nanos(cpuPerRequest(viaReplica, Block::primaryCpu)));
		report.detail(String.format(Locale.ROOT,
				"`POST /api/posts` (a small JSON post; the primary inserts it into SQLite, rollback journal, "
						+ "`201` with the post) from one client thread, one request at a time. The replica runs "
						+ "`litefs.routing.strategy=forward` with "
						+ "`litefs.routing.forward.url-template=http://{primary}:<port>`, the primary's LiteFS hostname "
						+ "being `127.0.0.1`; the harness checks that a post sent to the replica is written by "
						+ "the primary. %d requests each way to warm up, in blocks taking turns, then %d pairs of "
						+ "blocks of %d, in the order A B, B A, ... (A = straight). CPU time per write: utime + stime "
						+ "of each JVM over the measured blocks ÷ writes.",
				settings.forwardWarmUp(), settings.pairs(), settings.forwardBlock()));
		report.detail("");
		report.detail("| block pair | straight p50 | straight p99 | forwarded p50 | forwarded p99 | p50 added |");
		report.detail("| ---: | ---: | ---: | ---: | ---: | ---: |");
		for (int i = 0; i < straight.size(); i++) {
			Latencies a = straight.get(i).latencies();
			Latencies b = viaReplica.get(i).latencies();
			report.detail(String.format(Locale.ROOT, "| %d | %s | %s | %s | %s | %s |", i + 1, Format.nanos(a.p50()),
					Format.nanos(a.p99()), Format.nanos(b.p50()), Format.nanos(b.p99()),
					Format.difference(b.p50() - a.p50())));
		}
		report.detail(String.format(Locale.ROOT, "| all | %s | %s | %s | %s | %s |", Format.nanos(direct.p50()),
				Format.nanos(direct.p99()), Format.nanos(forwarded.p50()), Format.nanos(forwarded.p99()),
				Format.difference(added)));
		return report;
	}

	/** A measured block: its latencies and what each JVM's CPU time grew by meanwhile. */
	private Block measured(HttpRequest request, SampleApp primary, SampleApp replica) {
		Duration primaryBefore = primary.cpuTime();
		Duration replicaBefore = replica.cpuTime();
		Latencies latencies = block(request, this.bench.settings().forwardBlock());
		return new Block(latencies, primary.cpuTime().minus(primaryBefore), replica.cpuTime().minus(replicaBefore));
	}

	private Latencies block(HttpRequest request, int count) {
		Latencies latencies = new Latencies();
		for (int i = 0; i < count; i++) {
			long start = System.nanoTime();
			HttpResponse<Void> response = send(request, HttpResponse.BodyHandlers.discarding());
			latencies.add(System.nanoTime() - start);
			if (response.statusCode() != 201) {
				throw new IllegalStateException(request.uri() + " answered " + response.statusCode());
			}
		}
		return latencies;
	}

	private void checkWrittenByThePrimary(HttpRequest request) {
		HttpResponse<String> response = send(request, HttpResponse.BodyHandlers.ofString());
		if (response.statusCode() != 201 || !response.body().contains("\"hostname\":\"" + PRIMARY + "\"")) {
			throw new IllegalStateException(request.uri() + " did not have the primary write the post: "
					+ response.statusCode() + " " + response.body());
		}
	}

	private <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> body) {
		try {
			return this.bench.client().send(request, body);
		}
		catch (IOException ex) {
			throw new IllegalStateException(request.uri() + " did not answer", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private static Latencies merged(List<Block> blocks) {
		Latencies all = new Latencies();
		blocks.forEach((block) -> all.addAll(block.latencies()));
		return all;
	}

	private static double cpuPerRequest(List<Block> blocks, Function<Block, Duration> cpu) {
		long nanos = blocks.stream().map(cpu).mapToLong(Duration::toNanos).sum();
		int requests = blocks.stream().mapToInt((block) -> block.latencies().count()).sum();
		return (double) nanos / requests;
	}

	/**
	 * One measured block of writes.
	 *
	 * @param latencies each write's latency
	 * @param primaryCpu the CPU time the primary's JVM used meanwhile
	 * @param replicaCpu the CPU time the replica's JVM used meanwhile
	 */
	private record Block(Latencies latencies, Duration primaryCpu, Duration replicaCpu) {

	}

}
