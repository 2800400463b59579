package dev.litefs.benchmarks;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

import dev.litefs.spring.node.Position;
import dev.litefs.spring.test.FakeLiteFsMount;

/**
 * Part 2: what the starter adds to every request. {@code GET /api/posts/{id}} with a
 * caught-up {@code __txid} cookie on a fake replica, the starter on, against the same
 * app with {@code litefs.enabled=false}: two JVMs with the same flags and the same
 * DataSource settings, loaded in turn, never at the same time. Only where part 6 cannot
 * run: with LiteFS on the machine, part 6 measures the same on a real replica's mount.
 */
final class RequestOverhead {

	/** The replica's TXID, which the cookie carries too: caught up. */
	private static final long TXID = 0x2a;

	private static final String TITLE = "2. Per-request overhead: the starter on vs `litefs.enabled=false`";

	private static final double TARGET_RATIO = 0.97;

	/** A block of the warm-up, after which the app's JIT compiling is looked at. */
	private static final Duration WARM_UP_BLOCK = Duration.ofSeconds(5);

	/** The longest warm-up of one app: past it the part measures what it has, and says so. */
	private static final Duration WARM_UP_LIMIT = Duration.ofSeconds(60);

	private final Bench bench;

	RequestOverhead(Bench bench) {
		this.bench = bench;
	}

	Report run() {
		if (RealCluster.missing(this.bench).isEmpty()) {
			return new Report(TITLE).comparison("measured on a real mount instead", "part 6, A against B")
				.detail("Not run: LiteFS is on this machine, so part 6 measures the same request with the starter on (B) "
						+ "and off (A) on a real replica's mount, with the same targets; every HTTP figure is taken on "
						+ "the real cluster when there is one. Without LiteFS, this part measures it on a fake mount.");
		}
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
			Load load = new Load(this.bench.vegeta(), settings.clientThreads());
			WarmUp warmOn = WarmUp.until(List.of(enabled), () -> load.run(onEnabled, WARM_UP_BLOCK), settings.warmUp(),
					settings.warmUpLimit(WARM_UP_LIMIT));
			WarmUp warmOff = WarmUp.until(List.of(disabled), () -> load.run(onDisabled, WARM_UP_BLOCK),
					settings.warmUp(), settings.warmUpLimit(WARM_UP_LIMIT));
			List<Round> on = new ArrayList<>();
			List<Round> off = new ArrayList<>();
			for (int pair = 0; pair < settings.pairs(); pair++) {
				// A B, then B A: a drift of the machine over the run weighs on both alike
				if (pair % 2 == 0) {
					on.add(Round.of(enabled, load, onEnabled, settings));
					off.add(Round.of(disabled, load, onDisabled, settings));
				}
				else {
					off.add(Round.of(disabled, load, onDisabled, settings));
					on.add(Round.of(enabled, load, onEnabled, settings));
				}
			}
			return report(settings, warmOn, warmOff, on, off);
		}
	}

	private Report report(Settings settings, WarmUp warmOn, WarmUp warmOff, List<Round> on, List<Round> off) {
		Report report = new Report(TITLE);
		double rateOn = median(on, Round::requestsPerSecond);
		double rateOff = median(off, Round::requestsPerSecond);
		double ratio = rateOn / rateOff;
		double cpuOn = median(on, Round::cpuPerRequest);
		double cpuOff = median(off, Round::cpuPerRequest);
		Latencies latenciesOn = merged(on);
		Latencies latenciesOff = merged(off);
		report.figure("requests/s, starter on ÷ off (median of the rounds)", Format.perSecond(rateOn) + " ÷ "
				+ Format.perSecond(rateOff) + " = " + Format.ratio(ratio), "≥ " + TARGET_RATIO, ratio >= TARGET_RATIO,
				"by " + Format.ratio(TARGET_RATIO - ratio) + "; the app's CPU per request, on − off, is "
						+ Format.difference(cpuOn - cpuOff));
		report.comparison("latency p50 / p99, starter on", Format.nanos(latenciesOn.p50()) + " / "
				+ Format.nanos(latenciesOn.p99()));
		report.comparison("latency p50 / p99, starter off", Format.nanos(latenciesOff.p50()) + " / "
				+ Format.nanos(latenciesOff.p99()));
		report.comparison("app's CPU time per request, on − off (median of the rounds)", Format.nanos(cpuOn) + " − "
				+ Format.nanos(cpuOff) + " = " + Format.difference(cpuOn - cpuOff));
		report.detail(String.format(Locale.ROOT,
				"`GET /api/posts/{id}` (one row by primary key, as JSON) with cookie `__txid=%s` (the replica's own TXID: "
						+ "caught up), a closed loop of %d Vegeta workers (rate 0); each app warmed up in blocks of %s, at least %s, until a "
						+ "block adds under " + WarmUp.QUIET_PERCENT + " %% of its length to its JIT compilation time (on: %s; off: %s); then %d pairs of %s "
						+ "rounds, in the order A B, B A, ... (A = on). Both JVMs run side by side, idle when not loaded. "
						+ "Same DataSource in both: `spring.datasource.url` to the app's own copy of the database, "
						+ "`hikari.maximum-pool-size=4`, `busy_timeout=5000`, `foreign_keys=true` "
						+ "(with LiteFS off there is no default DataSource). The client runs on the same cores: "
						+ "requests/s is what the machine serves, client included; the app's CPU time per request "
						+ "(utime + stime of its JVM over the round ÷ requests) is the server's part alone.",
				Position.toHex(TXID), settings.clientThreads(), Format.duration(WARM_UP_BLOCK),
				Format.duration(settings.warmUp()), warmOn.describe(), warmOff.describe(), settings.pairs(),
				Format.duration(settings.round())));
		report.detail("");
		report.detail("| pair | on: req/s | p50 | p99 | CPU/req | off: req/s | p50 | p99 | CPU/req | on ÷ off |");
		report.detail("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
		for (int i = 0; i < on.size(); i++) {
			Round a = on.get(i);
			Round b = off.get(i);
			report.detail(String.format(Locale.ROOT, "| %d | %s | %s | %s | %s | %s | %s | %s | %s | %s |", i + 1,
					Format.perSecond(a.requestsPerSecond()), Format.nanos(a.latencies().p50()),
					Format.nanos(a.latencies().p99()), Format.nanos(a.cpuPerRequest()),
					Format.perSecond(b.requestsPerSecond()), Format.nanos(b.latencies().p50()),
					Format.nanos(b.latencies().p99()), Format.nanos(b.cpuPerRequest()),
					Format.ratio(a.requestsPerSecond() / b.requestsPerSecond())));
		}
		report.detail(String.format(Locale.ROOT, "| all | %s | %s | %s | %s | %s | %s | %s | %s | %s |",
				Format.perSecond(rateOn), Format.nanos(latenciesOn.p50()), Format.nanos(latenciesOn.p99()),
				Format.nanos(cpuOn), Format.perSecond(rateOff), Format.nanos(latenciesOff.p50()),
				Format.nanos(latenciesOff.p99()), Format.nanos(cpuOff), Format.ratio(ratio)));
		report.detail("");
		report.detail("Requests/s and CPU per request of \"all\" are medians of the rounds; latencies are over every "
				+ "request of the rounds.");
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

	private static double median(List<Round> rounds, ToDoubleFunction<Round> value) {
		double[] values = rounds.stream().mapToDouble(value).sorted().toArray();
		int middle = values.length / 2;
		return (values.length % 2 == 1) ? values[middle] : (values[middle - 1] + values[middle]) / 2;
	}

	private static Latencies merged(List<Round> rounds) {
		Latencies all = new Latencies();
		rounds.forEach((round) -> all.addAll(round.latencies()));
		return all;
	}

	/**
	 * A closed loop of Vegeta workers sending one request again and again, every answer 200.
	 *
	 * @param vegeta the load generator
	 * @param workers how many requests are in flight
	 */
	private record Load(Vegeta vegeta, int workers) {

		Vegeta.Result run(HttpRequest request, Duration duration) {
			StringBuilder target = new StringBuilder("GET " + request.uri());
			request.headers().map().forEach((name, values) -> values.forEach((value) -> target.append('\n')
				.append(name)
				.append(": ")
				.append(value)));
			Vegeta.Result result = this.vegeta.attack(target.toString(), 0, this.workers, duration);
			if (result.failed() > 0) {
				throw new IllegalStateException(result.failed() + " answers of " + request.uri()
						+ " were not 2xx, the first: " + result.firstFailure());
			}
			return result;
		}

	}

	/**
	 * One measured round of load on one app.
	 *
	 * @param load what the clients measured
	 * @param cpu the CPU time the app's JVM used during the round
	 */
	private record Round(Vegeta.Result load, Duration cpu) {

		static Round of(SampleApp app, Load load, HttpRequest request, Settings settings) {
			Duration before = app.cpuTime();
			Vegeta.Result result = load.run(request, settings.round());
			return new Round(result, app.cpuTime().minus(before));
		}

		Latencies latencies() {
			return this.load.latencies();
		}

		double requestsPerSecond() {
			return this.load.requestsPerSecond();
		}

		double cpuPerRequest() {
			return (double) this.cpu.toNanos() / this.load.requests();
		}

	}

}
