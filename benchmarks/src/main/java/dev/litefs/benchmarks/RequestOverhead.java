package dev.litefs.benchmarks;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import dev.litefs.spring.node.Position;
import dev.litefs.spring.test.FakeLiteFsMount;

/**
 * Part 2: what the starter adds to every request. {@code GET /api/posts/{id}} with a
 * caught-up {@code __txid} cookie on a fake replica, the starter on, against the same
 * app with {@code litefs.enabled=false}: two JVMs with the same flags and the same
 * DataSource settings, loaded in turn, never at the same time.
 */
final class RequestOverhead {

	/** The replica's TXID, which the cookie carries too: caught up. */
	private static final long TXID = 0x2a;

	private static final double TARGET_RATIO = 0.97;

	private final Bench bench;

	RequestOverhead(Bench bench) {
		this.bench = bench;
	}

	Report run() {
		Settings settings = this.bench.settings();
		FakeLiteFsMount mount = FakeLiteFsMount.replicaOf(this.bench.directoryWithDatabase("overhead-enabled"),
				Bench.PRIMARY)
			.txid(TXID);
		Path plain = this.bench.directoryWithDatabase("overhead-disabled");
		try (SampleApp enabled = this.bench.start("overhead-enabled", Bench.withLiteFs(mount, Bench.REPLICA));
				SampleApp disabled = this.bench.start("overhead-disabled", Bench.withoutLiteFs(plain))) {
			HttpRequest onEnabled = read(enabled);
			HttpRequest onDisabled = read(disabled);
			checkAnswers(onEnabled);
			checkAnswers(onDisabled);
			HttpLoad load = new HttpLoad(this.bench.client(), settings.clientThreads());
			load.run(() -> onEnabled, 200, settings.warmUp());
			load.run(() -> onDisabled, 200, settings.warmUp());
			List<HttpLoad.Result> on = new ArrayList<>();
			List<HttpLoad.Result> off = new ArrayList<>();
			for (int pair = 0; pair < settings.pairs(); pair++) {
				// A B, then B A: a drift of the machine over the run weighs on both alike
				if (pair % 2 == 0) {
					on.add(load.run(() -> onEnabled, 200, settings.round()));
					off.add(load.run(() -> onDisabled, 200, settings.round()));
				}
				else {
					off.add(load.run(() -> onDisabled, 200, settings.round()));
					on.add(load.run(() -> onEnabled, 200, settings.round()));
				}
			}
			return report(settings, on, off);
		}
	}

	private Report report(Settings settings, List<HttpLoad.Result> on, List<HttpLoad.Result> off) {
		Report report = new Report("2. Per-request overhead: the starter on vs `litefs.enabled=false`");
		double rateOn = medianRate(on);
		double rateOff = medianRate(off);
		double ratio = rateOn / rateOff;
		Latencies latenciesOn = merged(on);
		Latencies latenciesOff = merged(off);
		report.figure("requests/s, starter on ÷ off (median of the rounds)", Format.perSecond(rateOn) + " ÷ "
				+ Format.perSecond(rateOff) + " = " + Format.ratio(ratio), "≥ " + TARGET_RATIO, ratio >= TARGET_RATIO);
		report.comparison("latency p50 / p99, starter on", Format.nanos(latenciesOn.p50()) + " / "
				+ Format.nanos(latenciesOn.p99()));
		report.comparison("latency p50 / p99, starter off", Format.nanos(latenciesOff.p50()) + " / "
				+ Format.nanos(latenciesOff.p99()));
		report.detail(String.format(Locale.ROOT,
				"`GET /api/posts/{id}` (one row by primary key, as JSON) with cookie `__txid=%s` (the replica's own TXID: "
						+ "caught up), %d client threads in a closed loop, %s of warm-up per app, then %d pairs of %s "
						+ "rounds, in the order A B, B A, ... (A = on). Both JVMs run side by side, idle when not loaded. "
						+ "Same DataSource in both: `spring.datasource.url` to the app's own copy of the database, "
						+ "`hikari.maximum-pool-size=4`, `busy_timeout=5000`, `foreign_keys=true` "
						+ "(with LiteFS off there is no default DataSource).",
				Position.toHex(TXID), settings.clientThreads(), Format.duration(settings.warmUp()), settings.pairs(),
				Format.duration(settings.round())));
		report.detail("");
		report.detail("| pair | on: req/s | on: p50 | on: p99 | off: req/s | off: p50 | off: p99 | on ÷ off |");
		report.detail("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
		for (int i = 0; i < on.size(); i++) {
			HttpLoad.Result a = on.get(i);
			HttpLoad.Result b = off.get(i);
			report.detail(String.format(Locale.ROOT, "| %d | %s | %s | %s | %s | %s | %s | %s |", i + 1,
					Format.perSecond(a.requestsPerSecond()), Format.nanos(a.latencies().p50()),
					Format.nanos(a.latencies().p99()), Format.perSecond(b.requestsPerSecond()),
					Format.nanos(b.latencies().p50()), Format.nanos(b.latencies().p99()),
					Format.ratio(a.requestsPerSecond() / b.requestsPerSecond())));
		}
		report.detail(String.format(Locale.ROOT,
				"| all | %s | %s | %s | %s | %s | %s | %s |", Format.perSecond(rateOn), Format.nanos(latenciesOn.p50()),
				Format.nanos(latenciesOn.p99()), Format.perSecond(rateOff), Format.nanos(latenciesOff.p50()),
				Format.nanos(latenciesOff.p99()), Format.ratio(ratio)));
		report.detail("");
		report.detail("Requests/s of \"all\" is the median of the rounds; latencies are over every request of the rounds.");
		return report;
	}

	private HttpRequest read(SampleApp app) {
		return HttpRequest.newBuilder(app.uri("/api/posts/" + this.bench.seed().postId()))
			.header("Cookie", "__txid=" + Position.toHex(TXID))
			.GET()
			.build();
	}

	private void checkAnswers(HttpRequest request) {
		try {
			HttpResponse<String> response = this.bench.client().send(request, HttpResponse.BodyHandlers.ofString());
			if (response.statusCode() != 200 || !response.body().contains("\"title\"")) {
				throw new IllegalStateException(request.uri() + " answered " + response.statusCode() + ": "
						+ response.body());
			}
		}
		catch (IOException ex) {
			throw new IllegalStateException(request.uri() + " did not answer", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private static double medianRate(List<HttpLoad.Result> results) {
		double[] rates = results.stream().mapToDouble(HttpLoad.Result::requestsPerSecond).sorted().toArray();
		int middle = rates.length / 2;
		return (rates.length % 2 == 1) ? rates[middle] : (rates[middle - 1] + rates[middle]) / 2;
	}

	private static Latencies merged(List<HttpLoad.Result> results) {
		Latencies all = new Latencies();
		results.forEach((result) -> all.addAll(result.latencies()));
		return all;
	}

}
