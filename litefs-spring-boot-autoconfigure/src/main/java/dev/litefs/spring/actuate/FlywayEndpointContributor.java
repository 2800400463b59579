package dev.litefs.spring.actuate;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import dev.litefs.spring.schema.LiteFsFlywayMigrationStrategy;
import dev.litefs.spring.schema.MigrationRun;
import org.jspecify.annotations.Nullable;

/**
 * The {@code flyway} section of {@code /actuator/litefs}: what the last Flyway run on
 * this node did ({@link LiteFsFlywayMigrationStrategy#lastRun()}) and, where Flyway
 * migrates several databases, the last run of each
 * ({@link LiteFsFlywayMigrationStrategy#lastRuns()}); {@code null} before startup ran
 * Flyway.
 */
public final class FlywayEndpointContributor implements LiteFsEndpointContributor {

	private final LiteFsFlywayMigrationStrategy strategy;

	public FlywayEndpointContributor(LiteFsFlywayMigrationStrategy strategy) {
		this.strategy = strategy;
	}

	@Override
	public String name() {
		return "flyway";
	}

	@Override
	public @Nullable Object describe() {
		Optional<MigrationRun> lastRun = this.strategy.lastRun();
		if (lastRun.isEmpty()) {
			return null;
		}
		Map<String, Object> section = new LinkedHashMap<>();
		section.put("lastRun", describe(lastRun.get()));
		Map<String, MigrationRun> runs = this.strategy.lastRuns();
		if (runs.size() > 1) {
			Map<String, Object> databases = new LinkedHashMap<>();
			runs.forEach((database, run) -> databases.put(database, describe(run)));
			section.put("databases", databases);
		}
		return section;
	}

	private static Map<String, @Nullable Object> describe(MigrationRun run) {
		Map<String, @Nullable Object> section = new LinkedHashMap<>();
		section.put("trigger", id(run.trigger()));
		section.put("outcome", id(run.outcome()));
		section.put("startedAt", run.startedAt().toString());
		section.put("durationMillis", run.duration().toMillis());
		section.put("applied", run.applied());
		section.put("missing", run.missing());
		section.put("schemaVersion", run.schemaVersion());
		section.put("error", run.error());
		return section;
	}

	private static String id(Enum<?> value) {
		return value.name().toLowerCase(Locale.ROOT).replace('_', '-');
	}

}
