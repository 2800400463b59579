package dev.litefs.spring.actuate;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import dev.litefs.spring.schema.LiteFsFlywayMigrationStrategy;
import dev.litefs.spring.schema.MigrationRun;
import org.jspecify.annotations.Nullable;

/**
 * The {@code flyway} section of {@code /actuator/litefs}: what the last Flyway run on
 * this node did ({@link LiteFsFlywayMigrationStrategy#lastRun()}), or {@code null}
 * before startup ran Flyway.
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
		return this.strategy.lastRun().map((run) -> Map.of("lastRun", describe(run))).orElse(null);
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
