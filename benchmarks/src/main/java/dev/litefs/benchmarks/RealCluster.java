package dev.litefs.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

import dev.litefs.spring.node.LiteFsMount;
import dev.litefs.spring.node.Position;
import dev.litefs.spring.test.cluster.LiteFsBinary;
import dev.litefs.spring.test.cluster.LiteFsCluster;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;

/**
 * Part 6: the same three ways of serving a replica, side by side on a real two-node
 * LiteFS cluster: A, the sample app on the replica's mount with {@code litefs.enabled=false};
 * B, the same app with the starter on; C, LiteFS's own proxy in front of A. The primary's
 * app (the starter on) takes the writes. Replica reads (closed-loop throughput with each
 * process's CPU per request, open-loop latency), the read-your-writes round trip and a
 * write sent to the replica are measured; then B and A are profiled with JFR under the
 * same load.
 */
final class RealCluster {

	private static final double TARGET_RATIO = 0.97;

	/** A block of the replica reads' warm-up, after which each JVM's JIT compiling is looked at. */
	private static final Duration WARM_UP_BLOCK = Duration.ofSeconds(5);

	/** The longest warm-up of one server: past it the part measures what it has, and says so. */
	private static final Duration WARM_UP_LIMIT = Duration.ofSeconds(60);

	/** The longest warm-up of the forwarded and straight writes. */
	private static final Duration WRITE_WARM_UP_LIMIT = Duration.ofSeconds(30);

	private static final double TARGET_CPU = 1.05;

	/** How many readings of {@code <db>-pos} are timed on the real mount, after as many to warm up. */
	private static final int POSITION_READS = 5_000;

	/** The starter's timer of the reads that waited for their {@code __txid} (its {@code ConsistencyFilter}). */
	private static final String CONSISTENCY_WAIT = "litefs.consistency.wait";

	/** The longest warm-up of the read-your-writes round trips. */
	private static final Duration ROUND_TRIP_WARM_UP_LIMIT = Duration.ofSeconds(30);

	private static final Duration REPLICATED = Duration.ofSeconds(30);

	private final Bench bench;

	RealCluster(Bench bench) {
		this.bench = bench;
	}

	Report run() throws Exception {
		Report report = new Report("6. On a real LiteFS cluster: no starter (A), the starter (B), LiteFS's proxy (C)");
		Optional<String> missing = missing(this.bench);
		if (missing.isPresent()) {
			return report.comparison("skipped", missing.get())
				.detail("Skipped: " + missing.get() + ". This part needs `/dev/fuse`, LiteFS (`scripts/install-litefs.sh`) "
						+ "and Vegeta (`benchmarks/install-vegeta.sh`); `benchmarks/run.sh` installs both when Go is there.");
		}
		Vegeta vegeta = this.bench.vegeta();
		RealSettings settings = this.bench.settings().quickRun() ? RealSettings.QUICK : RealSettings.FULL;
		// C is LiteFS's proxy in front of A's JVM: one app, reached straight (A) or through
		// the proxy (C), so that C ÷ A is the proxy's own cost, and C needs no JVM warmed
		int proxiedPort = SampleApp.freePort();
		try (LiteFsCluster cluster = LiteFsCluster.builder()
			.hostnames("127.0.0.1", Bench.REPLICA)
			.proxy(Bench.REPLICA, "app.db", proxiedPort)
			.start(); SampleApp primary = this.bench.start("real-primary", onNode(cluster.primary()))) {
			long postId = Long.parseLong(location(write(primary.uri("/api/posts"))).replaceAll(".*/", ""));
			long txid = cluster.awaitReplicated("app.db", REPLICATED);
			LiteFsCluster.Node replica = cluster.node(1);
			sqliteSettings(report, replica.mountDir().resolve("app.db"));
			Map<String, String> starter = onNode(replica);
			starter.put("litefs.routing.strategy", "forward");
			starter.put("litefs.routing.forward.url-template", "http://{primary}:" + primary.port());
			Map<String, String> plain = Bench.withoutLiteFs(replica.mountDir());
			plain.put("spring.flyway.enabled", "false");
			Map<String, String> virtual = new LinkedHashMap<>(starter);
			virtual.put(Bench.VIRTUAL_THREADS, "true");
			try (SampleApp on = this.bench.start("real-on", starter);
					SampleApp off = this.bench.start("real-off", plain, proxiedPort);
					SampleApp onVirtual = Bench.hasVirtualThreads() ? this.bench.start("real-on-virtual", virtual)
							: null) {
				String cookie = "Cookie: __txid=" + Position.toHex(txid);
				String path = "/api/posts/" + postId;
				List<Server> servers = new ArrayList<>(List.of(new Server("A, off", off.uri(path), off, replica.pid()),
						new Server("B, on", on.uri(path), on, replica.pid()),
						new Server("C, proxy", replica.proxyUrl().resolve(path), off, replica.pid())));
				if (onVirtual != null) {
					servers.add(new Server("D, on, virtual threads", onVirtual.uri(path), onVirtual, replica.pid()));
				}
				reads(report, vegeta, servers, cookie, settings, this.bench.settings().warmUpLimit(WARM_UP_LIMIT));
				roundTrips(report, primary, servers, replica.mountDir(), settings);
				writes(report, primary, on, postId, settings);
				profiles(report, vegeta, servers, on, off, cookie, settings);
				roleChanges(report, cluster, Map.of(replica, on, cluster.primary(), primary));
				report.detail("");
				report.detail(String.format(Locale.ROOT, "The cluster: %s, two nodes on loopback with a static "
						+ "lease, FUSE mounts; the apps run on Java %s with the same JVM flags and DataSource settings as "
						+ "the other parts, on the replica's mount (`%s`). Load from Vegeta %s on the same two cores.",
						cluster.binary().version(), Runtime.version(), replica.mountDir(), Vegeta.VERSION));
				report.detail("");
				report.detail((onVirtual != null) ? "D is B's app with `" + Bench.VIRTUAL_THREADS + "=true`: Tomcat "
						+ "serves each request on a virtual thread; B, C and A serve on Tomcat's platform threads."
						: Bench.noVirtualThreads());
			}
		}
		return report;
	}

	/**
	 * What this machine lacks for a real cluster, if anything.
	 * @param bench the benchmark run, whose logs folder holds a built Vegeta
	 * @return what is missing, or empty when this part can run
	 */
	static Optional<String> missing(Bench bench) {
		if (!Files.exists(Path.of("/dev/fuse"))) {
			return Optional.of("no /dev/fuse");
		}
		if (LiteFsBinary.find().isEmpty()) {
			return Optional.of("no LiteFS binary");
		}
		if (Vegeta.find(bench.logs()).isEmpty()) {
			return Optional.of("no Vegeta binary");
		}
		return Optional.empty();
	}

	/**
	 * One post read by SQLite alone, on the replica's mount as the SQLite settings vary,
	 * and on a copy of the database in a plain folder: what the file system costs a read.
	 */
	private void sqliteSettings(Report report, Path database) throws IOException, RunnerException {
		Path plain = this.bench.directory("sqlite-plain").resolve("app.db");
		Files.copy(database, plain);
		Settings settings = this.bench.settings();
		Map<String, Double> onMount = jmh(settings, new String[] { database.toString() }, null);
		Map<String, Double> inPlainFolder = jmh(settings, new String[] { plain.toString() },
				Map.of("cacheSize", "-2000", "mmapSize", "0", "readOnly", "false"));
		double plainRate = inPlainFolder.values().iterator().next();
		String defaults = "-2000, 0, false";
		double best = onMount.values().stream().mapToDouble(Double::doubleValue).max().orElseThrow();
		report.comparison("SQLite reads/s on the mount (one thread, each read its own transaction): default settings "
				+ "vs the best tried vs a plain folder", Format.perSecond(onMount.get(defaults)) + " vs "
						+ Format.perSecond(best) + " vs " + Format.perSecond(plainRate));
		report.detail(String.format(Locale.ROOT, "**SQLite on the mount.** `SqliteReadBenchmark` (JMH, 1 fork, %d "
				+ "warm-up and %d measured iterations of %s, one thread): the sample app's read of one post by id on "
				+ "one sqlite-jdbc connection, each read its own transaction, on the replica's LiteFS mount as "
				+ "`cache_size`, `mmap_size` and a read-only connection vary, and on a copy of the database in a "
				+ "plain folder (`%s`) with SQLite's defaults.", settings.jmhWarmupIterations(), settings.jmhIterations(),
				Format.duration(settings.jmhIterationTime()), BenchmarkSuite.fileSystem(plain)));
		report.detail("");
		report.detail("| `cache_size`, `mmap_size`, read-only | reads/s on the mount | ÷ defaults |");
		report.detail("| --- | ---: | ---: |");
		onMount.forEach((params, rate) -> report.detail(String.format(Locale.ROOT, "| %s | %s | %s |", params,
				Format.perSecond(rate), Format.ratio(rate / onMount.get(defaults)))));
		report.detail(String.format(Locale.ROOT, "| plain folder, defaults | %s | %s |", Format.perSecond(plainRate),
				Format.ratio(plainRate / onMount.get(defaults))));
		report.detail("");
	}

	/** Runs {@link SqliteReadBenchmark}: reads per second by its parameters, {@code cacheSize, mmapSize, readOnly}. */
	private static Map<String, Double> jmh(Settings settings, String[] databases, Map<String, String> fixed)
			throws RunnerException {
		ChainedOptionsBuilder options = settings.jmh(SqliteReadBenchmark.class).param("database", databases);
		if (fixed != null) {
			fixed.forEach(options::param);
		}
		Map<String, Double> rates = new LinkedHashMap<>();
		for (RunResult result : new Runner(options.build()).run()) {
			BenchmarkParams params = result.getParams();
			rates.put(params.getParam("cacheSize") + ", " + params.getParam("mmapSize") + ", "
					+ params.getParam("readOnly"), result.getPrimaryResult().getScore());
		}
		return rates;
	}

	/** The starter on a node of the cluster, asking that node's LiteFS API. */
	static Map<String, String> onNode(LiteFsCluster.Node node) {
		Map<String, String> properties = Bench.dataSource(node.mountDir());
		properties.put("litefs.mount-dir", node.mountDir().toString());
		properties.put("litefs.database", "app.db");
		properties.put("litefs.hostname", node.hostname());
		properties.put("litefs.api-url", node.apiUrl().toString());
		return properties;
	}

	/** Replica reads: closed-loop rounds in a rotating order, then one open-loop run each. */
	private static void reads(Report report, Vegeta vegeta, List<Server> servers, String cookie,
			RealSettings settings, Duration warmUpLimit) {
		Map<Server, WarmUp> warmUps = new LinkedHashMap<>();
		for (Server server : servers) {
			// C's JVM is A's, warm already: it gets blocks only until the proxy's path is compiled
			boolean warm = warmUps.keySet().stream().anyMatch((warmed) -> warmed.app() == server.app());
			warmUps.put(server, WarmUp.until(List.of(server.app()),
					() -> vegeta.attack(server.target(cookie), 0, settings.workers(), WARM_UP_BLOCK),
					warm ? Duration.ZERO : settings.warmUp(), warmUpLimit));
		}
		Map<Server, List<Round>> rounds = new LinkedHashMap<>();
		servers.forEach((server) -> rounds.put(server, new ArrayList<>()));
		for (int round = 0; round < settings.rounds(); round++) {
			for (int i = 0; i < servers.size(); i++) {
				Server server = servers.get((round + i) % servers.size());
				rounds.get(server).add(Round.of(server, () -> vegeta.attack(server.target(cookie), 0, settings.workers(),
						settings.round())));
			}
		}
		Map<Server, Vegeta.Result> open = new LinkedHashMap<>();
		for (Server server : servers) {
			open.put(server, vegeta.attack(server.target(cookie), settings.rate(), settings.workers() * 8,
					settings.round()));
		}
		List<Round> a = rounds.get(servers.get(0));
		List<Round> b = rounds.get(servers.get(1));
		List<Round> c = rounds.get(servers.get(2));
		List<Double> throughput = ratios(b, a, Round::requestsPerSecond);
		List<Double> cpu = ratios(b, a, Round::appCpuPerRequest);
		double ratio = median(throughput);
		double cpuRatio = median(cpu);
		report.figure("replica reads/s, B ÷ A (median of the rounds' ratios; the ratios' range)",
				Format.ratio(ratio) + " (" + range(throughput) + "; medians of the rounds "
						+ Format.perSecond(median(b, Round::requestsPerSecond)) + " ÷ "
						+ Format.perSecond(median(a, Round::requestsPerSecond)) + ")",
				"≥ " + TARGET_RATIO, ratio >= TARGET_RATIO, drift(ratio - TARGET_RATIO, throughput));
		report.figure("app's CPU per replica read, B ÷ A (median of the rounds' ratios; the ratios' range)",
				Format.ratio(cpuRatio) + " (" + range(cpu) + "; medians of the rounds "
						+ Format.nanos(median(b, Round::appCpuPerRequest)) + " vs "
						+ Format.nanos(median(a, Round::appCpuPerRequest)) + ")",
				"≤ " + TARGET_CPU, cpuRatio <= TARGET_CPU, drift(cpuRatio - TARGET_CPU, cpu));
		report.comparison("replica reads/s, C ÷ A (median of the rounds' ratios)",
				Format.ratio(median(ratios(c, a, Round::requestsPerSecond))));
		if (servers.size() > 3) {
			List<Round> d = rounds.get(servers.get(3));
			report.comparison("replica reads/s and app's CPU per read, D (virtual threads) ÷ B (medians of the rounds' "
					+ "ratios)", Format.ratio(median(ratios(d, b, Round::requestsPerSecond))) + " and "
							+ Format.ratio(median(ratios(d, b, Round::appCpuPerRequest))));
		}
		report.comparison("open-loop p50 / p99 at " + settings.rate() + "/s, " + letters(servers),
				String.join(" · ", servers.stream()
					.map((server) -> Format.nanos(open.get(server).percentile(50)) + " / "
							+ Format.nanos(open.get(server).percentile(99)))
					.toList()));
		report.detail(String.format(Locale.ROOT,
				"**Replica reads.** `GET /api/posts/{id}` with a caught-up `__txid` cookie. Closed loop: Vegeta at "
						+ "rate 0 with %d workers; each server is warmed up in blocks of %s, at least %s, until a block adds "
						+ "under " + WarmUp.QUIET_PERCENT + " %% of its length to its app's JIT compilation time (%s); then %d rounds of %s in a rotating order (A B C, B C "
						+ "A, ...); CPU per request is the process's CPU time over the round (`ProcessHandle`) ÷ requests. "
						+ "C is LiteFS's proxy in front of A's own JVM, so C's warm-up is short and its app CPU is A's JVM's "
						+ "over C's rounds. A round's servers run back to back, so B ÷ A is taken within each round and "
						+ "the median of those ratios is the figure: the machine's drift from round to round, which moves all "
						+ "servers alike, cancels out. Open loop: %d requests/s for %s each, latency "
						+ "from when Vegeta was due to send (no coordinated omission), percentiles by HdrHistogram.",
				settings.workers(), Format.duration(WARM_UP_BLOCK), Format.duration(settings.warmUp()),
				String.join("; ", servers.stream().map((server) -> server.name() + ": " + warmUps.get(server).describe()).toList()),
				settings.rounds(),
				Format.duration(settings.round()), settings.rate(), Format.duration(settings.round())));
		report.detail("");
		report.detail("| server | reads/s | app CPU/read | LiteFS CPU/read | open loop p50 | p99 | p99.9 | max | not 2xx |");
		report.detail("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
		for (Server server : servers) {
			List<Round> each = rounds.get(server);
			Vegeta.Result latency = open.get(server);
			long failed = latency.failed() + each.stream().mapToLong((round) -> round.load().failed()).sum();
			report.detail(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s | %d |", server.name(),
					Format.perSecond(median(each, Round::requestsPerSecond)),
					Format.nanos(median(each, Round::appCpuPerRequest)),
					Format.nanos(median(each, Round::liteFsCpuPerRequest)), Format.nanos(latency.percentile(50)),
					Format.nanos(latency.percentile(99)), Format.nanos(latency.percentile(99.9)),
					Format.nanos(latency.latencies().max()), failed));
		}
		report.detail("");
		report.detail("Reads/s and CPU are medians of the rounds; per round:");
		report.detail("");
		report.detail("| round | " + String.join(" | ", servers.stream().map((s) -> s.name() + ": reads/s, app CPU/read").toList())
				+ " |");
		report.detail("| ---: |" + " ---: |".repeat(servers.size()));
		for (int round = 0; round < settings.rounds(); round++) {
			StringBuilder row = new StringBuilder("| " + (round + 1) + " |");
			for (Server server : servers) {
				Round each = rounds.get(server).get(round);
				row.append(' ')
					.append(Format.perSecond(each.requestsPerSecond()))
					.append(", ")
					.append(Format.nanos(each.appCpuPerRequest()))
					.append(" |");
			}
			report.detail(row.toString());
		}
	}

	/**
	 * Read-your-writes: a write on the primary, then at once a read of it on the replica
	 * carrying the write's {@code __txid} cookie; the read's time is from the write's answer
	 * to the read's. The servers take turns, each after its own write.
	 */
	private void roundTrips(Report report, SampleApp primary, List<Server> servers, Path mountDir,
			RealSettings settings) throws IOException, InterruptedException {
		// B's waiting path (held, then dispatched again) ran in none of the reads before:
		// it gets round trips until its JIT compiler is done with them, as do the others
		List<SampleApp> apps = new ArrayList<>(List.of(primary));
		servers.stream().map(Server::app).distinct().forEach(apps::add);
		Server starterServer = servers.get(1);
		WarmUp warmUp = WarmUp.until(apps, () -> {
			for (int i = 0; i < settings.roundTrips() / 3; i++) {
				servers.forEach((server) -> roundTrip(primary, server, true));
				roundTrip(primary, starterServer, false);
			}
		}, Duration.ZERO, this.bench.settings().warmUpLimit(ROUND_TRIP_WARM_UP_LIMIT));
		Map<Server, Latencies> reads = new LinkedHashMap<>();
		Map<Server, Integer> stale = new LinkedHashMap<>();
		servers.forEach((server) -> {
			reads.put(server, new Latencies());
			stale.put(server, 0);
		});
		// B's read of the fresh post without the cookie: B's JVM and its node as they are,
		// the consistency filter with nothing to check
		Latencies bareReads = new Latencies();
		int bareStale = 0;
		SampleApp starter = starterServer.app();
		double waitsBefore = starter.statistic(CONSISTENCY_WAIT, "COUNT");
		double waitedBefore = starter.statistic(CONSISTENCY_WAIT, "TOTAL_TIME");
		for (int i = 0; i < settings.roundTrips(); i++) {
			for (Server server : servers) {
				RoundTrip trip = roundTrip(primary, server, true);
				reads.get(server).add(trip.nanos());
				if (!trip.sawTheWrite()) {
					stale.merge(server, 1, Integer::sum);
				}
			}
			RoundTrip bare = roundTrip(primary, starterServer, false);
			bareReads.add(bare.nanos());
			bareStale += bare.sawTheWrite() ? 0 : 1;
		}
		long waits = Math.round(starter.statistic(CONSISTENCY_WAIT, "COUNT") - waitsBefore);
		Latencies positionReads = positionReads(mountDir);
		double meanWait = (waits == 0) ? 0
				: (starter.statistic(CONSISTENCY_WAIT, "TOTAL_TIME") - waitedBefore) * 1e9 / waits;
		Latencies a = reads.get(servers.get(0));
		Latencies b = reads.get(servers.get(1));
		Latencies c = reads.get(servers.get(2));
		String waitedText = (waits == 0)
				? String.format(Locale.ROOT, "none of B's %d reads found the replica short of the write's TXID",
						settings.roundTrips())
				: String.format(Locale.ROOT, "%d of B's %d reads found the replica short of the write's TXID and "
						+ "waited, %s on average", waits, settings.roundTrips(), Format.nanos(meanWait));
		String why = waitedText + "; B's same read without the cookie takes " + Format.nanos(bareReads.percentile(50))
				+ " (p50); a read whose cookie is ahead of the node's last `tx` event reads `<db>-pos` through FUSE "
				+ "first, " + Format.nanos(positionReads.p50()) + " at p50 on this mount";
		report.figure("read-your-writes read on the replica, p50: B vs C (LiteFS's proxy)",
				Format.nanos(b.percentile(50)) + " vs " + Format.nanos(c.percentile(50)), "B ≤ C",
				b.percentile(50) <= c.percentile(50),
				"by " + Format.difference(b.percentile(50) - c.percentile(50)) + "; " + why);
		double waited = b.percentile(50) - a.percentile(50);
		report.figure("read-your-writes read on the replica, p50: B − A (the same read, not waiting)",
				Format.nanos(b.percentile(50)) + " − " + Format.nanos(a.percentile(50)) + " = " + Format.difference(waited),
				"≤ +200 µs", waited <= 200_000, "by " + Format.difference(waited - 200_000) + "; " + why);
		report.comparison("read-your-writes reads of B that waited for their TXID (`" + CONSISTENCY_WAIT
				+ "`), and their mean wait", waits + " of " + settings.roundTrips() + ", " + Format.nanos(meanWait));
		report.comparison("read-your-writes round trip to B without the cookie, p50 (reads that missed the write)",
				Format.nanos(bareReads.percentile(50)) + " (" + bareStale + " of " + settings.roundTrips() + ")");
		report.comparison("reading `<db>-pos` on the replica's mount (`LiteFsMount.readPosition()`), p50 / p99",
				Format.nanos(positionReads.p50()) + " / " + Format.nanos(positionReads.p99()));
		if (servers.size() > 3) {
			Latencies d = reads.get(servers.get(3));
			report.comparison("read-your-writes read on the replica, p50 / p99: D (virtual threads) vs B",
					Format.nanos(d.percentile(50)) + " / " + Format.nanos(d.percentile(99)) + " vs "
							+ Format.nanos(b.percentile(50)) + " / " + Format.nanos(b.percentile(99)));
		}
		report.comparison("read-your-writes reads that missed the write: " + letters(servers), String.join(" / ",
				servers.stream().map((server) -> stale.get(server) + " of " + settings.roundTrips()).toList()));
		report.detail("");
		report.detail(String.format(Locale.ROOT, "**Read-your-writes round trip.** %d times for each server, in turns: "
				+ "`POST /api/posts` to the primary's app, then at once `GET` of that post on the replica with the "
				+ "write's `__txid` cookie (A ignores it); after each turn, one more to B whose read carries no "
				+ "cookie. Time from the write's answer to the read's; a read that "
				+ "is not `200` did not see the write. Before, round trips in blocks of %d per server until a block "
				+ "adds under " + WarmUp.QUIET_PERCENT + " %% of its length to every app's JIT compilation time (%s): "
				+ "B's waiting path, a request held and then dispatched again, ran in none of the reads before.",
				settings.roundTrips(), settings.roundTrips() / 3, warmUp.describe()));
		report.detail("");
		report.detail("| server | p50 | p90 | p99 | max | missed the write |");
		report.detail("| --- | ---: | ---: | ---: | ---: | ---: |");
		for (Server server : servers) {
			tripRow(report, server.name(), reads.get(server), stale.get(server));
		}
		tripRow(report, "B, on, without the cookie", bareReads, bareStale);
	}

	/** The servers' letters, {@code A / B / C}. */
	private static String letters(List<Server> servers) {
		return String.join(" / ", servers.stream().map((server) -> server.name().substring(0, 1)).toList());
	}

	private static void tripRow(Report report, String name, Latencies reads, int stale) {
		report.detail(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %d |", name,
				Format.nanos(reads.percentile(50)), Format.nanos(reads.percentile(90)),
				Format.nanos(reads.percentile(99)), Format.nanos(reads.max()), stale));
	}

	/**
	 * One read-your-writes round trip: a write on the primary, then at once its read on
	 * this server with the write's cookie.
	 * @return how long it took and whether the read saw the write
	 */
	private RoundTrip roundTrip(SampleApp primary, Server server, boolean withCookie) {
		try {
			HttpResponse<String> written = write(primary.uri("/api/posts"));
			long answered = System.nanoTime();
			String cookie = written.headers()
				.allValues("Set-Cookie")
				.stream()
				.filter((header) -> header.startsWith("__txid="))
				.findFirst()
				.orElseThrow(() -> new IllegalStateException("The primary's write set no __txid cookie"))
				.split(";")[0];
			URI read = server.uri().resolve("/api/posts/" + location(written).replaceAll(".*/", ""));
			HttpRequest.Builder request = HttpRequest.newBuilder(read);
			if (withCookie) {
				request.header("Cookie", cookie);
			}
			HttpResponse<Void> answer = this.bench.client().send(request.build(), HttpResponse.BodyHandlers.discarding());
			return new RoundTrip(System.nanoTime() - answered, answer.statusCode() == 200);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/** A write sent to the replica's app, which forwards it, against the same write sent to the primary. */
	private void writes(Report report, SampleApp primary, SampleApp on, long postId, RealSettings settings)
			throws IOException, InterruptedException {
		// both paths until the two JVMs' JIT compilers are done with them (B's forwarding
		// path had no load before)
		WarmUp warmUp = WarmUp.until(List.of(on, primary), () -> {
			try {
				writeBlock(on.uri("/api/posts"), new Latencies(), settings);
				writeBlock(primary.uri("/api/posts"), new Latencies(), settings);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
		}, Duration.ZERO, this.bench.settings().warmUpLimit(WRITE_WARM_UP_LIMIT));
		Latencies forwarded = new Latencies();
		Latencies straight = new Latencies();
		Latencies exchange = new Latencies();
		Duration forwardedCpu = Duration.ZERO;
		Duration straightCpu = Duration.ZERO;
		for (int block = 0; block < settings.writeBlocks(); block++) {
			forwardedCpu = forwardedCpu.plus(writeBlock(on.uri("/api/posts"), forwarded, settings, on.pid(), primary.pid()));
			straightCpu = straightCpu.plus(writeBlock(primary.uri("/api/posts"), straight, settings, primary.pid()));
			readBlock(on.uri("/api/posts/" + postId), exchange, settings);
		}
		double added = forwarded.percentile(50) - straight.percentile(50);
		report.figure("p50 added by forwarding a write (B) over sending it straight to the primary",
				Format.nanos(forwarded.percentile(50)) + " − " + Format.nanos(straight.percentile(50)) + " = "
						+ Format.difference(added),
				"≤ +" + Format.nanos(ForwardingOverhead.TARGET_NANOS), added <= ForwardingOverhead.TARGET_NANOS,
				ForwardingOverhead.whyMissed(added, exchange.percentile(50)));
		report.comparison("one exchange with B alone (a `GET` of a post it serves itself), p50: the least a second "
				+ "HTTP hop costs", Format.nanos(exchange.percentile(50)));
		report.detail("");
		report.detail(String.format(Locale.ROOT, "**A write sent to the replica.** `POST /api/posts` to B, which "
				+ "forwards it to the primary's app (`litefs.routing.strategy=forward`), against the same write sent "
				+ "straight to the primary: one client; warm-up in blocks of %d writes each way until a block adds under " + WarmUp.QUIET_PERCENT + " %% of "
				+ "its length to both JVMs' JIT compilation time (%s); then %d blocks of %d writes each way, in turns, "
				+ "each followed by as many `GET`s of a post on B, which B answers itself: one HTTP exchange through a "
				+ "Spring MVC app on these cores, which a forwarded write pays on top of the primary's. CPU is of both apps' "
				+ "JVMs when forwarded, of the primary's when straight. C cannot take part: without Fly, LiteFS's proxy "
				+ "answers a replica's write with `Fly-Replay` and does not forward it.", settings.writeBlock(),
				warmUp.describe(), settings.writeBlocks(),
				settings.writeBlock()));
		report.detail("");
		report.detail("| write | p50 | p99 | max | CPU per write |");
		report.detail("| --- | ---: | ---: | ---: | ---: |");
		long count = (long) settings.writeBlocks() * settings.writeBlock();
		report.detail(String.format(Locale.ROOT, "| forwarded by B | %s | %s | %s | %s |",
				Format.nanos(forwarded.percentile(50)), Format.nanos(forwarded.percentile(99)),
				Format.nanos(forwarded.max()), Format.nanos((double) forwardedCpu.toNanos() / count)));
		report.detail(String.format(Locale.ROOT, "| straight to the primary | %s | %s | %s | %s |",
				Format.nanos(straight.percentile(50)), Format.nanos(straight.percentile(99)),
				Format.nanos(straight.max()), Format.nanos((double) straightCpu.toNanos() / count)));
	}

	private void readBlock(URI uri, Latencies latencies, RealSettings settings) throws IOException, InterruptedException {
		HttpRequest read = HttpRequest.newBuilder(uri).build();
		for (int i = 0; i < settings.writeBlock(); i++) {
			long start = System.nanoTime();
			HttpResponse<Void> answer = this.bench.client().send(read, HttpResponse.BodyHandlers.discarding());
			latencies.add(System.nanoTime() - start);
			if (answer.statusCode() != 200) {
				throw new IllegalStateException(uri + " answered " + answer.statusCode());
			}
		}
	}

	private Duration writeBlock(URI uri, Latencies latencies, RealSettings settings, long... pids)
			throws IOException, InterruptedException {
		Duration before = ProcessCpu.total(pids);
		for (int i = 0; i < settings.writeBlock(); i++) {
			long start = System.nanoTime();
			write(uri);
			latencies.add(System.nanoTime() - start);
		}
		return ProcessCpu.total(pids).minus(before);
	}

	/** B and A under the same closed-loop load, each with a JFR recording: where their CPU goes. */
	private void profiles(Report report, Vegeta vegeta, List<Server> servers, SampleApp on, SampleApp off,
			String cookie, RealSettings settings) {
		Path folder = this.bench.logs().resolveSibling("jfr");
		Map<String, Profile> profiles = new LinkedHashMap<>();
		for (SampleApp app : List.of(on, off)) {
			Server server = servers.get(app == on ? 1 : 0);
			profiles.put(server.name(), Profile.record(app.pid(), folder.resolve(app.name() + ".jfr"),
					() -> vegeta.attack(server.target(cookie), 0, settings.workers(), settings.round())));
		}
		Profile b = profiles.get(servers.get(1).name());
		report.comparison("share of B's Java CPU samples in the starter's code (not counting the request it passes on)",
				Format.percent(b.share("dev.litefs.spring.")));
		report.detail("");
		report.detail(String.format(Locale.ROOT, "**Where the CPU goes.** JFR (`settings=profile`) on each app for "
				+ "one closed-loop round of %s; the frames that were on top of the most execution samples (the "
				+ "recordings are in `benchmarks/target/work/jfr/`). Samples in the starter's own code "
				+ "(a `dev.litefs.spring` frame on the stack above any `FilterChain.doFilter` or `MethodInvocation.proceed` "
				+ "through which it hands the request on): B %s. JFR samples threads running Java; time in native code "
				+ "(SQLite, sockets) is not in these tables.", Format.duration(settings.round()), Format.percent(b.share("dev.litefs.spring."))));
		profiles.forEach((name, profile) -> {
			report.detail("");
			report.detail("| " + name + ": top frame | samples |");
			report.detail("| --- | ---: |");
			profile.top(10).forEach((frame, share) -> report.detail("| `" + frame + "` | " + Format.percent(share) + " |"));
		});
	}

	/**
	 * The cluster's primary moves to the replica and back (LiteFS restarted with the other
	 * node in its static lease): how long after the new primary's mount shows it (the mount
	 * answers, its {@code .primary} is gone) the app on it says {@code primary} in
	 * {@code /actuator/litefs}.
	 */
	private void roleChanges(Report report, LiteFsCluster cluster, Map<LiteFsCluster.Node, SampleApp> apps)
			throws Exception {
		List<String> seen = new ArrayList<>();
		for (LiteFsCluster.Node node : List.of(cluster.node(1), cluster.node(0))) {
			SampleApp app = apps.get(node);
			Thread promotion = new Thread(() -> cluster.promote(node), "promote-" + node.hostname());
			promotion.start();
			long reported = awaitNanos(() -> Files.exists(node.mountDir().resolve("app.db"))
					&& !Files.exists(node.mountDir().resolve(".primary")));
			long known = awaitNanos(() -> role(app).equals("primary"));
			promotion.join();
			seen.add(node.hostname() + " " + Format.difference(known - reported));
		}
		report.comparison("role change seen by the app after the mount shows it (two promotions)",
				String.join(", ", seen));
		report.detail("");
		report.detail("**Role changes.** The primary moves to the replica, then back: LiteFS is restarted on "
				+ "both nodes with the other node in the static lease (`LiteFsCluster.promote`). Measured from the "
				+ "moment the new primary's mount holds the database with no `.primary` (polled every millisecond) "
				+ "to the first `/actuator/litefs` of its app that says `primary` (polled likewise): "
				+ String.join(", ", seen) + ". The app also saw its mount go and come back meanwhile.");
	}

	/** Polls every millisecond, for 60 s at most, until the condition holds: the {@link System#nanoTime} then. */
	private static long awaitNanos(BooleanSupplier condition) throws InterruptedException {
		long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
		while (System.nanoTime() - deadline < 0) {
			if (condition.getAsBoolean()) {
				return System.nanoTime();
			}
			Thread.sleep(1);
		}
		throw new IllegalStateException("Not seen within 60 s");
	}

	private String role(SampleApp app) {
		try {
			HttpResponse<String> answer = this.bench.client()
				.send(HttpRequest.newBuilder(app.uri("/actuator/litefs")).timeout(Duration.ofSeconds(2)).build(),
						HttpResponse.BodyHandlers.ofString());
			return answer.body().contains("\"role\":\"primary\"") ? "primary" : "other";
		}
		catch (IOException ex) {
			return "unreachable";
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return "interrupted";
		}
	}

	private HttpResponse<String> write(URI uri) throws IOException, InterruptedException {
		HttpResponse<String> written = this.bench.client()
			.send(HttpRequest.newBuilder(uri)
				.header("Content-Type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString(Seed.POST_JSON))
				.build(), HttpResponse.BodyHandlers.ofString());
		if (written.statusCode() != 201) {
			throw new IllegalStateException(uri + " answered a write with " + written.statusCode() + ": " + written.body());
		}
		return written;
	}

	private static String location(HttpResponse<String> written) {
		return written.headers().firstValue("Location").orElseThrow();
	}

	private static double median(List<Round> rounds, ToDoubleFunction<Round> value) {
		return median(rounds.stream().map(value::applyAsDouble).toList());
	}

	private static double median(List<Double> values) {
		double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
		int middle = sorted.length / 2;
		return (sorted.length % 2 == 1) ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
	}

	/** Round by round, a value of one server's round divided by the same of another's in the same round. */
	private static List<Double> ratios(List<Round> rounds, List<Round> base, ToDoubleFunction<Round> value) {
		List<Double> ratios = new ArrayList<>();
		for (int i = 0; i < rounds.size(); i++) {
			ratios.add(value.applyAsDouble(rounds.get(i)) / value.applyAsDouble(base.get(i)));
		}
		return ratios;
	}

	/**
	 * Times the starter's reading of the position file on a real mount, as its
	 * consistency filter does when a cookie is ahead of the node's last reading.
	 */
	private static Latencies positionReads(Path mountDir) {
		LiteFsMount mount = new LiteFsMount(mountDir, "app.db");
		Latencies reads = new Latencies();
		for (int i = 0; i < POSITION_READS * 2; i++) {
			long start = System.nanoTime();
			mount.readPosition().orElseThrow();
			if (i >= POSITION_READS) {
				// the first half warms the code up
				reads.add(System.nanoTime() - start);
			}
		}
		return reads;
	}

	/** Why a ratio of B to A missed its target by this much: the rounds' own spread. */
	private static String drift(double by, List<Double> ratios) {
		return String.format(Locale.ROOT, "by %s; the rounds' own ratios range over %s, wider than the margin, "
				+ "as each round runs B and A one after the other on the same cores", Format.ratio(Math.abs(by)),
				range(ratios));
	}

	private static String range(List<Double> ratios) {
		return Format.ratio(ratios.stream().mapToDouble(Double::doubleValue).min().orElseThrow()) + "–"
				+ Format.ratio(ratios.stream().mapToDouble(Double::doubleValue).max().orElseThrow());
	}

	/**
	 * One of the three ways of serving the replica.
	 *
	 * @param name A, B or C and what it is
	 * @param uri the post to read, at that server
	 * @param app the JVM that answers
	 * @param liteFsPid the replica's LiteFS process
	 */
	private record Server(String name, URI uri, SampleApp app, long liteFsPid) {

		String target(String header) {
			return "GET " + this.uri + "\n" + header;
		}

	}

	/**
	 * A read-your-writes round trip.
	 *
	 * @param nanos from the write's answer to the read's
	 * @param sawTheWrite whether the read answered {@code 200}, having found the post
	 */
	private record RoundTrip(long nanos, boolean sawTheWrite) {

	}

	/** One closed-loop round on one server, with the CPU its processes used meanwhile. */
	private record Round(Vegeta.Result load, Duration appCpu, Duration liteFsCpu) {

		static Round of(Server server, Supplier<Vegeta.Result> attack) {
			Duration app = ProcessCpu.total(server.app().pid());
			Duration liteFs = ProcessCpu.total(server.liteFsPid());
			Vegeta.Result load = attack.get();
			return new Round(load, ProcessCpu.total(server.app().pid()).minus(app),
					ProcessCpu.total(server.liteFsPid()).minus(liteFs));
		}

		double requestsPerSecond() {
			return this.load.requestsPerSecond();
		}

		double appCpuPerRequest() {
			return (double) this.appCpu.toNanos() / this.load.requests();
		}

		double liteFsCpuPerRequest() {
			return (double) this.liteFsCpu.toNanos() / this.load.requests();
		}

	}

	/**
	 * How long and how often this part measures.
	 *
	 * @param workers Vegeta's workers in the closed loop
	 * @param warmUp the least closed-loop load each server gets before measuring (it goes
	 * on until its JIT compiler is done)
	 * @param round the length of a closed-loop round, and of the open-loop run
	 * @param rounds closed-loop rounds per server
	 * @param rate requests per second of the open loop
	 * @param roundTrips read-your-writes round trips per server
	 * @param writeBlocks blocks of writes each way
	 * @param writeBlock writes in a block
	 */
	private record RealSettings(int workers, Duration warmUp, Duration round, int rounds, int rate, int roundTrips,
			int writeBlocks, int writeBlock) {

		static final RealSettings FULL = new RealSettings(8, Duration.ofSeconds(15), Duration.ofSeconds(5), 7, 400,
				150, 3, 100);

		static final RealSettings QUICK = new RealSettings(4, Duration.ofSeconds(1), Duration.ofSeconds(1), 1, 100, 5,
				1, 5);

	}

}
