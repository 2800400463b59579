package dev.litefs.benchmarks;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

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
				List<Latencies> straight = new ArrayList<>();
				List<Latencies> viaReplica = new ArrayList<>();
				for (int pair = 0; pair < settings.pairs(); pair++) {
					if (pair % 2 == 0) {
						straight.add(block(direct, settings.forwardBlock()));
						viaReplica.add(block(forwarded, settings.forwardBlock()));
					}
					else {
						viaReplica.add(block(forwarded, settings.forwardBlock()));
						straight.add(block(direct, settings.forwardBlock()));
					}
				}
				return report(settings, straight, viaReplica);
			}
		}
	}

	private Report report(Settings settings, List<Latencies> straight, List<Latencies> viaReplica) {
		Latencies direct = merged(straight);
		Latencies forwarded = merged(viaReplica);
		long added = forwarded.p50() - direct.p50();
		Report report = new Report("4. Forwarding: a write sent to a `forward` replica vs straight to the primary");
		report.figure("p50 added by forwarding", Format.nanos(forwarded.p50()) + " − " + Format.nanos(direct.p50())
				+ " = " + Format.difference(added), "≤ +" + Format.nanos(TARGET_NANOS), added <= TARGET_NANOS);
		report.comparison("p99 forwarded − straight", Format.nanos(forwarded.p99()) + " − "
				+ Format.nanos(direct.p99()) + " = " + Format.difference(forwarded.p99() - direct.p99()));
		report.detail(String.format(Locale.ROOT,
				"`POST /api/posts` (a small JSON post; the primary inserts it into SQLite, rollback journal, "
						+ "`201` with the post) from one client thread, one request at a time. The replica runs "
						+ "`litefs.routing.strategy=forward` with "
						+ "`litefs.routing.forward.url-template=http://{primary}:<port>`, the primary's LiteFS hostname "
						+ "being `127.0.0.1`; the harness checks that a post sent to the replica is written by "
						+ "the primary. %d requests each way to warm up, then %d pairs of blocks of %d, in the order "
						+ "A B, B A, ... (A = straight).",
				settings.forwardWarmUp(), settings.pairs(), settings.forwardBlock()));
		report.detail("");
		report.detail("| block pair | straight p50 | straight p99 | forwarded p50 | forwarded p99 | p50 added |");
		report.detail("| ---: | ---: | ---: | ---: | ---: | ---: |");
		for (int i = 0; i < straight.size(); i++) {
			Latencies a = straight.get(i);
			Latencies b = viaReplica.get(i);
			report.detail(String.format(Locale.ROOT, "| %d | %s | %s | %s | %s | %s |", i + 1, Format.nanos(a.p50()),
					Format.nanos(a.p99()), Format.nanos(b.p50()), Format.nanos(b.p99()),
					Format.difference(b.p50() - a.p50())));
		}
		report.detail(String.format(Locale.ROOT, "| all | %s | %s | %s | %s | %s |", Format.nanos(direct.p50()),
				Format.nanos(direct.p99()), Format.nanos(forwarded.p50()), Format.nanos(forwarded.p99()),
				Format.difference(added)));
		return report;
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

	private static Latencies merged(List<Latencies> blocks) {
		Latencies all = new Latencies();
		blocks.forEach(all::addAll);
		return all;
	}

}
