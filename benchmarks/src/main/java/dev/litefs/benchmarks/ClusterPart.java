package dev.litefs.benchmarks;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;

import dev.litefs.spring.test.cluster.LiteFsCluster;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedEvent;
import org.openjdk.jmh.results.RunResult;

/**
 * On a real two-node LiteFS cluster, the replica served three ways side by side: A, the
 * sample app with {@code litefs.enabled=false}; B, the same app with the starter on
 * ({@code forward} routing); C, LiteFS's own proxy in front of A's JVM. The primary's app
 * (the starter on) takes the writes.
 */
final class ClusterPart {

	static final String PART = "2 cluster";

	/** This part's parts, as {@code --parts} names them. */
	static final List<String> PARTS = List.of("sqlite", "reads", "etag", "read-your-writes", "waiting", "forwarding",
			"profile", "role-change");

	private final Bench bench;

	private final Vegeta vegeta;

	ClusterPart(Bench bench) throws java.io.IOException {
		this.bench = bench;
		this.vegeta = new Vegeta(bench.folder("vegeta"));
	}

	/** A server of the replica: its name, the URL its reads go to, the JVM that serves them. */
	record Server(String name, URI url, App app) {

		String read(long postId, String cookie) {
			return "GET " + this.url.resolve("/api/posts/" + postId) + "\nCookie: __txid=" + cookie;
		}

	}

	void run() throws Exception {
		Path logs = this.bench.folder("logs");
		int proxied = App.freePort();
		try (LiteFsCluster cluster = LiteFsCluster.builder()
			.hostnames("127.0.0.1", "node-b")
			.proxy("node-b", "app.db", proxied)
			.start();
				App primary = App.start(this.bench.jar, logs, "primary", App.freePort(), onNode(cluster.primary()))) {
			String location = primary.write().headers().firstValue("Location").orElseThrow();
			long postId = Long.parseLong(location.substring(location.lastIndexOf('/') + 1));
			long txid = cluster.awaitReplicated("app.db", Duration.ofSeconds(30));
			LiteFsCluster.Node replica = cluster.node(1);
			if (this.bench.runs("sqlite")) {
				sqlite(replica.mountDir().resolve("app.db"));
			}
			StartupPart.database = Files.copy(replica.mountDir().resolve("app.db"),
					this.bench.folder("seed").resolve("app.db"), StandardCopyOption.REPLACE_EXISTING);
			Map<String, String> starter = onNode(replica);
			starter.put("litefs.routing.strategy", "forward");
			starter.put("litefs.routing.forward.url-template", "http://{primary}:" + primary.port);
			starter.put("litefs.consistency.timeout", "60s");
			Map<String, String> plain = App.dataSource(replica.mountDir());
			plain.put("litefs.enabled", "false");
			plain.put("spring.flyway.enabled", "false");
			Map<String, String> tagged = new LinkedHashMap<>(starter);
			tagged.put("litefs.etag.paths", "/api/posts/*");
			Map<String, String> virtual = new LinkedHashMap<>(starter);
			virtual.put("spring.threads.virtual.enabled", "true");
			boolean virtualServer = Runtime.version().feature() >= 21
					&& (this.bench.runs("reads") || this.bench.runs("read-your-writes") || this.bench.runs("waiting"));
			try (App on = App.start(this.bench.jar, logs, "on", App.freePort(), starter);
					App off = App.start(this.bench.jar, logs, "off", proxied, plain);
					App etag = this.bench.runs("etag") ? App.start(this.bench.jar, logs, "etag", App.freePort(), tagged)
							: null;
					App onVirtual = virtualServer
							? App.start(this.bench.jar, logs, "on-virtual", App.freePort(), virtual) : null) {
				List<Server> servers = new ArrayList<>(List.of(new Server("A", off.uri("/"), off),
						new Server("B", on.uri("/"), on), new Server("C", replica.proxyUrl(), off)));
				if (onVirtual != null) {
					servers.add(new Server("D", onVirtual.uri("/"), onVirtual));
				}
				if (this.bench.runs("reads")) {
					reads(servers, postId, String.format("%016x", txid), replica.pid());
				}
				if (etag != null) {
					new TxidReads(this.bench, this.vegeta).run(primary,
							List.of(servers.get(1), new Server("E", etag.uri("/"), etag), servers.get(2)), postId);
				}
				if (this.bench.runs("read-your-writes")) {
					new ReadYourWrites(this.bench).run(primary, servers);
				}
				if (this.bench.runs("waiting")) {
					new WaitingReads(this.bench).run(cluster, primary, servers, postId);
				}
				if (this.bench.runs("forwarding")) {
					forwarding(primary, on, postId);
				}
				if (this.bench.runs("profile")) {
					profile(servers.get(1), postId, String.format("%016x", txid));
				}
				if (this.bench.runs("role-change")) {
					roleChanges(cluster, Map.of(replica, on, cluster.primary(), primary));
				}
				this.bench.row(PART, "requests of every Vegeta attack not answered 2xx or 3xx",
						String.format(Locale.ROOT, "%,d of %,d", this.vegeta.failed, this.vegeta.sent), Double.NaN, "0",
						this.vegeta.failed == 0);
			}
		}
	}

	/** The starter on a node of the cluster, asking that node's LiteFS API. */
	static Map<String, String> onNode(LiteFsCluster.Node node) {
		Map<String, String> properties = App.dataSource(node.mountDir());
		properties.put("litefs.mount-dir", node.mountDir().toString());
		properties.put("litefs.database", "app.db");
		properties.put("litefs.hostname", node.hostname());
		properties.put("litefs.api-url", node.apiUrl().toString());
		return properties;
	}

	/** {@link SqliteReadBenchmark} on the replica's mount, and on a copy in a plain folder. */
	private void sqlite(Path database) throws Exception {
		Path shm = Path.of("/dev/shm");
		Path dir = Files.isWritable(shm) ? Files.createTempDirectory(shm, "litefs-bench") : this.bench.folder("plain");
		Path copy = Files.copy(database, dir.resolve("app.db"), StandardCopyOption.REPLACE_EXISTING);
		String name = SqliteReadBenchmark.class.getName();
		Map<String, Double> onMount = new LinkedHashMap<>();
		for (RunResult result : Bench.run(this.bench.jmh(name).param("database", database.toString()))) {
			onMount.put(result.getParams().getParam("cacheSize") + ", " + result.getParams().getParam("mmapSize")
					+ ", " + result.getParams().getParam("readOnly"), result.getPrimaryResult().getScore());
		}
		double plain = Bench.run(this.bench.jmh(name)
			.param("database", copy.toString())
			.param("cacheSize", "-2000")
			.param("mmapSize", "0")
			.param("readOnly", "false")).iterator().next().getPrimaryResult().getScore();
		Files.delete(copy);
		Files.delete(dir);
		double defaults = onMount.get("-2000, 0, false");
		Map.Entry<String, Double> best = onMount.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow();
		this.bench.row(PART, "SQLite reads/s, one thread (JMH): on the mount with SQLite's defaults vs the best of "
				+ "`cache_size`, `mmap_size`, read-only (" + best.getKey() + ") vs a plain folder",
				String.format(Locale.ROOT, "%,.0f vs %,.0f vs %,.0f", defaults, best.getValue(), plain),
				defaults / plain, "", null);
	}

	/** Replica reads in a closed loop, rounds in a rotating order, then each server's latency at 400/s. */
	private void reads(List<Server> servers, long postId, String cookie, long liteFsPid) throws Exception {
		Duration round = this.bench.duration(5, 2);
		for (Server server : servers) {
			this.vegeta.attack("warm-" + server.name(), server.read(postId, cookie), 0, 8, this.bench.duration(30, 5));
		}
		Map<String, List<double[]>> rounds = new LinkedHashMap<>();
		servers.forEach((server) -> rounds.put(server.name(), new ArrayList<>()));
		for (int i = 0; i < this.bench.count(7, 2); i++) {
			for (int j = 0; j < servers.size(); j++) {
				Server server = servers.get((i + j) % servers.size());
				long cpu = App.cpuNanos(server.app().pid());
				Vegeta.Result result = this.vegeta.attack("closed-" + server.name(), server.read(postId, cookie), 0, 8,
						round);
				rounds.get(server.name())
					.add(new double[] { result.throughput(),
							(App.cpuNanos(server.app().pid()) - cpu) / (double) result.requests() });
			}
		}
		List<Double> throughput = new ArrayList<>();
		List<Double> cpu = new ArrayList<>();
		List<Double> proxy = new ArrayList<>();
		for (int i = 0; i < rounds.get("A").size(); i++) {
			double[] a = rounds.get("A").get(i);
			throughput.add(rounds.get("B").get(i)[0] / a[0]);
			cpu.add(rounds.get("B").get(i)[1] / a[1]);
			proxy.add(rounds.get("C").get(i)[0] / a[0]);
		}
		double ratio = Bench.median(throughput);
		this.bench.row(PART, "replica reads/s (Vegeta, closed loop, 8 workers), B ÷ A: median of the rounds' ratios "
				+ "(their range; A's and B's rounds)", String.format(Locale.ROOT, "(%.3f–%.3f; %s vs %s)",
						throughput.stream().min(Double::compare).orElseThrow(),
						throughput.stream().max(Double::compare).orElseThrow(), perRound(rounds.get("A"), 0),
						perRound(rounds.get("B"), 0)), ratio, "≥ 0.97", ratio >= 0.97);
		double cpuRatio = Bench.median(cpu);
		this.bench.row(PART, "app's CPU per replica read (`/proc/<pid>/stat`), B ÷ A: median of the rounds' ratios",
				String.format(Locale.ROOT, "(%.3f–%.3f)", cpu.stream().min(Double::compare).orElseThrow(),
						cpu.stream().max(Double::compare).orElseThrow()), cpuRatio, "≤ 1.05", cpuRatio <= 1.05);
		this.bench.row(PART, "replica reads/s, C ÷ A: median of the rounds' ratios", "", Bench.median(proxy), "", null);
		if (rounds.containsKey("D")) {
			List<Double> virtual = new ArrayList<>();
			for (int i = 0; i < rounds.get("B").size(); i++) {
				virtual.add(rounds.get("D").get(i)[0] / rounds.get("B").get(i)[0]);
			}
			this.bench.row(PART, "replica reads/s, D (B on virtual threads) ÷ B: median of the rounds' ratios", "",
					Bench.median(virtual), "", null);
		}
		List<String> open = new ArrayList<>();
		Map<String, Vegeta.Result> latencies = new LinkedHashMap<>();
		for (Server server : servers) {
			Vegeta.Result result = this.vegeta.attack("open-" + server.name(), server.read(postId, cookie), 400, 8,
					round);
			latencies.put(server.name(), result);
			open.add(server.name() + " " + Bench.nanos(result.p50()) + " / " + Bench.nanos(result.p99()));
		}
		this.bench.row(PART, "open-loop p50 / p99 at 400/s (Vegeta's HdrHistogram), each server; ratio B ÷ A at p50",
				String.join(" · ", open), (double) latencies.get("B").p50() / latencies.get("A").p50(), "", null);
	}

	private static String perRound(List<double[]> rounds, int index) {
		return String.join(", ",
				rounds.stream().map((round) -> String.format(Locale.ROOT, "%,.0f", round[index])).toList());
	}

	/**
	 * A write sent to B, which forwards it to the primary, against the same write sent to
	 * the primary: blocks of each in turns, the median of the blocks' p50s.
	 */
	private void forwarding(App primary, App on, long postId) throws Exception {
		Duration block = this.bench.duration(5, 2);
		String viaB = this.vegeta.post(on.uri("/api/posts").toString());
		String straight = this.vegeta.post(primary.uri("/api/posts").toString());
		this.vegeta.attack("warm-forwarded", viaB, 0, 1, this.bench.duration(15, 3));
		this.vegeta.attack("warm-straight", straight, 0, 1, this.bench.duration(15, 3));
		List<Double> forwardedP50 = new ArrayList<>();
		List<Double> straightP50 = new ArrayList<>();
		double[] cpuPerWrite = new double[2];
		int threadsBefore = threads(on);
		double clientObservations = on.metric("http.client.requests");
		long forwardedWrites = 0;
		Path recording = this.bench.folder("jfr").resolve("b-forwarding.jfr");
		int opened = 0;
		double[] waitPerWrite = new double[2];
		for (int i = 0; i < this.bench.count(3, 1); i++) {
			long cpu = App.cpuNanos(on.pid(), primary.pid());
			long waited = App.runQueueNanos(on.pid(), primary.pid());
			Set<String> before = connectionsTo(primary.port);
			Vegeta.Result result = this.vegeta.attack("forwarded", viaB, 0, 1, block);
			Set<String> after = connectionsTo(primary.port);
			after.removeAll(before);
			opened += after.size();
			forwardedWrites += result.requests();
			forwardedP50.add((double) result.p50());
			cpuPerWrite[0] += (App.cpuNanos(on.pid(), primary.pid()) - cpu) / (double) result.requests();
			waitPerWrite[0] += (App.runQueueNanos(on.pid(), primary.pid()) - waited) / (double) result.requests();
			cpu = App.cpuNanos(primary.pid());
			waited = App.runQueueNanos(primary.pid());
			result = this.vegeta.attack("straight", straight, 0, 1, block);
			straightP50.add((double) result.p50());
			cpuPerWrite[1] += (App.cpuNanos(primary.pid()) - cpu) / (double) result.requests();
			waitPerWrite[1] += (App.runQueueNanos(primary.pid()) - waited) / (double) result.requests();
		}
		clientObservations = on.metric("http.client.requests") - clientObservations;
		int threadsAfter = threads(on);
		JdkTools.jcmd(on.pid(), "JFR.start", "name=forwarding", "settings=profile");
		this.vegeta.attack("profiled-forwarded", viaB, 0, 1, block);
		JdkTools.jcmd(on.pid(), "JFR.stop", "name=forwarding", "filename=" + recording);
		long cpu = App.cpuNanos(on.pid());
		long waited = App.runQueueNanos(on.pid());
		Vegeta.Result exchange = this.vegeta.attack("exchange", "GET " + on.uri("/api/posts/" + postId), 0, 1, block);
		double exchangeCpu = (App.cpuNanos(on.pid()) - cpu) / (double) exchange.requests();
		double exchangeWait = (App.runQueueNanos(on.pid()) - waited) / (double) exchange.requests();
		double forwarded = Bench.median(forwardedP50);
		double direct = Bench.median(straightP50);
		this.bench.row(PART, "a write (Vegeta, one client), p50: forwarded by B vs straight to the primary; one "
				+ "exchange with B alone (a `GET`): the floor of a second hop; ratio: the difference ÷ the floor",
				String.format(Locale.ROOT, "%s vs %s = %s; %s", Bench.nanos(forwarded), Bench.nanos(direct),
						Bench.difference(forwarded - direct), Bench.nanos(exchange.p50())),
				(forwarded - direct) / exchange.p50(), "≤ floor + 200 µs",
				forwarded - direct <= exchange.p50() + 200_000);
		double cpuForwarded = cpuPerWrite[0] / forwardedP50.size();
		double cpuStraight = cpuPerWrite[1] / straightP50.size();
		this.bench.row(PART, "CPU per write: both apps' JVMs when forwarded vs the primary's when straight; B's CPU "
				+ "per exchange (the `GET`): the floor; ratio: the difference ÷ the floor",
				Bench.nanos(cpuForwarded) + " vs " + Bench.nanos(cpuStraight) + " = "
						+ Bench.difference(cpuForwarded - cpuStraight) + "; " + Bench.nanos(exchangeCpu),
				(cpuForwarded - cpuStraight) / exchangeCpu, "≤ 1.2 (floor + 20 %)",
				cpuForwarded - cpuStraight <= 1.2 * exchangeCpu);
		double waitForwarded = waitPerWrite[0] / forwardedP50.size();
		double waitStraight = waitPerWrite[1] / straightP50.size();
		this.bench.row(PART, "time the apps' threads were runnable but waited for a core (`/proc/<pid>/task/*/schedstat`)"
				+ ", per write: both JVMs when forwarded vs the primary's when straight; B's per exchange (the `GET`); "
				+ "ratio: the difference ÷ the p50 added",
				Bench.nanos(waitForwarded) + " vs " + Bench.nanos(waitStraight) + " = "
						+ Bench.difference(waitForwarded - waitStraight) + "; " + Bench.nanos(exchangeWait),
				(waitForwarded - waitStraight) / (forwarded - direct), "", null);
		this.bench.row(PART, "forwarding on B, per forwarded write: `http.client.requests` observations; connections "
				+ "opened to the primary while B forwarded; B's threads before vs after",
				String.format(Locale.ROOT, "%.2f; %d for %,d writes; %d vs %d", clientObservations / forwardedWrites,
						opened, forwardedWrites, threadsBefore, threadsAfter),
				Double.NaN, "", null);
		forwardingProfile(recording);
	}

	/** Where B's Java samples were while it forwarded writes: the client, observations, headers, the forwarder. */
	private void forwardingProfile(Path recording) throws java.io.IOException {
		List<RecordedEvent> samples = JdkTools.executionSamples(recording);
		Map<String, String> parts = new LinkedHashMap<>();
		parts.put("the HTTP client", "org.apache.hc.|jdk.internal.net.http.|sun.net.www.");
		parts.put("observations (Micrometer)", "io.micrometer.");
		parts.put("header copying", "org.springframework.http.HttpHeaders|org.springframework.util.LinkedCaseInsensitiveMap"
				+ "|dev.litefs.spring.routing.forward.HopByHopHeaders|dev.litefs.spring.routing.forward.ForwardedRequest");
		parts.put("the forwarder's own code", "dev.litefs.spring.routing.forward.");
		List<String> shares = new ArrayList<>();
		for (Map.Entry<String, String> part : parts.entrySet()) {
			String[] prefixes = part.getValue().split("\\|");
			long count = samples.stream()
				.filter((sample) -> sample.getStackTrace().getFrames().stream().anyMatch((frame) -> {
					String type = frame.getMethod().getType().getName();
					for (String prefix : prefixes) {
						if (type.startsWith(prefix)) {
							return true;
						}
					}
					return false;
				}))
				.count();
			shares.add(String.format(Locale.ROOT, "%s %.1f %%", part.getKey(), 100.0 * count / samples.size()));
		}
		this.bench.row(PART, "B's Java samples (JFR) while it forwards writes, with a frame of each on the stack (`jfr "
				+ "print " + this.bench.work.relativize(recording) + "`)",
				String.join("; ", shares) + String.format(Locale.ROOT, " (of %d)", samples.size()), Double.NaN, "",
				null);
	}

	/** How many of B's threads there are now ({@code jcmd Thread.print}). */
	private static int threads(App app) throws Exception {
		return (int) JdkTools.jcmd(app.pid(), "Thread.print").lines().filter((line) -> line.startsWith("\"")).count();
	}

	/**
	 * The client ends ({@code address:port}) of the sockets to a local port, in any state
	 * ({@code /proc/net/tcp}, IPv4 and IPv6): one that appears between two readings is a
	 * connection opened in between, even if it was closed again (TIME_WAIT lasts a minute).
	 */
	private static Set<String> connectionsTo(int port) throws java.io.IOException {
		String remote = String.format(Locale.ROOT, ":%04X", port);
		Set<String> ends = new java.util.HashSet<>();
		for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
			Path file = Path.of(table);
			if (Files.exists(file)) {
				for (String line : Files.readAllLines(file)) {
					String[] fields = line.trim().split("\\s+");
					if (fields.length > 3 && fields[2].endsWith(remote)) {
						ends.add(fields[1]);
					}
				}
			}
		}
		return ends;
	}

	/**
	 * JFR ({@code settings=profile}) on B for a closed-loop run of 15 s: the share of its Java
	 * execution samples in the starter's code, up to where the starter hands the request on.
	 */
	private void profile(Server b, long postId, String cookie) throws Exception {
		Path recording = this.bench.folder("jfr").resolve("b.jfr");
		JdkTools.jcmd(b.app().pid(), "JFR.start", "name=bench", "settings=profile");
		this.vegeta.attack("profiled-B", b.read(postId, cookie), 0, 8, this.bench.duration(15, 2));
		JdkTools.jcmd(b.app().pid(), "JFR.stop", "name=bench", "filename=" + recording);
		List<RecordedEvent> samples = JdkTools.executionSamples(recording);
		long starter = samples.stream().filter((sample) -> inStarter(sample.getStackTrace().getFrames())).count();
		this.bench.row(PART, "share of B's Java execution samples (JFR) in the starter's code, not counting the "
				+ "request it passes on (`jfr print " + this.bench.work.relativize(recording) + "`)",
				String.format(Locale.ROOT, "%.1f %% of %d", 100.0 * starter / samples.size(), samples.size()),
				Double.NaN, "", null);
	}

	/** Whether a {@code dev.litefs.spring} frame is on top of the stack before the request is handed on. */
	static boolean inStarter(List<RecordedFrame> frames) {
		for (RecordedFrame frame : frames) {
			String type = frame.getMethod().getType().getName();
			String method = frame.getMethod().getName();
			if ((method.equals("doFilter") && type.contains("FilterChain"))
					|| (method.equals("proceed") && type.contains("MethodInvocation"))) {
				return false;
			}
			if (type.startsWith("dev.litefs.spring.")) {
				return true;
			}
		}
		return false;
	}

	/**
	 * The primary moves to the replica, then back (LiteFS restarted on both nodes): from
	 * when the new primary's mount shows it to when its app's {@code /actuator/litefs} says so.
	 */
	private void roleChanges(LiteFsCluster cluster, Map<LiteFsCluster.Node, App> apps) throws Exception {
		List<String> seen = new ArrayList<>();
		long slowest = 0;
		for (LiteFsCluster.Node node : List.of(cluster.node(1), cluster.node(0))) {
			Thread promotion = new Thread(() -> cluster.promote(node), "promote-" + node.hostname());
			promotion.start();
			long mount = awaitNanos(() -> Files.exists(node.mountDir().resolve("app.db"))
					&& !Files.exists(node.mountDir().resolve(".primary")));
			long app = awaitNanos(() -> {
				try {
					return apps.get(node).get("/actuator/litefs").contains("\"role\":\"primary\"");
				}
				catch (java.io.IOException ex) {
					return false;
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					throw new IllegalStateException(ex);
				}
			});
			promotion.join();
			seen.add(node.hostname() + " " + Bench.difference(app - mount));
			slowest = Math.max(slowest, app - mount);
		}
		this.bench.row(PART, "role change seen by the app after its mount shows it (two promotions)",
				String.join(", ", seen), Double.NaN, "≤ 50 ms", slowest <= 50_000_000);
	}

	private static long awaitNanos(BooleanSupplier condition) {
		long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
		while (System.nanoTime() < deadline) {
			if (condition.getAsBoolean()) {
				return System.nanoTime();
			}
			Bench.sleep(1);
		}
		throw new IllegalStateException("Not seen within 60 s");
	}

}
