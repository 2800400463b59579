package dev.litefs.benchmarks;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.stream.IntStream;

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

	/** The target of the p50 that forwarding adds, here and in part 6. */
	static final long TARGET_NANOS = 400_000;

	private static final String TITLE = "4. Forwarding: a write sent to a `forward` replica vs straight to the primary";

	/** Spring Boot's property naming the request factory, which the forwarder honours. */
	private static final String FACTORY_PROPERTY = "spring.http.clients.imperative.factory";

	/**
	 * The request factories compared, each on a replica of its own, the first being the
	 * headline figure: Apache HttpClient (the sample app has it, and the starter then
	 * forwards through it), then the JDK's {@code HttpClient} (the starter's client when
	 * the application has none of its own), unless {@code -Dbench.forward.factories=...}
	 * says otherwise ({@code simple} is {@code HttpURLConnection}).
	 */
	private static final List<String> FACTORIES = List
		.of(System.getProperty("bench.forward.factories", "http-components,jdk").split(","));

	/**
	 * Clients sending the warm-up at once: one client alone warms a JVM slowly, since
	 * the JIT compiles what has run often, and the measured blocks are one at a time.
	 */
	private static final int WARM_UP_CLIENTS = 8;

	/** The longest warm-up: past it the part measures what it has, and says so. */
	private static final Duration WARM_UP_LIMIT = Duration.ofSeconds(90);

	private final Bench bench;

	ForwardingOverhead(Bench bench) {
		this.bench = bench;
	}

	Report run() {
		if (RealCluster.missing(this.bench).isEmpty()) {
			return new Report(TITLE).comparison("measured on a real cluster instead", "part 6, B's forwarded write")
				.detail("Not run: LiteFS is on this machine, so part 6 measures a write that a replica forwards against "
						+ "the same write sent straight to the primary, on the real cluster, with this part's target and "
						+ "floor; every HTTP figure is taken on the real cluster when there is one. Without LiteFS, this "
						+ "part measures it on fake mounts, and compares the forwarder's request factories.");
		}
		Settings settings = this.bench.settings();
		FakeLiteFsMount primaryMount = FakeLiteFsMount.primary(this.bench.directoryWithDatabase("forward-primary"));
		try (SampleApp primary = this.bench.start("forward-primary", Bench.withLiteFs(primaryMount, PRIMARY))) {
			HttpRequest direct = Seed.createPost(primary);
			checkWrittenByThePrimary(direct);
			List<Replica> replicas = new ArrayList<>();
			try {
				for (String factory : FACTORIES) {
					replicas.add(replica(factory, primary));
				}
				// one exchange with the first replica alone: the least a second HTTP hop costs
				SampleApp first = replicas.get(0).app();
				HttpRequest exchange = HttpRequest.newBuilder(first.uri("/api/posts/" + this.bench.seed().postId()))
					.GET()
					.build();
				// every path, in turn, until the JIT compilers of every JVM are done with them
				List<SampleApp> apps = new ArrayList<>(List.of(primary));
				replicas.forEach((replica) -> apps.add(replica.app()));
				ExecutorService clients = Executors.newFixedThreadPool(WARM_UP_CLIENTS);
				WarmUp warmUp;
				try {
					warmUp = WarmUp.until(apps, () -> {
						concurrently(clients, direct, settings.forwardBlock());
						concurrently(clients, exchange, settings.forwardBlock());
						replicas.forEach((replica) -> concurrently(clients, replica.request(), settings.forwardBlock()));
					}, settings.forwardWarmUp(), settings.warmUpLimit(WARM_UP_LIMIT));
				}
				finally {
					clients.shutdownNow();
				}
				List<Block> straight = new ArrayList<>();
				List<Block> exchanges = new ArrayList<>();
				List<Replica> reversed = new ArrayList<>(replicas);
				Collections.reverse(reversed);
				for (int pair = 0; pair < settings.pairs(); pair++) {
					// the straight block first, then last, so that no path always follows another
					if (pair % 2 == 0) {
						straight.add(measured(direct, primary, first));
						exchanges.add(measured(exchange, primary, first));
					}
					for (Replica replica : (pair % 2 == 0) ? replicas : reversed) {
						replica.blocks().add(measured(replica.request(), primary, replica.app()));
					}
					if (pair % 2 != 0) {
						exchanges.add(measured(exchange, primary, first));
						straight.add(measured(direct, primary, first));
					}
				}
				return report(settings, warmUp, straight, merged(exchanges), replicas);
			}
			finally {
				replicas.forEach((replica) -> replica.app().close());
			}
		}
	}

	/** Starts a replica forwarding to the primary through this request factory. */
	private Replica replica(String factory, SampleApp primary) {
		FakeLiteFsMount mount = FakeLiteFsMount
			.replicaOf(this.bench.directoryWithDatabase("forward-replica-" + factory), PRIMARY);
		Map<String, String> forwarding = Bench.withLiteFs(mount, Bench.REPLICA);
		forwarding.put("litefs.routing.strategy", "forward");
		forwarding.put("litefs.routing.forward.url-template", "http://{primary}:" + primary.port());
		forwarding.put(FACTORY_PROPERTY, factory);
		SampleApp app = this.bench.start("forward-replica-" + factory, forwarding);
		Replica replica = new Replica(factory, app, Seed.createPost(app), new ArrayList<>());
		checkWrittenByThePrimary(replica.request());
		return replica;
	}

	/**
	 * Why forwarding added more than the target.
	 * @param added the p50 added by forwarding
	 * @param exchange the p50 of one exchange with the forwarding app alone
	 * @return by how much and why
	 */
	static String whyMissed(double added, double exchange) {
		String by = "by " + Format.difference(added - TARGET_NANOS) + "; ";
		if (exchange > TARGET_NANOS) {
			return by + "one exchange with the forwarding app alone takes " + Format.nanos(exchange)
					+ " (p50): a second HTTP hop on these cores costs more than the target before any forwarding";
		}
		return by + "one exchange with the forwarding app alone takes " + Format.nanos(exchange) + " (p50), and the "
				+ "forwarder's own work the other " + Format.difference(added - exchange);
	}

	private Report report(Settings settings, WarmUp warmUp, List<Block> straight, Latencies exchange,
			List<Replica> replicas) {
		Latencies direct = merged(straight);
		Replica headline = replicas.get(0);
		Latencies forwarded = merged(headline.blocks());
		long added = forwarded.p50() - direct.p50();
		Report report = new Report(TITLE);
		report.figure("p50 added by forwarding (`" + headline.factory() + "`)", Format.nanos(forwarded.p50()) + " − "
				+ Format.nanos(direct.p50()) + " = " + Format.difference(added), "≤ +" + Format.nanos(TARGET_NANOS),
				added <= TARGET_NANOS, whyMissed(added, exchange.p50()));
		report.comparison("one exchange with the `" + headline.factory() + "` replica alone (`GET` of a post it "
				+ "serves itself), p50: the least a second HTTP hop costs", Format.nanos(exchange.p50()));
		for (Replica replica : replicas) {
			Latencies latencies = merged(replica.blocks());
			report.comparison("`" + replica.factory() + "`: p50, p99 forwarded − straight",
					Format.difference(latencies.p50() - direct.p50()) + ", "
							+ Format.difference(latencies.p99() - direct.p99()));
			report.comparison("`" + replica.factory() + "`: CPU time per write, replica + primary (straight: primary)",
					Format.nanos(cpuPerRequest(replica.blocks(), Block::replicaCpu)) + " + "
							+ Format.nanos(cpuPerRequest(replica.blocks(), Block::primaryCpu)) + " ("
							+ Format.nanos(cpuPerRequest(straight, Block::primaryCpu)) + ")");
		}
		report.detail(String.format(Locale.ROOT,
				"`POST /api/posts` (a small JSON post; the primary inserts it into SQLite, rollback journal, "
						+ "`201` with the post) from one client thread, one request at a time. Each replica runs "
						+ "`litefs.routing.strategy=forward` with "
						+ "`litefs.routing.forward.url-template=http://{primary}:<port>`, the primary's LiteFS hostname "
						+ "being `127.0.0.1`, and its own `%s` (%s); the harness checks that a post sent to a replica "
						+ "is written by the primary. Warm-up: blocks of %d requests on each path in turn, sent by %d clients at once, at least %s, "
						+ "until a block adds under " + WarmUp.QUIET_PERCENT + " %% of its length to every JVM's JIT compilation time (%s), then "
						+ "%d rounds of one block of %d on each path, the straight one first then last. CPU time per "
						+ "write: utime + stime of each JVM over the measured blocks ÷ writes. Beside the straight "
						+ "blocks, one block of `GET /api/posts/{id}` to the first replica, which it answers itself: the "
						+ "price of one more HTTP exchange through a Spring MVC app on these cores, which forwarding "
						+ "cannot go below, since the replica must take the request before it can send it on.",
				FACTORY_PROPERTY, String.join(", ", FACTORIES), settings.forwardBlock(), WARM_UP_CLIENTS,
				Format.duration(settings.forwardWarmUp()), warmUp.describe(), settings.pairs(),
				settings.forwardBlock()));
		report.detail("");
		report.detail("| round | straight p50 | straight p99 | "
				+ String.join(" | ", replicas.stream().map((r) -> "`" + r.factory() + "` p50 | p99").toList()) + " |");
		report.detail("| ---: | ---: | ---: |" + " ---: | ---: |".repeat(replicas.size()));
		for (int i = 0; i <= straight.size(); i++) {
			boolean all = i == straight.size();
			Latencies a = all ? direct : straight.get(i).latencies();
			StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "| %s | %s | %s |",
					all ? "all" : String.valueOf(i + 1), Format.nanos(a.p50()), Format.nanos(a.p99())));
			for (Replica replica : replicas) {
				Latencies b = all ? merged(replica.blocks()) : replica.blocks().get(i).latencies();
				row.append(String.format(Locale.ROOT, " %s | %s |", Format.nanos(b.p50()), Format.nanos(b.p99())));
			}
			report.detail(row.toString());
		}
		return report;
	}

	/** A measured block: its latencies and what each JVM's CPU time grew by meanwhile. */
	private Block measured(HttpRequest request, SampleApp primary, SampleApp replica) {
		Duration primaryBefore = primary.cpuTime();
		Duration replicaBefore = replica.cpuTime();
		Latencies latencies = block(request, this.bench.settings().forwardBlock());
		return new Block(latencies, primary.cpuTime().minus(primaryBefore), replica.cpuTime().minus(replicaBefore));
	}

	/** A block of requests sent by several clients at once, for the warm-up. */
	private void concurrently(ExecutorService clients, HttpRequest request, int count) {
		CompletableFuture.allOf(IntStream.range(0, WARM_UP_CLIENTS)
			.mapToObj((client) -> CompletableFuture.runAsync(() -> block(request, count / WARM_UP_CLIENTS), clients))
			.toArray(CompletableFuture[]::new)).join();
	}

	private Latencies block(HttpRequest request, int count) {
		Latencies latencies = new Latencies();
		for (int i = 0; i < count; i++) {
			long start = System.nanoTime();
			HttpResponse<Void> response = send(request, HttpResponse.BodyHandlers.discarding());
			latencies.add(System.nanoTime() - start);
			if (response.statusCode() / 100 != 2) {
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

	/**
	 * A replica forwarding through one request factory.
	 *
	 * @param factory the request factory, as Spring Boot's property names it
	 * @param app the replica's app
	 * @param request the write sent to it
	 * @param blocks its measured blocks
	 */
	private record Replica(String factory, SampleApp app, HttpRequest request, List<Block> blocks) {

	}

}
