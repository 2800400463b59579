package dev.litefs.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
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
 * mount; on the same migrated database and DataSource settings, one JVM at a time. Each
 * start-up is profiled from launch, and the figure held against the target is the main
 * thread's CPU until ready: the wall time of identical start-ups on a 2-core machine
 * spreads far wider than the target.
 */
final class StartupTime {

	private static final long TARGET_NANOS = 100_000_000;

	/** async-profiler's interval: a sample for each millisecond of a thread's CPU. */
	private static final long SAMPLE_NANOS = 1_000_000;

	private static final String STARTER = "dev.litefs.spring.";

	/** Where Spring evaluates every {@code @Conditional} of a configuration class or bean method. */
	private static final String CONDITIONS = "org.springframework.context.annotation.ConditionEvaluator.shouldSkip";

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
		long added = on.mainCpu.p50() - off.mainCpu.p50();
		long ownCode = samples(on.medianEntries()) * SAMPLE_NANOS;
		long conditions = on.conditions.p50() - off.conditions.p50();
		Report report = new Report("5. Start-up: launch to the first healthy answer");
		report.figure(String.format(Locale.ROOT,
				"start-up added by the starter, primary: the main thread's CPU until ready (async-profiler, medians of %d)",
				settings.startups()), Format.nanos(on.mainCpu.p50()) + " − " + Format.nanos(off.mainCpu.p50()) + " = "
						+ Format.difference(added),
				"≤ +" + Format.nanos(TARGET_NANOS), added <= TARGET_NANOS,
				String.format(Locale.ROOT, "by %s; on the main thread the starter's own code takes %s, and "
						+ "Spring's evaluating conditions %s on − off; the rest lies outside both (more classes "
						+ "read and interpreted, the JIT's threads competing for the %d cores), where start-ups "
						+ "alike spread widely: off, from %s to %s",
						Format.difference(added - TARGET_NANOS), Format.nanos(ownCode), Format.difference(conditions),
						Runtime.getRuntime().availableProcessors(), Format.nanos(off.mainCpu.min()),
						Format.nanos(off.mainCpu.max())));
		report.comparison("likewise, replica", Format.nanos(replica.mainCpu.p50()) + " − "
				+ Format.nanos(off.mainCpu.p50()) + " = " + Format.difference(replica.mainCpu.p50() - off.mainCpu.p50()));
		report.comparison(String.format(Locale.ROOT, "the main thread's samples with the starter's code on the stack, "
				+ "primary (median of %d)", settings.startups()), Format.nanos(ownCode));
		report.comparison("the main thread's CPU in Spring's evaluating conditions (`ConditionEvaluator.shouldSkip`), "
				+ "starter on (primary) − off (medians)", Format.nanos(on.conditions.p50()) + " − "
						+ Format.nanos(off.conditions.p50()) + " = " + Format.difference(conditions));
		report.comparison("wall time to ready, starter on (primary) − off (medians)", Format.nanos(on.wall.p50())
				+ " − " + Format.nanos(off.wall.p50()) + " = " + Format.difference(on.wall.p50() - off.wall.p50()));
		report.comparison("CPU time of every thread until ready, starter on (primary) − off (medians)",
				Format.nanos(on.cpu.p50()) + " − " + Format.nanos(off.cpu.p50()) + " = "
						+ Format.difference(on.cpu.p50() - off.cpu.p50()));
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
		report.detail(String.format(Locale.ROOT,
				"From `ProcessBuilder.start()` of `java %s -jar litefs-sample-app.jar` to the first `200` of "
						+ "`/actuator/health`, polled every 5 ms; one JVM at a time, %d runs of each in the order %s "
						+ "(A = on, primary; B = off; C = on, replica). On a primary the starter's Flyway strategy runs "
						+ "Flyway (nothing to apply) and the node asks LiteFS's API (a free loopback port, where nothing "
						+ "listens); off, Spring Boot's Flyway does the same; a replica checks the schema, read-only, and "
						+ "asks no API. Each on a copy of the migrated database, with the same DataSource settings.",
				String.join(" ", Bench.JVM_FLAGS), settings.startups(), String.join(" ", order)));
		report.detail("");
		report.detail("**What the figure is.** Every start-up runs with async-profiler attached from launch "
				+ "(`event=cpu,interval=1ms`): one sample for each millisecond of CPU a thread uses, Java, JVM and "
				+ "native frames alike, so loading, linking and interpreting classes count too. The main thread "
				+ "does the start-up's work, bean after bean, and its CPU until ready is what the starter adds to "
				+ "it. The wall time is shown, not held against the target: identical start-ups on this 2-core "
				+ "machine spread over a second or more (the table below), as the JIT's and GC's threads compete "
				+ "with the main thread for the two cores. The starter's share counts the main thread's samples "
				+ "with its code (`dev.litefs.spring.`) on the stack, up to what it passes on (a filter's "
				+ "`FilterChain.doFilter`, an advice's `proceed()`, Flyway's `migrate()`, which Spring Boot runs "
				+ "without the starter, Hikari's `getConnection()` under the guarded pool's); it leaves out what "
				+ "Spring does for the starter outside its code. Of that, evaluating the auto-configurations' "
				+ "conditions is counted apart: the samples with Spring's `ConditionEvaluator.shouldSkip` on the "
				+ "stack. The stacks are in `benchmarks/target/work/profiles/`.");
		report.detail("");
		report.detail("**Where the starter's code goes on the main thread**, on a primary (the start-up with the median "
				+ "of its samples), by the outermost of its frames on each stack, what that calls included: "
				+ String.join(", ", on.medianEntries().entrySet().stream().limit(8)
					.map((entry) -> "`" + entry.getKey().substring(STARTER.length()) + "` "
							+ Format.nanos(entry.getValue() * SAMPLE_NANOS))
					.toList())
				+ ".");
		report.detail("");
		report.detail(String.format(Locale.ROOT, "**Where the starter's beans go.** The sample app records "
				+ "Spring's start-up steps (`BufferingApplicationStartup`); after each start-up the harness reads "
				+ "`/actuator/startup` and `/actuator/beans`. A bean's own time is its `spring.beans.instantiate` step "
				+ "less the steps nested in it (the beans made on the way count as theirs), and the starter's beans are "
				+ "those its classes declare. Their median, on a primary: %s of the %s that every bean took; the "
				+ "largest: %s. This is wall time, the loading and first running of their classes included.",
				Format.nanos(steps.starter().toNanos()), Format.nanos(steps.all().toNanos()), String.join(", ",
						steps.beans().entrySet().stream().limit(5)
							.map((bean) -> "`" + bean.getKey() + "` " + Format.nanos(bean.getValue().toNanos()))
							.toList())));
		report.detail("");
		report.detail("| | main thread's CPU until ready: min | median | max | to ready: min | median | max "
				+ "| every thread's CPU until ready: median |");
		report.detail("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
		for (Variant variant : variants) {
			report.detail(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s |", variant.name,
					Format.nanos(variant.mainCpu.min()), Format.nanos(variant.mainCpu.p50()),
					Format.nanos(variant.mainCpu.max()), Format.nanos(variant.wall.min()),
					Format.nanos(variant.wall.p50()), Format.nanos(variant.wall.max()), Format.nanos(variant.cpu.p50())));
		}
		return report;
	}

	private static long samples(Map<String, Long> entries) {
		return entries.values().stream().mapToLong(Long::longValue).sum();
	}

	/** One way of starting the app, and what its start-ups measured. */
	private final class Variant {

		private final String name;

		private final String logName;

		private final Map<String, String> properties;

		private final Latencies wall = new Latencies();

		private final Latencies cpu = new Latencies();

		private final Latencies mainCpu = new Latencies();

		private final Latencies conditions = new Latencies();

		/** Each start-up's samples in the starter's code, by where they entered it. */
		private final List<Map<String, Long>> entries = new ArrayList<>();

		private final List<Long> classes = new ArrayList<>();

		private final List<StartupSteps> steps = new ArrayList<>();

		Variant(String name, String logName, Map<String, String> properties) {
			this.name = name;
			this.logName = logName;
			this.properties = new LinkedHashMap<>(properties);
		}

		void startUp(int run) {
			String launch = this.logName + "-" + run;
			Path profiles = StartupTime.this.bench.logs().resolveSibling("profiles");
			Path stacks = profiles.resolve(launch + ".collapsed");
			List<String> flags = new ArrayList<>(Bench.JVM_FLAGS);
			flags.add(Profile.fromLaunchEveryMillisecond(profiles, stacks));
			try (SampleApp app = SampleApp.launch(launch, StartupTime.this.bench.jar(), flags, this.properties,
					StartupTime.this.bench.logs())) {
				this.wall.add(app.awaitReady(Bench.START_TIMEOUT));
				this.cpu.add(app.cpuTime());
				this.classes.add(Math.round(app.metric("jvm.classes.loaded")));
				this.steps.add(StartupSteps.of(app));
			}
			// the JVM has exited, and the agent has written the stacks
			try {
				Profile main = Profile.mainThread(stacks);
				this.mainCpu.add(main.samples() * SAMPLE_NANOS);
				this.conditions.add(main.samplesIn(CONDITIONS) * SAMPLE_NANOS);
				this.entries.add(main.entries(STARTER));
			}
			catch (IOException ex) {
				throw new UncheckedIOException("Could not read the start-up's profile " + stacks, ex);
			}
		}

		long medianClasses() {
			return this.classes.stream().sorted().toList().get(this.classes.size() / 2);
		}

		/** Where the samples in the starter's code entered it, in the start-up with the median of them. */
		Map<String, Long> medianEntries() {
			List<Map<String, Long>> sorted = new ArrayList<>(this.entries);
			sorted.sort(Comparator.comparingLong(StartupTime::samples));
			return sorted.get(sorted.size() / 2);
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
