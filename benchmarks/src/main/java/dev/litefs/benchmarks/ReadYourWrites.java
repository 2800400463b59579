package dev.litefs.benchmarks;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Read-your-writes on {@link ClusterPart}'s cluster: a write on the primary, then at once
 * its read on the replica with the write's {@code __txid} cookie, on each server.
 */
final class ReadYourWrites {

	private final Bench bench;

	ReadYourWrites(Bench bench) {
		this.bench = bench;
	}

	/**
	 * Read-your-writes: a write on the primary, then at once its read on each server with
	 * the write's {@code __txid} cookie, and one more read of B without it.
	 */
	void run(App primary, List<ClusterPart.Server> servers) throws Exception {
		int count = this.bench.count(150, 30);
		for (int i = 0; i < count / 3; i++) {
			for (ClusterPart.Server server : servers) {
				roundTrip(primary, server, true);
			}
		}
		App starter = servers.get(1).app();
		double[] waitsBefore = waits(starter);
		Map<String, long[]> times = new LinkedHashMap<>();
		Map<String, Integer> missed = new LinkedHashMap<>();
		List<String> names = new ArrayList<>(servers.stream().map(ClusterPart.Server::name).toList());
		names.add("B without the cookie");
		for (String name : names) {
			times.put(name, new long[count]);
			missed.put(name, 0);
		}
		for (int i = 0; i < count; i++) {
			for (ClusterPart.Server server : servers) {
				long nanos = roundTrip(primary, server, true);
				times.get(server.name())[i] = Math.abs(nanos);
				missed.merge(server.name(), (nanos < 0) ? 1 : 0, Integer::sum);
			}
			long bare = roundTrip(primary, servers.get(1), false);
			times.get("B without the cookie")[i] = Math.abs(bare);
			missed.merge("B without the cookie", (bare < 0) ? 1 : 0, Integer::sum);
		}
		double[] waitsAfter = waits(starter);
		long a = Bench.percentile(times.get("A"), 50);
		long b = Bench.percentile(times.get("B"), 50);
		long c = Bench.percentile(times.get("C"), 50);
		this.bench.row(ClusterPart.PART,
				"read-your-writes read on the replica after the write's answer, p50: B vs C (LiteFS's proxy)",
				Bench.nanos(b) + " vs " + Bench.nanos(c), (double) b / c, "B ≤ C", b <= c);
		this.bench.row(ClusterPart.PART,
				"read-your-writes read on the replica, p50: B vs A (the same read, A not waiting)",
				Bench.nanos(b) + " vs " + Bench.nanos(a) + " = " + Bench.difference(b - a), (double) b / a, "≤ +200 µs",
				b - a <= 200_000);
		if (times.containsKey("D")) {
			long d = Bench.percentile(times.get("D"), 50);
			this.bench.row(ClusterPart.PART,
					"read-your-writes read on the replica, p50 / p99: D (B on virtual threads) vs B",
					Bench.nanos(d) + " / " + Bench.nanos(Bench.percentile(times.get("D"), 99)) + " vs " + Bench.nanos(b)
							+ " / " + Bench.nanos(Bench.percentile(times.get("B"), 99)),
					(double) d / b, "", null);
		}
		long waits = Math.round(waitsAfter[0] - waitsBefore[0]);
		this.bench.row(ClusterPart.PART,
				"B's reads that waited for their TXID (`litefs.consistency.wait`), their mean wait; "
				+ "B without the cookie, p50", String.format(Locale.ROOT, "%d of %d, %s; %s", waits, count,
						(waits == 0) ? "-" : Bench.nanos((waitsAfter[1] - waitsBefore[1]) * 1e9 / waits),
						Bench.nanos(Bench.percentile(times.get("B without the cookie"), 50))), Double.NaN, "", null);
		this.bench.row(ClusterPart.PART, "read-your-writes reads that missed the write: " + String.join(" / ", names),
				String.join(" / ", missed.values().stream().map((n) -> n + " of " + count).toList()), Double.NaN,
				"0 for B and C", missed.get("B") == 0 && missed.get("C") == 0);
	}

	/** The count and total seconds of the starter's {@code litefs.consistency.wait} timer. */
	private static double[] waits(App app) throws Exception {
		HttpResponse<String> answer = App
			.send(HttpRequest.newBuilder(app.uri("/actuator/metrics/litefs.consistency.wait")).build());
		if (answer.statusCode() != 200) {
			return new double[2];
		}
		Matcher value = Pattern.compile("\"value\":([0-9.Ee+-]+)").matcher(answer.body());
		double[] values = new double[2];
		for (int i = 0; i < 2 && value.find(); i++) {
			values[i] = Double.parseDouble(value.group(1));
		}
		return values;
	}

	/** Nanoseconds from the write's answer to the read's, negative when the read did not see the write. */
	private static long roundTrip(App primary, ClusterPart.Server server, boolean withCookie) throws Exception {
		HttpResponse<String> written = primary.write();
		long answered = System.nanoTime();
		String id = written.headers().firstValue("Location").orElseThrow().replaceAll(".*/", "");
		HttpRequest.Builder read = HttpRequest.newBuilder(server.url().resolve("/api/posts/" + id));
		if (withCookie) {
			read.header("Cookie", written.headers()
				.allValues("Set-Cookie")
				.stream()
				.filter((cookie) -> cookie.startsWith("__txid="))
				.findFirst()
				.orElseThrow()
				.split(";")[0]);
		}
		int status = App.send(read.build()).statusCode();
		long nanos = System.nanoTime() - answered;
		return (status == 200) ? nanos : -nanos;
	}

}
