package dev.litefs.spring.schema;

import java.time.Duration;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import dev.litefs.spring.node.LiteFsNode;
import dev.litefs.spring.node.LiteFsRoleChangedEvent;
import dev.litefs.spring.node.LiteFsScheduler;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationEventPublisher;

/**
 * The starter's rules for a means of applying the schema (Flyway, Liquibase,
 * {@code spring.sql.init}, Hibernate's {@code ddl-auto}), held by the bean of that means:
 * the start-up policy ({@link SchemaStartup}), the readiness of a replica that started
 * without its schema, the migration of a promotion ({@link PromotionMigrator}, one per
 * schema: each Flyway or Liquibase bean holds the promoted node's writes until it has
 * migrated), and the last run of each database.
 */
final class SchemaRules {

	private final LiteFsNode node;

	private final LiteFsScheduler scheduler;

	private final SchemaStartup startup;

	/** One per schema (a Flyway, a Liquibase, the scripts...), by identity; guarded by itself. */
	private final Map<Object, PromotionMigrator> promotions = new IdentityHashMap<>();

	/** The last run of each database; guarded by itself. */
	private final Map<String, MigrationRun> runs = new TreeMap<>();

	private volatile @Nullable MigrationRun lastRun;

	SchemaRules(LiteFsNode node, ReplicaMode replicaMode, Duration replicaTimeout, boolean failOnReplicaTimeout,
			LiteFsScheduler scheduler) {
		this.node = node;
		this.scheduler = scheduler;
		this.startup = new SchemaStartup(node, replicaMode, replicaTimeout, failOnReplicaTimeout, scheduler);
	}

	/**
	 * Applies a schema with a means on a node that takes writes, or waits for it on a
	 * replica, then hands the promotions to come to {@code promotion} (during a replica's
	 * wait, a promotion is the wait's).
	 * @param schema what the schema is, the same object each time (e.g. the Flyway bean)
	 * @param means the means
	 * @param promotion applies what is pending on a node that takes writes
	 */
	void start(Object schema, SchemaStartup.SchemaMeans means, Runnable promotion) {
		try {
			this.startup.run(means);
		}
		finally {
			promoteWith(schema, promotion);
		}
	}

	/**
	 * Hands the promotions to come to {@code promotion}; the first one handed for a schema
	 * is kept.
	 * @param schema what the schema is, the same object each time
	 * @param promotion applies what is pending on a node that takes writes
	 */
	void promoteWith(Object schema, Runnable promotion) {
		PromotionMigrator migrator;
		synchronized (this.promotions) {
			migrator = this.promotions.computeIfAbsent(schema,
					(key) -> new PromotionMigrator(this.node, this.scheduler));
		}
		migrator.takeOver(promotion);
	}

	/** Keeps a run of the means on a database. */
	void record(String db, MigrationRun run) {
		synchronized (this.runs) {
			this.runs.put(db, run);
		}
		this.lastRun = run;
	}

	/** The last run kept, of any database. */
	Optional<MigrationRun> lastRun() {
		return Optional.ofNullable(this.lastRun);
	}

	/** The last run of each database, sorted by name. */
	Map<String, MigrationRun> lastRuns() {
		synchronized (this.runs) {
			return Collections.unmodifiableMap(new TreeMap<>(this.runs));
		}
	}

	void publishReadinessWith(ApplicationEventPublisher publisher) {
		this.startup.publishReadinessWith(publisher);
	}

	void onReadinessChange(ReadinessState state) {
		this.startup.onReadinessChange(state);
	}

	void onRoleChange(LiteFsRoleChangedEvent event) {
		for (PromotionMigrator migrator : migrators()) {
			migrator.onRoleChange(event);
		}
	}

	void stop() {
		for (PromotionMigrator migrator : migrators()) {
			migrator.stop();
		}
		this.startup.stop();
	}

	private List<PromotionMigrator> migrators() {
		synchronized (this.promotions) {
			return List.copyOf(this.promotions.values());
		}
	}

}
