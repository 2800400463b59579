package dev.litefs.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import dev.litefs.spring.node.LiteFsMount;
import dev.litefs.spring.node.Position;
import dev.litefs.spring.test.FakeLiteFsMount;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Part 3: read-your-writes on a replica. N requests carry a {@code __txid} one ahead of
 * the replica's, so they wait; the harness then writes that TXID into {@code <db>-pos}
 * and times each answer from that instant. The release mechanism is then measured alone,
 * without HTTP: the starter's {@link dev.litefs.spring.node.LiteFsNode#await}
 * against the per-request polling of LiteFS's proxy (1 ms) and of litefs-js (30 ms).
 */
final class ReleaseLatency {

	private static final long P50_TARGET_NANOS = 2_000_000;

	private static final long P99_TARGET_NANOS = 10_000_000;

	private static final double CPU_TARGET = 0.05;

	private static final int TARGET_WAITING = 300;

	private static final long FIRST_TXID = 0x100;

	/** The new TXID is written at a random moment of this span once the requests wait. */
	private static final Duration PUBLISH_JITTER = Duration.ofMillis(20);

	private static final JsonMapper json = JsonMapper.builder().build();

	private final Bench bench;

	ReleaseLatency(Bench bench) {
		this.bench = bench;
	}

	Report run() {
		Settings settings = this.bench.settings();
		Map<Integer, Latencies> released = new LinkedHashMap<>();
		Map<Integer, Latencies> served = new LinkedHashMap<>();
		Cpu cpu = null;
		FakeLiteFsMount mount = FakeLiteFsMount.replicaOf(this.bench.directoryWithDatabase("release"), Bench.PRIMARY)
			.txid(FIRST_TXID);
		Map<String, String> properties = Bench.withLiteFs(mount, Bench.REPLICA);
		properties.put("litefs.consistency.timeout", "60s");
		long reached;
		try (SampleApp app = this.bench.start("release", properties)) {
			Replica replica = new Replica(app, mount, FIRST_TXID);
			replica.warmUp();
			CpuWindow idle = CpuWindow.measure(app.pid(), settings.cpuWindow(), 1)[0];
			for (int i = 0; i < Settings.WAITING.length; i++) {
				int n = Settings.WAITING[i];
				for (int round = 0; round < settings.releaseRounds()[i]; round++) {
					boolean measureCpu = n == TARGET_WAITING && round == 0;
					Release release = replica.release(n, measureCpu ? settings.cpuWindow() : null);
					released.computeIfAbsent(n, (key) -> new Latencies()).addAll(release.latencies());
					if (measureCpu) {
						cpu = new Cpu(idle, release.cpu()[0], release.cpu()[1]);
					}
				}
				for (int round = 0; round < settings.releaseRounds()[i]; round++) {
					served.computeIfAbsent(n, (key) -> new Latencies()).addAll(replica.burst(n));
				}
			}
			reached = replica.txid;
		}
		VirtualRun virtual = null;
		if (Bench.hasVirtualThreads()) {
			properties.put(Bench.VIRTUAL_THREADS, "true");
			try (SampleApp app = this.bench.start("release-virtual", properties)) {
				virtual = virtualRun(new Replica(app, mount, reached));
			}
		}
		Map<String, Mechanism> mechanisms = new LinkedHashMap<>();
		mechanisms.put("starter, LiteFS's event stream up (`tx` events, no polling)",
				measure("events", Duration.ofMillis(1)));
		mechanisms.put("starter (`LiteFsNode.await`, 1 ms: the default)", measure("watcher", Duration.ofMillis(1)));
		mechanisms.put("starter (`LiteFsNode.await`, 2 ms)", measure("watcher", Duration.ofMillis(2)));
		mechanisms.put("LiteFS proxy (each request polls, 1 ms)", measure("polling", Duration.ofMillis(1)));
		mechanisms.put("litefs-js (each request polls, 30 ms)", measure("polling", Duration.ofMillis(30)));
		return report(released, served, cpu, virtual, mechanisms, wakeUpFloor(Duration.ofMillis(1)));
	}

	/** The same 300 requests released, and served with nothing to wait for, by an app on virtual threads. */
	private VirtualRun virtualRun(Replica replica) {
		replica.warmUp();
		int rounds = this.bench.settings().releaseRounds()[Settings.WAITING.length - 1];
		VirtualRun run = new VirtualRun(new Latencies(), new Latencies());
		for (int round = 0; round < rounds; round++) {
			run.released().addAll(replica.release(TARGET_WAITING, null).latencies());
		}
		for (int round = 0; round < rounds; round++) {
			run.served().addAll(replica.burst(TARGET_WAITING));
		}
		return run;
	}

	/**
	 * What waking one thread up at this interval, and doing nothing else, costs a JVM on
	 * this machine: the floor under any poll at that interval.
	 */
	private CpuWindow[] wakeUpFloor(Duration interval) {
		String name = "waking-" + interval.toMillis() + "ms";
		FakeLiteFsMount unused = FakeLiteFsMount.replicaOf(this.bench.directory(name), Bench.PRIMARY);
		try (Waiters ticker = Waiters.launch(this.bench, "ticker", unused, interval, name)) {
			ticker.expect("ticking");
			return CpuWindow.measure(ticker.pid(), this.bench.settings().cpuWindow(), 2);
		}
	}

	/** The release mechanism alone, in a child JVM: the design given, polling at this interval. */
	private Mechanism measure(String design, Duration interval) {
		Settings settings = this.bench.settings();
		String name = "waiting-" + design + "-" + interval.toMillis() + "ms";
		FakeLiteFsMount mount = FakeLiteFsMount.replicaOf(this.bench.directory(name), Bench.PRIMARY).txid(FIRST_TXID);
		Map<Integer, Latencies> released = new LinkedHashMap<>();
		Cpu cpu = null;
		try (Waiters waiters = Waiters.launch(this.bench, design, mount, interval, name)) {
			boolean events = design.equals("events");
			long txid = FIRST_TXID;
			for (int i = 0; i < Settings.WAITING.length; i++) {
				int n = Settings.WAITING[i];
				for (int round = 0; round < settings.releaseRounds()[i]; round++) {
					boolean measureCpu = n == TARGET_WAITING && round == 0;
					CpuWindow idle = measureCpu ? CpuWindow.measure(waiters.pid(), settings.cpuWindow(), 1)[0] : null;
					Release release = waiters.release(mount, ++txid, n, measureCpu ? settings.cpuWindow() : null, events);
					released.computeIfAbsent(n, (key) -> new Latencies()).addAll(release.latencies());
					if (measureCpu) {
						cpu = new Cpu(idle, release.cpu()[0], release.cpu()[1]);
					}
				}
			}
		}
		return new Mechanism(released, cpu);
	}

	private Report report(Map<Integer, Latencies> released, Map<Integer, Latencies> served, Cpu cpu,
			@Nullable VirtualRun virtual, Map<String, Mechanism> mechanisms, CpuWindow[] floor) {
		Settings settings = this.bench.settings();
		Report report = new Report("3. Read-your-writes: releasing requests that wait for a TXID");
		Latencies target = released.get(TARGET_WAITING);
		for (int n : Settings.WAITING) {
			if (n != TARGET_WAITING) {
				report.comparison("release (HTTP answer) p50 / p99 / max, N = " + n, percentiles(released.get(n)));
			}
		}
		Latencies served300 = served.get(TARGET_WAITING);
		Mechanism starter = mechanisms.values().iterator().next();
		Latencies alone = starter.released().get(TARGET_WAITING);
		int cores = Runtime.getRuntime().availableProcessors();
		report.figure("release (HTTP answer) p50, N = 300", Format.nanos(target.p50()),
				"≤ " + Format.nanos(P50_TARGET_NANOS), target.p50() <= P50_TARGET_NANOS,
				servingWhy(target.p50() - P50_TARGET_NANOS, "p50", served300.p50(), alone.p50(), cores));
		report.figure("release (HTTP answer) p99, N = 300", Format.nanos(target.p99()),
				"≤ " + Format.nanos(P99_TARGET_NANOS), target.p99() <= P99_TARGET_NANOS,
				servingWhy(target.p99() - P99_TARGET_NANOS, "p99", served300.p99(), alone.p99(), cores));
		report.comparison("the same 300 requests with nothing to wait for, p50 / p99 / max",
				percentiles(served300));
		if (virtual != null) {
			report.comparison("release (HTTP answer) p50 / p99 / max, N = 300, the app on virtual threads",
					percentiles(virtual.released()));
			report.comparison("the same 300 requests with nothing to wait for, the app on virtual threads",
					percentiles(virtual.served()));
		}
		report.figure("CPU of the replica's JVM during a " + Format.duration(settings.cpuWindow())
				+ " wait of 300 requests (the next " + Format.duration(settings.cpuWindow()) + "; none waiting)",
				cpu.describe(), "≤ " + Format.percent(CPU_TARGET) + " of a core", cpu.first().share() <= CPU_TARGET,
				String.format(Locale.ROOT, "by %s of a core; this fake mount has no event stream, so one thread "
						+ "reads `<db>-pos` every 1 ms while any request waits, and a thread that only wakes every "
						+ "1 ms costs %s here; with LiteFS's event stream, as a real LiteFS has, the same 300 waits "
						+ "cost %s (the mechanism alone, below)",
						Format.percent(cpu.first().share() - CPU_TARGET), Format.percent(floor[0].share()),
						Format.percent(starter.cpu().first().share())));
		Latencies one = starter.released().get(Settings.WAITING[0]);
		report.figure("release mechanism alone (no HTTP), starter's default, p50 / p99, N = 300",
				Format.nanos(alone.p50()) + " / " + Format.nanos(alone.p99()),
				"≤ " + Format.nanos(P50_TARGET_NANOS) + " / ≤ " + Format.nanos(P99_TARGET_NANOS),
				alone.p50() <= P50_TARGET_NANOS && alone.p99() <= P99_TARGET_NANOS,
				String.format(Locale.ROOT, "by %s; one waiter alone is released in %s (p50): the rest is completing "
						+ "300 waits at once on %d cores", overs(alone), Format.nanos(one.p50()), cores));
		mechanisms.forEach((name, result) -> report.comparison(
				"release mechanism alone, " + name + ", N = 300: p50 / p99 / max; CPU while 300 wait (the next "
						+ Format.duration(settings.cpuWindow()) + "; none waiting)",
				percentiles(result.released().get(TARGET_WAITING)) + "; " + result.cpu().describe()));
		report.comparison("a JVM whose one thread only wakes up every 1 ms (this machine's floor under a 1 ms poll), "
				+ "CPU over " + Format.duration(settings.cpuWindow()) + " (the next)",
				Format.percent(floor[0].share()) + " (" + Format.percent(floor[1].share()) + ")");
		report.detail(String.format(Locale.ROOT,
				"A fake replica at TXID %s (`litefs.consistency.timeout=60s`, every other setting the default, so "
						+ "`litefs.wait-poll-interval=1ms`). N client threads each send `GET /api/posts/{id}` with "
						+ "`__txid` one ahead; once the replica's `http.server.requests.active` shows all N in flight "
						+ "(and none answered), at a random moment of the next 20 ms the harness takes `System.nanoTime()` "
						+ "and renames a new `<db>-pos`, "
						+ "written beforehand beside the mount, over the replica's (one atomic rename, as LiteFS makes "
						+ "the file change at once); each thread takes `System.nanoTime()` when its answer is complete. "
						+ "Release = answer − write. Rounds per N: %s.",
				Position.toHex(FIRST_TXID), rounds(settings)));
		report.detail("");
		report.detail("| N | samples | release p50 | p99 | max | same N, nothing to wait for: p50 | p99 | max |");
		report.detail("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
		for (int n : Settings.WAITING) {
			Latencies r = released.get(n);
			Latencies s = served.get(n);
			report.detail(String.format(Locale.ROOT, "| %d | %d | %s | %s | %s | %s | %s | %s |", n, r.count(),
					Format.nanos(r.p50()), Format.nanos(r.p99()), Format.nanos(r.max()), Format.nanos(s.p50()),
					Format.nanos(s.p99()), Format.nanos(s.max())));
		}
		report.detail("");
		report.detail((virtual != null) ? String.format(Locale.ROOT, "On virtual threads: the same replica app "
				+ "with `%s=true` (Tomcat serves each request on a virtual thread), started after the one above on "
				+ "the same mount and warmed up the same way; N = 300 only; rounds of each: %d. Java %s.",
				Bench.VIRTUAL_THREADS, settings.releaseRounds()[Settings.WAITING.length - 1], Runtime.version())
				: Bench.noVirtualThreads());
		report.detail("");
		report.detail("\"Nothing to wait for\" sends the same N requests at once with a caught-up cookie, timed from "
				+ "the send: what serving N requests at once costs on this machine, waiting or not.");
		report.detail("");
		report.detail(String.format(Locale.ROOT,
				"CPU: utime + stime of the replica's JVM from `/proc/<pid>/stat`, in shares of one core: over %s from "
						+ "1 s after all %d requests were waiting, %s; over the next %s, %s (the code that watches "
						+ "is compiled by then); over %s with none waiting, after the warm-up, %s.",
				Format.duration(settings.cpuWindow()), TARGET_WAITING, Format.percent(cpu.first().share()),
				Format.duration(settings.cpuWindow()), Format.percent(cpu.next().share()),
				Format.duration(settings.cpuWindow()), Format.percent(cpu.idle().share())));
		report.detail("");
		report.detail("Its busiest threads (names as Linux keeps them, 15 characters): while 300 waited, "
				+ cpu.first().threads() + "; over the next window, " + cpu.next().threads() + "; with none waiting, "
				+ cpu.idle().threads() + ".");
		report.detail("");
		report.detail("The release mechanism alone, without HTTP: a child JVM (same flags) in which N waits are "
				+ "released by the starter's `LiteFsNode.await` (one thread reading `<db>-pos` every poll interval for "
				+ "all waiting requests, releasing each by completing its future; in the app, that completion "
				+ "dispatches the request), or in which each waiting request is a thread reading `<db>-pos` on its "
				+ "own every 1 ms (what LiteFS's proxy does for a `__txid` request) or every 30 ms (litefs-js). "
				+ "With the event stream up, the same watcher's node is subscribed to an `/events` stream the child "
				+ "serves on loopback (HTTP, NDJSON, as LiteFS's): nothing reads `<db>-pos` for the waiters, and "
				+ "release counts from the instant before the `tx` event is written to the socket. "
				+ "Release = the instant a wait ends; the harness writes the TXID as above. "
				+ "Both JVMs' `System.nanoTime()` is Linux's `CLOCK_MONOTONIC`; the harness checks that the two agree.");
		report.detail("");
		report.detail("| mechanism | N | samples | release p50 | p99 | max | CPU while 300 wait (next; none waiting) |");
		report.detail("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
		mechanisms.forEach((name, result) -> {
			for (int n : Settings.WAITING) {
				Latencies r = result.released().get(n);
				report.detail(String.format(Locale.ROOT, "| %s | %d | %d | %s | %s | %s | %s |", name, n, r.count(),
						Format.nanos(r.p50()), Format.nanos(r.p99()), Format.nanos(r.max()),
						(n == TARGET_WAITING) ? result.cpu().describe() : ""));
			}
		});
		report.detail("");
		report.detail("Their busiest threads while 300 waited, over the first window; the next:");
		report.detail("");
		mechanisms.forEach((name, result) -> report.detail("- " + name + ": " + result.cpu().first().threads()
				+ "; " + result.cpu().next().threads()));
		report.detail(String.format(Locale.ROOT,
				"- for comparison, a JVM whose one thread only wakes up every 1 ms and does nothing: %s, %s; %s, %s",
				Format.percent(floor[0].share()), floor[0].threads(), Format.percent(floor[1].share()),
				floor[1].threads()));
		return report;
	}

	private static String rounds(Settings settings) {
		List<String> rounds = new ArrayList<>();
		for (int i = 0; i < Settings.WAITING.length; i++) {
			rounds.add("N = " + Settings.WAITING[i] + ": " + settings.releaseRounds()[i]);
		}
		return String.join(", ", rounds);
	}

	private static String percentiles(Latencies latencies) {
		return Format.nanos(latencies.p50()) + " / " + Format.nanos(latencies.p99()) + " / "
				+ Format.nanos(latencies.max());
	}

	/**
	 * Writes a TXID into a mount's {@code <db>-pos} as LiteFS would, in one atomic
	 * rename, at a random moment of the next 20 ms: the file is written beside the mount
	 * first, so the instant the rename starts is the instant the new TXID appears, give
	 * or take the rename itself.
	 * @param mount the mount
	 * @param txid the TXID
	 * @return {@link System#nanoTime()} just before the rename
	 */
	private static long publish(FakeLiteFsMount mount, long txid) {
		// at a random moment: a poll just before or just after would flatter or wrong the pollers
		LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(PUBLISH_JITTER.toNanos()));
		Path staging = mount.dir().resolveSibling(mount.dir().getFileName() + "-staging");
		FakeLiteFsMount staged = FakeLiteFsMount.replicaOf(staging, Bench.PRIMARY).withDatabase(mount.database())
			.txid(txid);
		Path from = new LiteFsMount(staged.dir(), staged.database()).positionFile();
		Path to = new LiteFsMount(mount.dir(), mount.database()).positionFile();
		try {
			long instant = System.nanoTime();
			Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
			return instant;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not write " + to, ex);
		}
	}

	/** The release of 300 waiting requests, and the same 300 served with nothing to wait for, on virtual threads. */
	private record VirtualRun(Latencies released, Latencies served) {

	}

	/** The replica app, its mount, and the TXID it has reached. */
	private final class Replica {

		private final SampleApp app;

		private final FakeLiteFsMount mount;

		private long txid;

		private int idleActive;

		Replica(SampleApp app, FakeLiteFsMount mount, long txid) {
			this.app = app;
			this.mount = mount;
			this.txid = txid;
		}

		void warmUp() {
			// the metric may count the request that reads it: what it shows with nothing in flight
			this.idleActive = activeRequests();
			Settings settings = ReleaseLatency.this.bench.settings();
			Vegeta.Result warmUp = ReleaseLatency.this.bench.vegeta()
				.attack("GET " + postUri() + "\nCookie: __txid=" + Position.toHex(this.txid), 0, settings.clientThreads(),
						settings.warmUp());
			if (warmUp.failed() > 0) {
				throw new IllegalStateException("The warm-up of " + this.app.name() + " got " + warmUp.failed()
						+ " answers that were not 2xx, the first: " + warmUp.firstFailure());
			}
			for (int n : Settings.WAITING) {
				release(n, null);
				burst(n);
			}
		}

		Release release(int n, @Nullable Duration cpuWindow) {
			long target = ++this.txid;
			RequestBatch batch = RequestBatch.send(client(), read(target), n);
			awaitWaiting(batch, n);
			CpuWindow[] cpu = (cpuWindow != null) ? CpuWindow.measure(this.app.pid(), cpuWindow, 2) : null;
			if (batch.answered() > 0) {
				throw new IllegalStateException(batch.answered() + " of " + n + " requests did not wait for TXID "
						+ Position.toHex(target));
			}
			long written = publish(this.mount, target);
			Latencies latencies = new Latencies();
			for (long answered : batch.await()) {
				latencies.add(answered - written);
			}
			return new Release(latencies, cpu);
		}

		Latencies burst(int n) {
			RequestBatch batch = RequestBatch.send(client(), read(this.txid), n);
			Latencies latencies = new Latencies();
			for (long answered : batch.await()) {
				latencies.add(answered - batch.sent());
			}
			return latencies;
		}

		private void awaitWaiting(RequestBatch batch, int n) {
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
			int active = activeRequests();
			while (active - this.idleActive < n) {
				if (System.nanoTime() - deadline > 0) {
					throw new IllegalStateException("Only " + active + " of " + n + " requests reached the replica ("
							+ batch.answered() + " answered)");
				}
				LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
				active = activeRequests();
			}
		}

		/** The requests in flight in the app, from Spring MVC's observation. */
		private int activeRequests() {
			HttpRequest metric = HttpRequest.newBuilder(this.app.uri("/actuator/metrics/http.server.requests.active"))
				.build();
			try {
				HttpResponse<String> response = client().send(metric, HttpResponse.BodyHandlers.ofString());
				if (response.statusCode() != 200) {
					throw new IllegalStateException("http.server.requests.active answered " + response.statusCode());
				}
				for (JsonNode measurement : json.readTree(response.body()).path("measurements")) {
					if (measurement.path("statistic").asString().equals("ACTIVE_TASKS")) {
						return measurement.path("value").asInt();
					}
				}
				throw new IllegalStateException("No ACTIVE_TASKS in " + response.body());
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
		}

		private URI postUri() {
			return this.app.uri("/api/posts/" + ReleaseLatency.this.bench.seed().postId());
		}

		private HttpRequest read(long txid) {
			return HttpRequest.newBuilder(postUri())
				.header("Cookie", "__txid=" + Position.toHex(txid))
				.build();
		}

		private HttpClient client() {
			return ReleaseLatency.this.bench.client();
		}

	}

	/** A child JVM running {@link WaitingRequests}. */
	private static final class Waiters implements AutoCloseable {

		private final Process process;

		private final PrintWriter commands;

		private final BufferedReader answers;

		private Waiters(Process process) {
			this.process = process;
			this.commands = new PrintWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.US_ASCII),
					true);
			this.answers = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII));
		}

		static Waiters launch(Bench bench, String design, FakeLiteFsMount mount, Duration interval, String name) {
			List<String> command = Bench.childJvm(WaitingRequests.class, design, mount.dir().toString(),
					mount.database(), Long.toString(interval.toNanos()));
			try {
				Path log = bench.logs().resolve(name + ".log");
				Files.createDirectories(log.getParent());
				return new Waiters(new ProcessBuilder(command).redirectError(log.toFile()).start());
			}
			catch (IOException ex) {
				throw new UncheckedIOException("Could not launch " + name, ex);
			}
		}

		/**
		 * One release of n waits: the TXID written to {@code <db>-pos} as LiteFS does, and
		 * with {@code events} also sent as a {@code tx} event, from whose sending the
		 * latencies count.
		 */
		Release release(FakeLiteFsMount mount, long txid, int n, @Nullable Duration cpuWindow, boolean events) {
			this.commands.println("wait " + n + " " + txid);
			long waitingSince = Long.parseLong(expect("waiting")[1]);
			long lag = System.nanoTime() - waitingSince;
			if (lag < 0 || lag > TimeUnit.SECONDS.toNanos(5)) {
				throw new IllegalStateException("The child JVM's System.nanoTime() does not agree with this one's ("
						+ lag + " ns apart): release instants cannot be compared");
			}
			CpuWindow[] cpu = (cpuWindow != null) ? CpuWindow.measure(this.process.pid(), cpuWindow, 2) : null;
			long written = publish(mount, txid);
			if (events) {
				this.commands.println("tx " + txid);
				written = Long.parseLong(expect("sent")[1]);
			}
			String[] released = expect("released");
			Latencies latencies = new Latencies();
			for (int i = 1; i < released.length; i++) {
				long instant = Long.parseLong(released[i]);
				if (instant == -1) {
					throw new IllegalStateException("A wait for TXID " + Position.toHex(txid) + " timed out");
				}
				latencies.add(instant - written);
			}
			return new Release(latencies, cpu);
		}

		long pid() {
			return this.process.pid();
		}

		String[] expect(String word) {
			try {
				String line = this.answers.readLine();
				if (line == null || !line.startsWith(word + " ")) {
					throw new IllegalStateException("Expected '" + word + "' from the waiting JVM, got: " + line);
				}
				return line.split(" ");
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

		@Override
		public void close() {
			this.commands.println("quit");
			try {
				if (!this.process.waitFor(10, TimeUnit.SECONDS)) {
					this.process.destroyForcibly();
				}
			}
			catch (InterruptedException ex) {
				this.process.destroyForcibly();
				Thread.currentThread().interrupt();
			}
		}

	}

	/**
	 * One release of N waiting requests.
	 *
	 * @param latencies each request's release − write
	 * @param cpu the CPU the process used in two consecutive windows while they waited,
	 * or {@code null} when not measured
	 */
	private record Release(Latencies latencies, CpuWindow @Nullable [] cpu) {

	}

	/** By how much a release missed its targets, at the percentiles that missed. */
	private static String overs(Latencies released) {
		List<String> overs = new ArrayList<>();
		if (released.p50() > P50_TARGET_NANOS) {
			overs.add(Format.difference(released.p50() - P50_TARGET_NANOS) + " at p50");
		}
		if (released.p99() > P99_TARGET_NANOS) {
			overs.add(Format.difference(released.p99() - P99_TARGET_NANOS) + " at p99");
		}
		return String.join(" and ", overs);
	}

	/** Why a release of 300 requests missed its target: serving them, waiting or not. */
	private static String servingWhy(double over, String percentile, double served, double alone, int cores) {
		return String.format(Locale.ROOT, "by %s; the same 300 requests with nothing to wait for take %s (%s) and "
				+ "the release mechanism alone %s: the rest is serving 300 requests at once on %d cores",
				Format.difference(over), Format.nanos(served), percentile, Format.nanos(alone), cores);
	}

	/**
	 * What a release mechanism alone gave.
	 *
	 * @param released release latencies by N
	 * @param cpu its JVM's CPU while 300 waited
	 */
	private record Mechanism(Map<Integer, Latencies> released, Cpu cpu) {

	}

	/**
	 * The CPU a JVM used: over a window while 300 requests waited, over the next window,
	 * and over a window with none waiting.
	 *
	 * @param idle with none waiting
	 * @param first while 300 waited, from a second after they all did
	 * @param next over the window after that
	 */
	private record Cpu(CpuWindow idle, CpuWindow first, CpuWindow next) {

		String describe() {
			return Format.percent(this.first.share()) + " (" + Format.percent(this.next.share()) + "; "
					+ Format.percent(this.idle.share()) + ")";
		}

	}

}
