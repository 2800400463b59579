package dev.litefs.benchmarks;

import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.litefs.spring.test.cluster.LiteFsCluster;

/**
 * Sessions (issue #31) on a real two-node LiteFS cluster of its own: the sample app's
 * signed-in page on the replica against the same page read anonymously and against the
 * app with {@code litefs.session.enabled=false}; a sign-in (a session change) on the
 * replica, written under LiteFS's HALT lock, against the same on the primary; and the
 * primary's writes while one signed-in user reloads the page on the replica.
 */
final class SessionsPart {

	static final String PART = "5 sessions";

	private static final Pattern CSRF = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"");

	private final Bench bench;

	SessionsPart(Bench bench) {
		this.bench = bench;
	}

	/** A signed-in session: its {@code Cookie} header. */
	private record Session(String cookie) {
	}

	void run() throws Exception {
		Path logs = this.bench.folder("logs");
		String loadAtStart = loadAverage();
		try (LiteFsCluster cluster = LiteFsCluster.builder().hostnames("127.0.0.1", "node-b").start();
				App primary = App.start(this.bench.jar, logs, "sessions-primary", App.freePort(),
						onNode(cluster.primary(), null))) {
			primary.write();
			cluster.awaitReplicated("app.db", Duration.ofSeconds(30));
			LiteFsCluster.Node replica = cluster.node(1);
			Map<String, String> off = onNode(replica, primary);
			off.put("litefs.session.enabled", "false");
			try (App on = App.start(this.bench.jar, logs, "sessions-on", App.freePort(), onNode(replica, primary));
					App without = App.start(this.bench.jar, logs, "sessions-off", App.freePort(), off)) {
				long[] liteFs = { cluster.node(0).pid(), replica.pid() };
				signInCost(on, primary, liteFs);
				signedInReads(on);
				withoutSessionSupport(cluster, primary, without);
				reloads(cluster, on);
			}
		}
		this.bench.row(PART, "load average (1, 5, 15 min) at the start vs the end of this part (2 cores shared with "
				+ "other work: latencies are noisy, the ratios within one run least)",
				loadAtStart + " vs " + loadAverage(), Double.NaN, "", null);
	}

	/** The starter on a node of the cluster; on a replica, forwarding to the primary's app. */
	private static Map<String, String> onNode(LiteFsCluster.Node node, App primary) {
		Map<String, String> properties = ClusterPart.onNode(node);
		if (primary != null) {
			properties.put("litefs.routing.strategy", "forward");
			properties.put("litefs.routing.forward.url-template", "http://{primary}:" + primary.port);
		}
		return properties;
	}

	/**
	 * Sign-ins on the replica (under HALT) and on the primary, blocks of each in turns: the
	 * {@code GET /login} that creates the session and the {@code POST /login} that changes
	 * its id and stores the security context, each timed; CPU per sign-in over a block.
	 */
	private void signInCost(App replica, App primary, long[] liteFs) throws Exception {
		for (int i = 0; i < this.bench.count(30, 5); i++) {
			signIn(replica, null);
			signIn(primary, null);
		}
		int perBlock = this.bench.count(40, 10);
		Map<String, List<Long>> created = new LinkedHashMap<>();
		Map<String, List<Long>> signedIn = new LinkedHashMap<>();
		Map<String, double[]> cpu = new LinkedHashMap<>();
		Map<String, Integer> failed = new LinkedHashMap<>();
		for (String name : List.of("replica", "primary")) {
			created.put(name, new ArrayList<>());
			signedIn.put(name, new ArrayList<>());
			cpu.put(name, new double[2]);
			failed.put(name, 0);
		}
		for (int block = 0; block < this.bench.count(5, 2); block++) {
			for (int j = 0; j < 2; j++) {
				String name = ((block + j) % 2 == 0) ? "replica" : "primary";
				App app = name.equals("replica") ? replica : primary;
				long appCpu = App.cpuNanos(app.pid());
				long liteFsCpu = App.cpuNanos(liteFs);
				for (int i = 0; i < perBlock; i++) {
					long[] times = new long[2];
					if (signIn(app, times) == null) {
						failed.merge(name, 1, Integer::sum);
					}
					created.get(name).add(times[0]);
					signedIn.get(name).add(times[1]);
				}
				cpu.get(name)[0] += App.cpuNanos(app.pid()) - appCpu;
				cpu.get(name)[1] += App.cpuNanos(liteFs) - liteFsCpu;
			}
		}
		int count = created.get("replica").size();
		ratioRow("a new session (`GET /login`, its CSRF token stored), p50 / p99: on the replica vs on the primary",
				created.get("replica"), created.get("primary"));
		ratioRow("a sign-in (`POST /login`: a new session id, the security context stored), p50 / p99: on the "
				+ "replica vs on the primary", signedIn.get("replica"), signedIn.get("primary"));
		double replicaCpu = cpu.get("replica")[0] / count;
		double primaryCpu = cpu.get("primary")[0] / count;
		this.bench.row(PART, "the app's CPU per sign-in (both requests, `/proc/<pid>/stat`): on the replica vs on "
				+ "the primary; both LiteFS processes' CPU per sign-in, same order",
				Bench.nanos(replicaCpu) + " vs " + Bench.nanos(primaryCpu) + "; "
						+ Bench.nanos(cpu.get("replica")[1] / count) + " vs " + Bench.nanos(cpu.get("primary")[1] / count),
				replicaCpu / primaryCpu, "", null);
		this.bench.row(PART, "sign-ins that failed: on the replica / on the primary",
				failed.get("replica") + " of " + count + " / " + failed.get("primary") + " of " + count, Double.NaN,
				"0", failed.get("replica") == 0 && failed.get("primary") == 0);
	}

	/**
	 * The page ({@code GET /}) on the replica signed in against anonymous: blocks of each in
	 * turns, each request timed, the app's CPU over each block.
	 */
	private void signedInReads(App replica) throws Exception {
		Session session = signIn(replica, null);
		int perBlock = this.bench.count(200, 40);
		for (int i = 0; i < perBlock; i++) {
			page(replica, session);
			page(replica, null);
		}
		Map<String, List<Long>> times = new LinkedHashMap<>();
		Map<String, Long> cpu = new LinkedHashMap<>();
		Map<String, Integer> failed = new LinkedHashMap<>();
		for (String name : List.of("signed in", "anonymous")) {
			times.put(name, new ArrayList<>());
			cpu.put(name, 0L);
			failed.put(name, 0);
		}
		for (int block = 0; block < this.bench.count(6, 2); block++) {
			for (int j = 0; j < 2; j++) {
				String name = ((block + j) % 2 == 0) ? "signed in" : "anonymous";
				Session as = name.equals("signed in") ? session : null;
				long before = App.cpuNanos(replica.pid());
				for (int i = 0; i < perBlock; i++) {
					long started = System.nanoTime();
					HttpResponse<String> answer = page(replica, as);
					times.get(name).add(System.nanoTime() - started);
					if (!shows(answer, as)) {
						failed.merge(name, 1, Integer::sum);
					}
				}
				cpu.merge(name, App.cpuNanos(replica.pid()) - before, Long::sum);
			}
		}
		ratioRow("the page (`GET /`) on the replica, p50 / p99 (one client, the JDK's `HttpClient`): signed in vs "
				+ "anonymous (no session)", times.get("signed in"), times.get("anonymous"));
		int count = times.get("signed in").size();
		double signedInCpu = (double) cpu.get("signed in") / count;
		double anonymousCpu = (double) cpu.get("anonymous") / count;
		this.bench.row(PART, "the app's CPU per page on the replica: signed in vs anonymous",
				Bench.nanos(signedInCpu) + " vs " + Bench.nanos(anonymousCpu), signedInCpu / anonymousCpu, "", null);
		this.bench.row(PART, "pages on the replica not `200` with the expected page (signed in / anonymous)",
				failed.get("signed in") + " of " + count + " / " + failed.get("anonymous") + " of " + count, Double.NaN,
				"0", failed.get("signed in") == 0 && failed.get("anonymous") == 0);
	}

	/**
	 * The same signed-in page on the replica's app with {@code litefs.session.enabled=false}:
	 * Spring Session JDBC writes each request's last-access time, which a replica refuses.
	 * The session is made on the primary (signing in there) and read after replication.
	 */
	private void withoutSessionSupport(LiteFsCluster cluster, App primary, App without) throws Exception {
		Session session = signIn(primary, null);
		cluster.awaitReplicated("app.db", Duration.ofSeconds(30));
		int count = this.bench.count(100, 20);
		int failed = 0;
		Map<Integer, Integer> statuses = new TreeMap<>();
		for (int i = 0; i < count; i++) {
			HttpResponse<String> answer = page(without, session);
			statuses.merge(answer.statusCode(), 1, Integer::sum);
			if (!shows(answer, session)) {
				failed++;
			}
		}
		this.bench.row(PART, "the signed-in page on the replica with `litefs.session.enabled=false` (Spring Session "
				+ "JDBC alone): failed (not `200` signed in), and the statuses seen",
				String.format(Locale.ROOT, "%d of %d; %s", failed, count, statuses), (double) failed / count, "", null);
	}

	/**
	 * 100 reloads of the page by one signed-in user on the replica, then 100 anonymous ones
	 * as the baseline (what else moves the primary's TXID meanwhile): the primary's TXID
	 * before and after each reload, and 2 s after the last. The reloads start once the user
	 * has landed on the page after signing in, as a browser does: that first page stores
	 * the new CSRF token of the signed-in session, a session change.
	 */
	private void reloads(LiteFsCluster cluster, App replica) throws Exception {
		Session session = signIn(replica, null);
		page(replica, session);
		cluster.awaitReplicated("app.db", Duration.ofSeconds(30));
		Map<String, String> seen = new LinkedHashMap<>();
		Map<String, Long> writes = new LinkedHashMap<>();
		int failed = 0;
		for (Session as : java.util.Arrays.asList(session, null)) {
			long first = cluster.primary().txid("app.db");
			long last = first;
			List<Integer> movedAt = new ArrayList<>();
			for (int i = 1; i <= 100; i++) {
				if (!shows(page(replica, as), as)) {
					failed++;
				}
				long now = cluster.primary().txid("app.db");
				if (now != last) {
					movedAt.add(i);
					last = now;
				}
			}
			Bench.sleep(2_000);
			long after = cluster.primary().txid("app.db") - last;
			String name = (as != null) ? "signed in" : "anonymous";
			writes.put(name, cluster.primary().txid("app.db") - first);
			seen.put(name, String.format(Locale.ROOT, "%s %d (at reloads %s; in the 2 s after: %d)", name,
					writes.get(name), movedAt, after));
		}
		this.bench.row(PART, "primary writes (TXID moves) during 100 reloads of the page on the replica (after "
				+ "the page the sign-in lands on) and 2 s after: one signed-in user vs anonymous (the baseline); reloads not as expected",
				String.join(" vs ", seen.values()) + "; " + failed + " of 200", Double.NaN,
				"signed in ≤ anonymous (last-access times coalesced, `litefs.session.last-access-interval` 1 min)",
				writes.get("signed in") <= writes.get("anonymous") && failed == 0);
	}

	private void ratioRow(String figure, List<Long> measured, List<Long> baseline) {
		long[] a = measured.stream().mapToLong(Long::longValue).toArray();
		long[] b = baseline.stream().mapToLong(Long::longValue).toArray();
		long p50 = Bench.percentile(a, 50);
		long base = Bench.percentile(b, 50);
		this.bench.row(PART, figure + "; ratio at p50",
				Bench.nanos(p50) + " / " + Bench.nanos(Bench.percentile(a, 99)) + " vs " + Bench.nanos(base) + " / "
						+ Bench.nanos(Bench.percentile(b, 99)) + String.format(Locale.ROOT, " (%,d each)", a.length),
				(double) p50 / base, "", null);
	}

	/**
	 * Signs the demo user in through the form, as a browser does.
	 * @param times when given, receives the nanoseconds of {@code GET /login} and of {@code POST /login}
	 * @return the signed-in session, or {@code null} when either step failed
	 */
	private static Session signIn(App app, long[] times) throws Exception {
		long started = System.nanoTime();
		HttpResponse<String> loginPage = App.send(HttpRequest.newBuilder(app.uri("/login")).build());
		long created = System.nanoTime() - started;
		String anonymous = sessionCookie(loginPage);
		Matcher csrf = CSRF.matcher(loginPage.body());
		if (loginPage.statusCode() != 200 || anonymous == null || !csrf.find()) {
			return null;
		}
		String form = "username=demo&password=demo&_csrf=" + URLEncoder.encode(csrf.group(1), StandardCharsets.UTF_8);
		started = System.nanoTime();
		HttpResponse<String> signedIn = App.send(HttpRequest.newBuilder(app.uri("/login"))
			.header("Cookie", anonymous)
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString(form))
			.build());
		if (times != null) {
			times[0] = created;
			times[1] = System.nanoTime() - started;
		}
		String cookie = sessionCookie(signedIn);
		boolean home = signedIn.headers().firstValue("Location").filter((to) -> !to.contains("error")).isPresent();
		return (signedIn.statusCode() == 302 && cookie != null && home) ? new Session(cookie) : null;
	}

	private static HttpResponse<String> page(App app, Session session) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(app.uri("/"));
		if (session != null) {
			request.header("Cookie", session.cookie());
		}
		return App.send(request.build());
	}

	/**
	 * Whether the answer is the page as that visitor should see it: signed in with a
	 * session; else not signed in, and no session made for the anonymous visitor.
	 */
	private static boolean shows(HttpResponse<String> answer, Session session) {
		boolean signedIn = answer.body().contains("action=\"/logout\"");
		return answer.statusCode() == 200 && signedIn == (session != null)
				&& (session != null || sessionCookie(answer) == null);
	}

	private static String sessionCookie(HttpResponse<?> answer) {
		return answer.headers()
			.allValues("Set-Cookie")
			.stream()
			.filter((cookie) -> cookie.startsWith("SESSION="))
			.map((cookie) -> cookie.substring(0, cookie.indexOf(';')))
			.reduce((first, last) -> last)
			.orElse(null);
	}

	private static String loadAverage() throws java.io.IOException {
		return String.join(", ", List.of(Files.readString(Path.of("/proc/loadavg")).split(" ")).subList(0, 3));
	}

}
