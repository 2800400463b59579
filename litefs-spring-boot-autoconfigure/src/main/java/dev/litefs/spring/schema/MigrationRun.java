package dev.litefs.spring.schema;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * What the last run of a means of applying the schema (Flyway, {@code spring.sql.init})
 * on this node did: applied it on the primary, waited for the primary's schema on a
 * replica, or failed. An immutable record, for display
 * (e.g. in {@code /actuator/litefs}).
 *
 * @param trigger what started the run
 * @param outcome how it ended
 * @param startedAt when it started
 * @param duration how long it took, waiting included
 * @param applied how many migrations it applied (on a primary; 0 on a replica)
 * @param missing the migrations of this application the database still lacked when the
 * run ended, by version (or description, for repeatable ones); empty when none or when
 * not checked
 * @param schemaVersion the database's schema version when the run ended, or
 * {@code null} when it has none or could not be read
 * @param error why the run failed or the replicated schema could not be read, or
 * {@code null}
 *
 * @since 0.2.0
 */
public record MigrationRun(Trigger trigger, Outcome outcome, Instant startedAt, Duration duration, int applied,
		List<String> missing, @Nullable String schemaVersion, @Nullable String error) {

	public MigrationRun {
		missing = List.copyOf(missing);
	}

	/**
	 * What started a run.
	 */
	public enum Trigger {

		/** The application's startup (Spring Boot's Flyway or script initializer). */
		STARTUP,

		/** This node's promotion to primary. */
		PROMOTION

	}

	/**
	 * How a run ended.
	 */
	public enum Outcome {

		/** On the primary: the pending migrations (possibly none) were applied. */
		MIGRATED,

		/** On the primary: applying the migrations failed. */
		FAILED,

		/** On a replica: the primary's schema has replicated; nothing is missing. */
		REPLICATED,

		/** On a replica: the schema was still incomplete when the wait timed out. */
		TIMED_OUT,

		/** On a replica in {@link ReplicaMode#SKIP}: started without looking. */
		SKIPPED

	}

}
