package dev.litefs.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.litefs.spring.test.FakeLiteFsMount;

/**
 * Part 5: from launching the sample app's JVM to its first {@code 200} from
 * {@code /actuator/health}, with the starter on a primary's fake mount (its Flyway
 * strategy migrates, the node asks LiteFS's API), with {@code litefs.enabled=false}
 * (Spring Boot's own Flyway), and, for comparison, with the starter on a replica's
 * mount; on the same migrated database and DataSource settings, one JVM at a time.
 */
final class StartupTime {

	private static final long TARGET_NANOS = 100_000_000;

	private final Bench bench;

	StartupTime(Bench bench) {
		this.bench = bench;
	}

	Report run() {
		Settings settings = this.bench.settings();
		List<Variant> variants = List.of(
				new Variant("starter on, primary", "startup-primary",
						Bench.withLiteFs(FakeLiteFsMount.primary(this.bench.directoryWithDatabase("startup-primary")),
								Bench.PRIMARY)),
				new Variant("starter off", "startup-disabled",
						Bench.withoutLiteFs(this.bench.directoryWithDatabase("startup-disabled"))),
				new Variant("starter on, replica", "startup-replica",
						Bench.withLiteFs(FakeLiteFsMount.replicaOf(this.bench.directoryWithDatabase("startup-replica"),
								Bench.PRIMARY), Bench.REPLICA)));
		List<String> order = new ArrayList<>();
		for (int run = 0; run < settings.startups(); run++) {
			// the order rotates, so that no variant always starts first or last
			for (int i = 0; i < variants.size(); i++) {
				Variant variant = variants.get((run + i) % variants.size());
				variant.startUp(run);
				order.add(variant.letter(variants));
			}
		}
		Variant on = variants.get(0);
		Variant off = variants.get(1);
		Variant replica = variants.get(2);
		long added = on.wall.p50() - off.wall.p50();
		Profile profile = profiledStartUp(on);
		Report report = new Report("5. Start-up: launch to the first healthy answer");
		report.figure(String.format(Locale.ROOT, "start-up added by the starter, primary (medians of %d)",
				settings.startups()), Format.nanos(on.wall.p50()) + " − " + Format.nanos(off.wall.p50()) + " = "
						+ Format.difference(added),
				"≤ +" + Format.nanos(TARGET_NANOS), added <= TARGET_NANOS);
		report.comparison("start-up added by the starter, replica", Format.nanos(replica.wall.p50()) + " − "
				+ Format.nanos(off.wall.p50()) + " = " + Format.difference(replica.wall.p50() - off.wall.p50()));
		report.comparison("CPU time until ready, starter on (primary) − off", Format.nanos(on.cpu.p50()) + " − "
				+ Format.nanos(off.cpu.p50()) + " = " + Format.difference(on.cpu.p50() - off.cpu.p50()));
		report.detail(String.format(Locale.ROOT,
				"From `ProcessBuilder.start()` of `java %s -jar litefs-sample-app.jar` to the first `200` of "
						+ "`/actuator/health`, polled every 5 ms, and the JVM's CPU time (utime + stime) at that "
						+ "moment; one JVM at a time, %d runs of each in the order %s (A = on, primary; B = off; "
						+ "C = on, replica). On a primary the starter's Flyway strategy runs Flyway (nothing to apply) "
						+ "and the node asks LiteFS's API (a free loopback port, where nothing listens); off, "
						+ "Spring Boot's Flyway does the same; a replica checks the schema, read-only, and asks no API. "
						+ "Each on a copy of the migrated database, with the same DataSource settings.",
				String.join(" ", Bench.JVM_FLAGS), settings.startups(), String.join(" ", order)));
		report.detail("");
		report.detail(String.format(Locale.ROOT, "Then one more start-up of A with `%s`, stopped at its first healthy "
				+ "answer: %s of its %d execution samples have the starter's code (`dev.litefs.spring.`) on the "
				+ "stack, up to what it passes on (Flyway's `migrate()`, which Spring Boot runs without the starter); "
				+ "`settings=profile` samples every 10 ms, so this is a coarse figure: benchmarks/README.md "
				+ "breaks the start-up down with a sample every 1 ms.",
				Profile.fromLaunch(), Format.percent(profile.share("dev.litefs.spring.")), profile.samples()));
		report.comparison("samples of a start-up in the starter's code (JFR, primary)",
				Format.percent(profile.share("dev.litefs.spring.")) + " of " + profile.samples());
		report.detail("");
		report.detail("| | to ready: min | median | max | CPU time until ready: median |");
		report.detail("| --- | ---: | ---: | ---: | ---: |");
		for (Variant variant : variants) {
			report.detail(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s |", variant.name,
					Format.nanos(variant.wall.min()), Format.nanos(variant.wall.p50()), Format.nanos(variant.wall.max()),
					Format.nanos(variant.cpu.p50())));
		}
		return report;
	}

	/**
	 * One more start-up, recorded by JFR from launch to readiness: the share of its
	 * execution samples with the starter's code on the stack (its beans, its advisors'
	 * pointcuts, the DataSource proxy), a figure that the machine's load moves far less
	 * than the wall time.
	 */
	private Profile profiledStartUp(Variant variant) {
		List<String> flags = new ArrayList<>(Bench.JVM_FLAGS);
		flags.add(Profile.fromLaunch());
		try (SampleApp app = SampleApp.launch(variant.logName + "-profiled", this.bench.jar(), flags,
				variant.properties, this.bench.logs())) {
			app.awaitReady(Bench.START_TIMEOUT);
			return Profile.stop(app.pid(), this.bench.logs().resolveSibling("jfr").resolve(variant.logName + ".jfr"));
		}
	}

	/** One way of starting the app, and what its start-ups measured. */
	private final class Variant {

		private final String name;

		private final String logName;

		private final Map<String, String> properties;

		private final Latencies wall = new Latencies();

		private final Latencies cpu = new Latencies();

		Variant(String name, String logName, Map<String, String> properties) {
			this.name = name;
			this.logName = logName;
			this.properties = properties;
		}

		void startUp(int run) {
			try (SampleApp app = StartupTime.this.bench.launch(this.logName + "-" + run, this.properties)) {
				this.wall.add(app.awaitReady(Bench.START_TIMEOUT));
				this.cpu.add(app.cpuTime());
			}
		}

		String letter(List<Variant> variants) {
			return String.valueOf((char) ('A' + variants.indexOf(this)));
		}

	}

}
