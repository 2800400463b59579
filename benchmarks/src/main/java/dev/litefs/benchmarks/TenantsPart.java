package dev.litefs.benchmarks;

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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import dev.litefs.spring.test.cluster.LiteFsCluster;

/**
 * A database per tenant (issue #32) on a real two-node LiteFS cluster of its own: the
 * sample app's tenants ({@code /api/tenants/{id}}, a routing DataSource over a small pool
 * per tenant that empties when idle). The nodes at rest (heap after a full GC, resident
 * memory, threads, CPU) with the app's one database, then with 10 and 100 tenant
 * databases besides; and a request that writes one tenant's database against the same
 * app's write of its own database, on the primary, warm and with the tenant's pool
 * emptied.
 */
final class TenantsPart {

	static final String PART = "6 tenants";

	/** Hikari's house-keeping, which retires idle connections, every second instead of 30 s. */
	private static final String HOUSEKEEPING = "-Dcom.zaxxer.hikari.housekeeping.periodMs=1000";

	/** The tenants' pools' idle timeout: Hikari's least. */
	private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(10);

	/** Clients creating tenants at once. */
	private static final int CLIENTS = 4;

	private final Bench bench;

	/** The rows of the writes, written after those of the nodes at rest. */
	private final List<Runnable> writeRows = new ArrayList<>();

	private int tenants;

	/** The warm tenant write's p50, which the cold one is compared with. */
	private long warmP50;

	TenantsPart(Bench bench) {
		this.bench = bench;
	}

	/** The nodes at rest: each app's and each LiteFS's figures. */
	private record Rest(String name, double[] heap, long[] rss, long[] threads, double[] cpu, long[] liteFsRss,
			double liteFsCpu) {

		String memory() {
			return String.format(Locale.ROOT, "heap %.1f / %.1f MB, RSS %d / %d MB, threads %d / %d", this.heap[0] / 1e6,
					this.heap[1] / 1e6, this.rss[0] / 1024, this.rss[1] / 1024, this.threads[0], this.threads[1]);
		}

	}

	void run() throws Exception {
		Path logs = this.bench.folder("logs");
		String loadAtStart = Bench.loadAverage();
		try (LiteFsCluster cluster = LiteFsCluster.builder().hostnames("127.0.0.1", "node-b").start();
				App primary = App.start(this.bench.jar, logs, "tenants-primary", App.freePort(),
						onNode(cluster.primary(), null), HOUSEKEEPING)) {
			primary.write();
			cluster.awaitReplicated("app.db", Duration.ofSeconds(30));
			LiteFsCluster.Node node = cluster.node(1);
			try (App replica = App.start(this.bench.jar, logs, "tenants-replica", App.freePort(),
					onNode(node, primary), HOUSEKEEPING)) {
				App[] apps = { primary, replica };
				long[] liteFs = { cluster.primary().pid(), node.pid() };
				for (int i = 0; i < this.bench.count(50, 10); i++) {
					primary.write();
					replica.get("/api/posts");
				}
				List<Rest> rests = new ArrayList<>();
				rests.add(rest("1 database (`app.db`)", apps, liteFs));
				int[] counts = this.bench.quick ? new int[] { 10, 30 } : new int[] { 10, 100, 500 };
				long creating = 0;
				for (int count : counts) {
					long started = System.nanoTime();
					addTenants(cluster, primary, replica, count);
					creating += System.nanoTime() - started;
					if (count == counts[1]) {
						rests.add(snapshot(count + " tenants, just used (each pool's connection open)", apps, liteFs));
						writes(primary);
					}
					Bench.sleep(IDLE_TIMEOUT.toMillis() + 3_000);
					rests.add(rest("+ " + count + " tenant databases, at rest (pools emptied)", apps, liteFs));
					if (count == counts[1]) {
						coldWrites(primary);
					}
				}
				report(rests, creating);
				this.writeRows.forEach(Runnable::run);
				this.bench.row(PART, "databases the replica's `/actuator/litefs` names",
						Long.toString(named(replica.get("/actuator/litefs"))), Double.NaN, "", null);
			}
		}
		this.bench.row(PART, "load average (1, 5, 15 min) at the start vs the end of this part",
				loadAtStart + " vs " + Bench.loadAverage(), Double.NaN, "", null);
	}

	/** The sample app on a node; on a replica, forwarding to the primary's app. */
	private static Map<String, String> onNode(LiteFsCluster.Node node, App primary) {
		Map<String, String> properties = ClusterPart.onNode(node);
		properties.put("sample.tenants.idle-timeout", IDLE_TIMEOUT.toSeconds() + "s");
		if (primary != null) {
			properties.put("litefs.routing.strategy", "forward");
			properties.put("litefs.routing.forward.url-template", "http://{primary}:" + primary.port);
		}
		return properties;
	}

	/**
	 * Tenants up to a count: each created on the primary, then read on the replica once
	 * LiteFS has replicated it (which opens its pool there).
	 */
	private void addTenants(LiteFsCluster cluster, App primary, App replica, int count) throws Exception {
		int first = this.tenants;
		inParallel(first, count, (i) -> {
			expect(App.send(HttpRequest.newBuilder(primary.uri("/api/tenants/" + tenant(i)))
				.header("Authorization", App.BASIC_AUTH)
				.PUT(HttpRequest.BodyPublishers.noBody())
				.build()), 201);
		});
		inParallel(first, count, (i) -> {
			cluster.awaitReplicated("tenant-" + tenant(i) + ".db", Duration.ofSeconds(30));
			expect(App.send(HttpRequest.newBuilder(replica.uri("/api/tenants/" + tenant(i) + "/notes")).build()), 200);
		});
		this.tenants = count;
	}

	/** Work on one tenant. */
	private interface TenantWork {

		void run(int tenant) throws Exception;

	}

	/** Work on tenants {@code from} to {@code to} (excluded), by {@link #CLIENTS} clients at once. */
	private static void inParallel(int from, int to, TenantWork work) throws Exception {
		ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
		try {
			List<Future<?>> done = new ArrayList<>();
			for (int i = from; i < to; i++) {
				int tenant = i;
				done.add(clients.submit(() -> {
					work.run(tenant);
					return null;
				}));
			}
			for (Future<?> each : done) {
				each.get();
			}
		}
		finally {
			clients.shutdownNow();
		}
	}

	private static String tenant(int i) {
		return String.format(Locale.ROOT, "t%03d", i);
	}

	private static HttpResponse<String> writeNote(App app, int tenant) throws Exception {
		return expect(App.send(HttpRequest.newBuilder(app.uri("/api/tenants/" + tenant(tenant) + "/notes"))
			.header("Content-Type", "application/json")
			.header("Authorization", App.BASIC_AUTH)
			.POST(HttpRequest.BodyPublishers.ofString("{\"text\": \"A note of one tenant, in its own database.\"}"))
			.build()), 201);
	}

	private static HttpResponse<String> expect(HttpResponse<String> answer, int status) {
		if (answer.statusCode() != status) {
			throw new IllegalStateException(answer.uri() + " answered " + answer.statusCode() + ": " + answer.body());
		}
		return answer;
	}

	/** Both nodes' figures at rest: a full GC, then the CPU over some seconds of nothing to do. */
	private Rest rest(String name, App[] apps, long[] liteFs) throws Exception {
		Rest memory = snapshot(name, apps, liteFs);
		long seconds = this.bench.count(10, 3);
		long[] before = { App.cpuNanos(apps[0].pid()), App.cpuNanos(apps[1].pid()), App.cpuNanos(liteFs) };
		Bench.sleep(seconds * 1000);
		double[] cpu = { share(App.cpuNanos(apps[0].pid()) - before[0], seconds),
				share(App.cpuNanos(apps[1].pid()) - before[1], seconds) };
		return new Rest(name, memory.heap(), memory.rss(), memory.threads(), cpu, memory.liteFsRss(),
				share(App.cpuNanos(liteFs) - before[2], seconds));
	}

	private Rest snapshot(String name, App[] apps, long[] liteFs) throws Exception {
		double[] heap = new double[2];
		long[] rss = new long[2];
		long[] threads = new long[2];
		for (int i = 0; i < 2; i++) {
			JdkTools.jcmd(apps[i].pid(), "GC.run");
			heap[i] = apps[i].metric("jvm.memory.used?tag=area:heap");
			rss[i] = status(apps[i].pid(), "VmRSS");
			threads[i] = status(apps[i].pid(), "Threads");
		}
		return new Rest(name, heap, rss, threads, new double[] { Double.NaN, Double.NaN },
				new long[] { status(liteFs[0], "VmRSS"), status(liteFs[1], "VmRSS") }, Double.NaN);
	}

	/** CPU time over some seconds, in shares of one core. */
	private static double share(long nanos, long seconds) {
		return nanos / (seconds * 1e9);
	}

	/** A field of {@code /proc/<pid>/status}, in its unit (kB for memory). */
	private static long status(long pid, String field) throws java.io.IOException {
		for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
			if (line.startsWith(field + ":")) {
				return Long.parseLong(line.substring(field.length() + 1).trim().split("\\s+")[0]);
			}
		}
		throw new IllegalStateException("No " + field + " in /proc/" + pid + "/status");
	}

	private void report(List<Rest> rests, long creatingNanos) {
		Rest base = rests.get(0);
		for (Rest rest : rests) {
			boolean atRest = !Double.isNaN(rest.cpu()[0]);
			String cpu = atRest ? String.format(Locale.ROOT, "; CPU at rest %.2f %% / %.2f %% of a core, both LiteFS %.2f %%",
					rest.cpu()[0] * 100, rest.cpu()[1] * 100, rest.liteFsCpu() * 100) : "";
			this.bench.row(PART, rest.name() + ": primary / replica app (heap after a full GC); both LiteFS' RSS"
					+ ((rest == base) ? "" : "; ratio: the replica's heap ÷ with 1 database"),
					rest.memory() + String.format(Locale.ROOT, "; LiteFS %d / %d MB", rest.liteFsRss()[0] / 1024,
							rest.liteFsRss()[1] / 1024) + cpu,
					(rest == base) ? Double.NaN : rest.heap()[1] / base.heap()[1], "", null);
		}
		this.bench.row(PART, "creating tenants: each created on the primary (`PUT`: the file and its table), then "
				+ "read on the replica once replicated; " + CLIENTS + " clients at once; time per tenant", Bench.nanos((double) creatingNanos / this.tenants), Double.NaN,
				"", null);
	}

	/**
	 * One client, on the primary: {@code POST /api/posts} (the app's own database) against
	 * {@code POST /api/tenants/<id>/notes} to the 100 tenants in turn (their pools warm),
	 * and the floor both stand on: an authenticated {@code GET /api/posts/<id>} (the same
	 * HTTP Basic check, which hashes the password, and no write). Blocks of each in turns;
	 * the app's CPU per request over each block.
	 */
	private void writes(App primary) throws Exception {
		String location = primary.write().headers().firstValue("Location").orElseThrow();
		HttpRequest floor = HttpRequest.newBuilder(primary.uri(location)).header("Authorization", App.BASIC_AUTH).build();
		int perBlock = this.bench.count(40, 15);
		for (int i = 0; i < perBlock; i++) {
			primary.write();
			writeNote(primary, i % this.tenants);
			expect(App.send(floor), 200);
		}
		List<String> kinds = List.of("tenant", "app.db", "floor");
		Map<String, List<Long>> times = new LinkedHashMap<>();
		Map<String, Long> cpu = new LinkedHashMap<>();
		kinds.forEach((kind) -> times.put(kind, new ArrayList<>()));
		int next = 0;
		for (int block = 0; block < this.bench.count(4, 2); block++) {
			for (int j = 0; j < kinds.size(); j++) {
				String kind = kinds.get((block + j) % kinds.size());
				long before = App.cpuNanos(primary.pid());
				for (int i = 0; i < perBlock; i++) {
					long started = System.nanoTime();
					switch (kind) {
						case "tenant" -> writeNote(primary, next++ % this.tenants);
						case "app.db" -> primary.write();
						default -> expect(App.send(floor), 200);
					}
					times.get(kind).add(System.nanoTime() - started);
				}
				cpu.merge(kind, App.cpuNanos(primary.pid()) - before, Long::sum);
			}
		}
		Map<String, long[]> samples = new LinkedHashMap<>();
		Map<String, Double> cpuPer = new LinkedHashMap<>();
		for (String kind : kinds) {
			samples.put(kind, times.get(kind).stream().mapToLong(Long::longValue).toArray());
			cpuPer.put(kind, (double) cpu.get(kind) / samples.get(kind).length);
		}
		long tenantP50 = Bench.percentile(samples.get("tenant"), 50);
		long mainP50 = Bench.percentile(samples.get("app.db"), 50);
		long floorP50 = Bench.percentile(samples.get("floor"), 50);
		later(PART, "a write on the primary, p50 / p99 (one client): a note in one of " + this.tenants
				+ " tenants' databases in turn (pools warm) vs a post in `app.db`; the floor: an authenticated `GET` "
				+ "(the same HTTP Basic check, no write); ratio at p50, tenant ÷ `app.db`",
				p(samples.get("tenant")) + " vs " + p(samples.get("app.db")) + "; floor " + p(samples.get("floor"))
						+ String.format(Locale.ROOT, " (%,d each)", samples.get("tenant").length),
				(double) tenantP50 / mainP50, "", null);
		later(PART, "the same p50s above the floor: what the write itself costs, tenant vs `app.db`; ratio",
				Bench.difference(tenantP50 - floorP50) + " vs " + Bench.difference(mainP50 - floorP50),
				(double) (tenantP50 - floorP50) / (mainP50 - floorP50), "", null);
		later(PART, "the primary app's CPU per request: a tenant's note vs a post in `app.db` vs the floor; "
				+ "ratio of what each write adds to the floor",
				Bench.nanos(cpuPer.get("tenant")) + " vs " + Bench.nanos(cpuPer.get("app.db")) + " vs "
						+ Bench.nanos(cpuPer.get("floor")),
				(cpuPer.get("tenant") - cpuPer.get("floor")) / (cpuPer.get("app.db") - cpuPer.get("floor")), "", null);
		this.warmP50 = tenantP50;
	}

	private static String p(long[] samples) {
		return Bench.nanos(Bench.percentile(samples, 50)) + " / " + Bench.nanos(Bench.percentile(samples, 99));
	}

	/** The first write to tenants whose pools have emptied: SQLite opens a connection first. */
	private void coldWrites(App primary) throws Exception {
		int count = this.bench.count(30, 10);
		long[] times = new long[count];
		for (int i = 0; i < count; i++) {
			long started = System.nanoTime();
			writeNote(primary, i);
			times[i] = System.nanoTime() - started;
		}
		later(PART, "a tenant's write on the primary when its pool had emptied (a connection opened first), "
				+ "p50 / p99 vs the warm tenant write's p50; ratio at p50",
				Bench.nanos(Bench.percentile(times, 50)) + " / " + Bench.nanos(Bench.percentile(times, 99)) + " vs "
						+ Bench.nanos(this.warmP50) + String.format(Locale.ROOT, " (%d tenants)", count),
				(double) Bench.percentile(times, 50) / this.warmP50, "", null);
	}

	private void later(String part, String figure, String measured, double ratio, String target, Boolean met) {
		this.writeRows.add(() -> this.bench.row(part, figure, measured, ratio, target, met));
	}

	/** How many distinct {@code tenant-*.db} a JSON document names. */
	private static long named(String json) {
		return java.util.regex.Pattern.compile("tenant-t[0-9]{3}\\.db")
			.matcher(json)
			.results()
			.map(java.util.regex.MatchResult::group)
			.distinct()
			.count();
	}

}
