package dev.litefs.benchmarks;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

import dev.litefs.spring.test.FakeLiteFsMount;

/**
 * Part 5: from launching the sample app's JVM to its first {@code 200} from
 * {@code /actuator/health}, with the starter on (a primary's fake mount, so Flyway goes
 * through the starter's primary-only strategy) and with {@code litefs.enabled=false}
 * (Spring Boot's own Flyway), on the same migrated database and DataSource settings.
 */
final class StartupTime {

	private static final long TARGET_NANOS = 100_000_000;

	private final Bench bench;

	StartupTime(Bench bench) {
		this.bench = bench;
	}

	Report run() {
		Settings settings = this.bench.settings();
		FakeLiteFsMount mount = FakeLiteFsMount.primary(this.bench.directoryWithDatabase("startup-enabled"));
		Map<String, String> on = Bench.withLiteFs(mount, Bench.PRIMARY);
		Path plain = this.bench.directoryWithDatabase("startup-disabled");
		Map<String, String> off = Bench.withoutLiteFs(plain);
		Latencies startOn = new Latencies();
		Latencies startOff = new Latencies();
		StringBuilder order = new StringBuilder();
		for (int pair = 0; pair < settings.pairs(); pair++) {
			if (pair % 2 == 0) {
				startOn.add(startUp("startup-enabled-" + pair, on));
				startOff.add(startUp("startup-disabled-" + pair, off));
				order.append("A B ");
			}
			else {
				startOff.add(startUp("startup-disabled-" + pair, off));
				startOn.add(startUp("startup-enabled-" + pair, on));
				order.append("B A ");
			}
		}
		long added = startOn.p50() - startOff.p50();
		Report report = new Report("5. Start-up: launch to the first healthy answer");
		report.figure(String.format(Locale.ROOT, "start-up added by the starter (median of %d each)", settings.pairs()),
				Format.nanos(startOn.p50()) + " − " + Format.nanos(startOff.p50()) + " = " + Format.difference(added),
				"≤ +" + Format.nanos(TARGET_NANOS), added <= TARGET_NANOS);
		report.detail(String.format(Locale.ROOT,
				"From `ProcessBuilder.start()` of `java %s -jar litefs-sample-app.jar` to the first `200` of "
						+ "`/actuator/health`, polled every 5 ms; one JVM at a time, order %s(A = on). "
						+ "On: a fake primary mount, so the starter's Flyway strategy checks the migrations "
						+ "(nothing to apply); off: Spring Boot's Flyway does the same. Both on a copy of the "
						+ "migrated database, with the same DataSource settings.",
				String.join(" ", Bench.JVM_FLAGS), order));
		report.detail("");
		report.detail("| | min | median | max |");
		report.detail("| --- | ---: | ---: | ---: |");
		report.detail(String.format(Locale.ROOT, "| starter on | %s | %s | %s |", Format.nanos(startOn.min()),
				Format.nanos(startOn.p50()), Format.nanos(startOn.max())));
		report.detail(String.format(Locale.ROOT, "| starter off | %s | %s | %s |", Format.nanos(startOff.min()),
				Format.nanos(startOff.p50()), Format.nanos(startOff.max())));
		return report;
	}

	private Duration startUp(String name, Map<String, String> properties) {
		try (SampleApp app = this.bench.launch(name, properties)) {
			return app.awaitReady(Bench.START_TIMEOUT);
		}
	}

}
