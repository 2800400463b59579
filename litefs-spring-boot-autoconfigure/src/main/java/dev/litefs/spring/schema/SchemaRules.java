package dev.litefs.spring.schema;

import java.time.Duration;
import java.util.Optional;

import dev.litefs.spring.node.LiteFsNode;
import dev.litefs.spring.node.LiteFsRoleChangedEvent;
import dev.litefs.spring.node.LiteFsScheduler;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationEventPublisher;

/**
 * The starter's rules for one means of applying the schema (Flyway, Liquibase,
 * {@code spring.sql.init}, Hibernate's {@code ddl-auto}), held by the bean of that means:
 * the start-up policy ({@link SchemaStartup}), the readiness of a replica that started
 * without its schema, and the migration of a promotion ({@link PromotionMigrator}).
 */
final class SchemaRules {

	private final SchemaStartup startup;

	private final PromotionMigrator promotions;

	private volatile @Nullable MigrationRun lastRun;

	SchemaRules(LiteFsNode node, ReplicaMode replicaMode, Duration replicaTimeout, boolean failOnReplicaTimeout,
			LiteFsScheduler scheduler) {
		this.startup = new SchemaStartup(node, replicaMode, replicaTimeout, failOnReplicaTimeout, scheduler);
		this.promotions = new PromotionMigrator(node, scheduler);
	}

	/**
	 * Applies the schema with a means on a node that takes writes, or waits for it on a
	 * replica, then hands the promotions to come to {@code promotion} (during a replica's
	 * wait, a promotion is the wait's).
	 * @param means the means
	 * @param promotion applies what is pending on a node that takes writes
	 */
	void start(SchemaStartup.SchemaMeans means, Runnable promotion) {
		try {
			this.startup.run(means);
		}
		finally {
			promoteWith(promotion);
		}
	}

	/**
	 * Hands the promotions to come to {@code promotion}, when the means applied the
	 * schema at startup by itself.
	 * @param promotion applies what is pending on a node that takes writes
	 */
	void promoteWith(Runnable promotion) {
		this.promotions.takeOver(promotion);
	}

	/** Keeps a run of the means, the last one shown. */
	void record(MigrationRun run) {
		this.lastRun = run;
	}

	Optional<MigrationRun> lastRun() {
		return Optional.ofNullable(this.lastRun);
	}

	void publishReadinessWith(ApplicationEventPublisher publisher) {
		this.startup.publishReadinessWith(publisher);
	}

	void onReadinessChange(ReadinessState state) {
		this.startup.onReadinessChange(state);
	}

	void onRoleChange(LiteFsRoleChangedEvent event) {
		this.promotions.onRoleChange(event);
	}

	void stop() {
		this.promotions.stop();
		this.startup.stop();
	}

}
