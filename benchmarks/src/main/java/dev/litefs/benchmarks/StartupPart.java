package dev.litefs.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.litefs.spring.test.FakeLiteFsMount;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;

/**
 * Start-up, the starter on (a primary, a replica) against {@code litefs.enabled=false}:
 * from launch to the first healthy answer, one JVM at a time in a rotating order, each on
 * a copy of the migrated database; then one start-up each with JFR from launch, to see
 * where the main thread's samples go.
 */
final class StartupPart {

	private static final String PART = "4 start-up";

	/** The replica's database, migrated, copied by {@link ClusterPart}. */
	static Path database;

	private StartupPart() {
	}

	static void run(Bench bench) throws Exception {
		Map<String, Map<String, String>> variants = new LinkedHashMap<>();
		variants.put("on, primary", fake(bench, FakeLiteFsMount.primary(bench.folder("startup-primary")), "node-a"));
		variants.put("off", fake(bench, FakeLiteFsMount.primary(bench.folder("startup-off")), "node-a"));
		variants.get("off").put("litefs.enabled", "false");
		variants.put("on, replica",
				fake(bench, FakeLiteFsMount.replicaOf(bench.folder("startup-replica"), "node-a"), "node-b"));
		List<String> names = new ArrayList<>(variants.keySet());
		Map<String, List<double[]>> runs = new LinkedHashMap<>();
		names.forEach((name) -> runs.put(name, new ArrayList<>()));
		int count = bench.count(3, 1);
		for (int run = 0; run < count; run++) {
			for (int i = 0; i < names.size(); i++) {
				String name = names.get((run + i) % names.size());
				try (App app = App.start(bench.jar, bench.folder("logs"), "startup", App.freePort(),
						variants.get(name))) {
					double cpu = App.cpuNanos(app.pid());
					runs.get(name)
						.add(new double[] { app.mainThreadCpuMillis() * 1e6, app.startUp.toNanos(), cpu,
								app.metric("jvm.classes.loaded") });
				}
			}
		}
		String[] figures = { "the main thread's CPU until ready (`jcmd Thread.print`)", "wall time to ready",
				"CPU of every thread until ready (`/proc/<pid>/stat`)", "classes loaded until ready" };
		for (int f = 0; f < figures.length; f++) {
			double on = median(runs.get("on, primary"), f);
			double off = median(runs.get("off"), f);
			double replica = median(runs.get("on, replica"), f);
			String value = (f == 3) ? String.format(Locale.ROOT, "%,.0f vs %,.0f (replica %,.0f)", on, off, replica)
					: Bench.nanos(on) + " vs " + Bench.nanos(off) + " (replica " + Bench.nanos(replica) + ")";
			bench.row(PART, figures[f] + ", on (primary) vs off, medians of " + count, value, on / off,
					(f == 0) ? "≤ +100 ms" : "", (f == 0) ? on - off <= 100_000_000 : null);
		}
		int[] starter = profile(bench, "on, primary", variants.get("on, primary"));
		int[] plain = profile(bench, "off", variants.get("off"));
		bench.row(PART, "the main thread's JFR samples until ready (one start-up each): with the starter's code on "
				+ "the stack; in Spring's `ConditionEvaluator.shouldSkip`, on vs off",
				String.format(Locale.ROOT, "%d of %d; %d vs %d", starter[1], starter[0], starter[2], plain[2]),
				(double) starter[2] / plain[2], "", null);
	}

	private static Map<String, String> fake(Bench bench, FakeLiteFsMount mount, String hostname) throws Exception {
		Files.copy(database, mount.dir().resolve("app.db"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
		Map<String, String> properties = App.dataSource(mount.dir());
		properties.put("litefs.mount-dir", mount.dir().toString());
		properties.put("litefs.hostname", hostname);
		// LiteFS's API on a port where nothing listens
		properties.put("litefs.api-url", "http://127.0.0.1:" + App.freePort());
		return properties;
	}

	private static double median(List<double[]> runs, int figure) {
		return Bench.median(runs.stream().map((run) -> run[figure]).toList());
	}

	/** The main thread's samples until ready: all, with the starter's code, in condition evaluation. */
	private static int[] profile(Bench bench, String name, Map<String, String> properties) throws Exception {
		Path recording = bench.folder("jfr").resolve("startup-" + name.replaceAll("\\W+", "-") + ".jfr");
		try (App app = App.start(bench.jar, bench.folder("logs"), "startup-jfr", App.freePort(), properties,
				"-XX:FlightRecorderOptions=stackdepth=2048",
				"-XX:StartFlightRecording=settings=profile,filename=" + recording)) {
			// stopping the JVM writes the recording
		}
		int[] counts = new int[3];
		for (RecordedEvent event : JdkTools.executionSamples(recording)) {
			if ("main".equals(event.getThread("sampledThread").getJavaName())) {
				counts[0]++;
				List<RecordedFrame> frames = event.getStackTrace().getFrames();
				counts[1] += frames.stream().anyMatch((frame) -> type(frame).startsWith("dev.litefs.spring.")) ? 1 : 0;
				counts[2] += frames.stream()
					.anyMatch((frame) -> type(frame).endsWith("ConditionEvaluator")
							&& frame.getMethod().getName().equals("shouldSkip")) ? 1 : 0;
			}
		}
		return counts;
	}

	private static String type(RecordedFrame frame) {
		return frame.getMethod().getType().getName();
	}

}
