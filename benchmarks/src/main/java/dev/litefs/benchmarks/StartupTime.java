package dev.litefs.benchmarks;

import java.time.Duration;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
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
		variants.forEach((variant) -> variant.properties.put("management.endpoints.web.exposure.include",
				"health,metrics,startup,beans"));
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
		StartupSteps steps = on.medianSteps();
		report.comparison(String.format(Locale.ROOT,
				"the starter's beans: their own time in a start-up (`/actuator/startup`), primary / replica, "
						+ "median of %d", settings.startups()),
				Format.nanos(steps.starter().toNanos()) + " / "
						+ Format.nanos(replica.medianSteps().starter().toNanos()) + " (of "
						+ Format.nanos(steps.all().toNanos()) + " for every bean)");
		report.comparison("classes loaded until ready, starter on (primary) − off (medians)",
				String.format(Locale.ROOT, "%,d − %,d = %+,d", on.medianClasses(), off.medianClasses(),
						on.medianClasses() - off.medianClasses()));
		double share = profile.share("dev.litefs.spring.");
		report.comparison("the starter's own code in a start-up's Java samples (JFR, one a millisecond), primary",
				Format.percent(share) + " of " + profile.samples() + " ≈ "
						+ Format.nanos(share * profile.samples() * 1_000_000L) + " of Java thread time");
		report.detail("");
		report.detail(String.format(Locale.ROOT, "**Where the starter's start-up goes.** The sample app records "
				+ "Spring's start-up steps (`BufferingApplicationStartup`); after each start-up the harness reads "
				+ "`/actuator/startup` and `/actuator/beans`. A bean's own time is its `spring.beans.instantiate` step "
				+ "less the steps nested in it (the beans made on the way count as theirs), and the starter's beans are "
				+ "those its classes declare. Their median, on a primary: %s of the %s that every bean took; the "
				+ "largest: %s. This time includes loading and first running their classes; it leaves out what the "
				+ "starter does outside its own beans' creation: its post-processors on other beans (the "
				+ "DataSource's proxy, the advisors' pointcuts on every bean), its filters' first request.",
				Format.nanos(steps.starter().toNanos()), Format.nanos(steps.all().toNanos()), String.join(", ",
						steps.beans().entrySet().stream().limit(5)
							.map((bean) -> "`" + bean.getKey() + "` " + Format.nanos(bean.getValue().toNanos()))
							.toList())));
		report.detail("");
		report.detail(String.format(Locale.ROOT, "Then one more start-up of A, recorded by JFR from launch with a "
				+ "Java sample every millisecond and whole stacks (`jfr configure method-profiling=max`, stack depth "
				+ "2048), stopped at its first healthy answer: %s of its %d execution samples have the starter's code "
				+ "(`dev.litefs.spring.`) on the stack, up to what it passes on (a filter's `FilterChain.doFilter`, an "
				+ "advice's `proceed()`, Flyway's `migrate()`, which Spring Boot runs without the starter). JFR samples "
				+ "threads running Java, so class loading and the JIT's threads are not in it. The recording is in "
				+ "`benchmarks/target/work/jfr/`.", Format.percent(share), profile.samples()));
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
		Path folder = this.bench.logs().resolveSibling("jfr");
		List<String> flags = new ArrayList<>(Bench.JVM_FLAGS);
		flags.addAll(Profile.fromLaunchEveryMillisecond(folder));
		try (SampleApp app = SampleApp.launch(variant.logName + "-profiled", this.bench.jar(), flags,
				variant.properties, this.bench.logs())) {
			app.awaitReady(Bench.START_TIMEOUT);
			return Profile.stop(app.pid(), folder.resolve(variant.logName + ".jfr"));
		}
	}

	/** One way of starting the app, and what its start-ups measured. */
	private final class Variant {

		private final String name;

		private final String logName;

		private final Map<String, String> properties;

		private final Latencies wall = new Latencies();

		private final Latencies cpu = new Latencies();

		private final List<Long> classes = new ArrayList<>();

		private final List<StartupSteps> steps = new ArrayList<>();

		Variant(String name, String logName, Map<String, String> properties) {
			this.name = name;
			this.logName = logName;
			this.properties = new LinkedHashMap<>(properties);
		}

		void startUp(int run) {
			try (SampleApp app = StartupTime.this.bench.launch(this.logName + "-" + run, this.properties)) {
				this.wall.add(app.awaitReady(Bench.START_TIMEOUT));
				this.cpu.add(app.cpuTime());
				this.classes.add(Math.round(app.metric("jvm.classes.loaded")));
				this.steps.add(StartupSteps.of(app));
			}
		}

		long medianClasses() {
			return this.classes.stream().sorted().toList().get(this.classes.size() / 2);
		}

		/** The start-up whose starter's beans took the median time. */
		StartupSteps medianSteps() {
			List<StartupSteps> sorted = new ArrayList<>(this.steps);
			sorted.sort(Comparator.comparing(StartupSteps::starter));
			return sorted.get(sorted.size() / 2);
		}

		String letter(List<Variant> variants) {
			return String.valueOf((char) ('A' + variants.indexOf(this)));
		}

	}

}
