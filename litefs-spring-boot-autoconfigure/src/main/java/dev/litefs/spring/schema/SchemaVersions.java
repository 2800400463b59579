package dev.litefs.spring.schema;

import java.time.Duration;
import java.util.Locale;

import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationInfoService;
import org.jspecify.annotations.Nullable;

/** How the Flyway classes of this package name schema versions and durations in their logs. */
final class SchemaVersions {

	private SchemaVersions() {
	}

	/** The database's schema version, or {@code null} when it has none. */
	static @Nullable String current(MigrationInfoService info) {
		MigrationInfo current = info.current();
		return (current != null && current.getVersion() != null) ? current.getVersion().getVersion() : null;
	}

	static String shown(@Nullable String version) {
		return (version != null) ? version : "none";
	}

	/** A migration by its version, or its description for a repeatable one. */
	static String name(MigrationInfo migration) {
		return (migration.getVersion() != null) ? migration.getVersion().getVersion()
				: migration.getDescription() + " (repeatable)";
	}

	static String format(Duration duration) {
		long millis = duration.toMillis();
		if (millis < 1000) {
			return millis + "ms";
		}
		return (millis % 1000 == 0) ? (millis / 1000) + "s" : String.format(Locale.ROOT, "%.1fs", millis / 1000.0);
	}

	static Duration since(long startNanos) {
		return Duration.ofNanos(System.nanoTime() - startNanos);
	}

}
