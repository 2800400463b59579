package dev.litefs.spring.schema;

import java.time.Duration;
import java.util.Optional;

import dev.litefs.spring.node.LiteFsNode;
import dev.litefs.spring.node.LiteFsRoleChangedEvent;
import dev.litefs.spring.node.LiteFsScheduler;
import dev.litefs.spring.schema.MigrationRun.Trigger;
import org.flywaydb.core.Flyway;

import org.springframework.boot.flyway.autoconfigure.FlywayMigrationStrategy;

/**
 * Runs Flyway the LiteFS way: migrations are applied on the primary only, a replica
 * waits for the primary's schema to replicate to it, and a node promoted to primary
 * applies what is still pending.
 * <p>
 * Spring Boot calls {@link #migrate(Flyway)} once at startup, in place of
 * {@code flyway.migrate()}; this is the start-up policy:
 * <ul>
 * <li>on a primary or standalone node it migrates, as Spring Boot would;</li>
 * <li>on a replica, or a node whose role is not known yet, it never writes: it compares
 * the migrations with the replicated database over a read-only connection of its own
 * ({@code ReplicaSchemaCheck}). In {@link ReplicaMode#WAIT} it waits on the node for the
 * replication position to move (a {@code tx} event, or a poll interval passing),
 * compares the schema again whenever it moved, and returns when nothing is missing, or
 * at the time-out with a warning (or an {@link IllegalStateException}); if the node is
 * promoted meanwhile, it migrates. In {@link ReplicaMode#SKIP} it returns at once.</li>
 * </ul>
 * A replica that started without its schema refuses traffic (readiness
 * {@code OUT_OF_SERVICE}, liveness untouched) until the missing migrations have
 * replicated, then accepts it by itself.
 * After startup, every {@link LiteFsRoleChangedEvent#isPromotion() promotion} holds the
 * node's writes until its pending migrations are applied, on the starter's
 * {@link LiteFsScheduler}, tried again with a backoff while it fails
 * ({@code PromotionMigrator}). All migrations in the JVM run one at a time: Flyway takes
 * no lock on SQLite, and two application contexts may share a database. The last run is
 * kept in {@link #lastRun()}.
 *
 * @since 0.2.0
 */
public class LiteFsFlywayMigrationStrategy implements FlywayMigrationStrategy, FollowsSchemaRules {

	private final SchemaRules rules;

	private final PrimaryMigrator migrator;

	/**
	 * Creates a strategy.
	 * @param node this node
	 * @param replicaMode what a replica does at startup
	 * @param replicaTimeout how long a replica waits for the schema in
	 * {@link ReplicaMode#WAIT}
	 * @param failOnReplicaTimeout whether a replica whose schema is still incomplete at
	 * the time-out fails startup rather than starting with a warning
	 * @param scheduler where promotions migrate
	 */
	public LiteFsFlywayMigrationStrategy(LiteFsNode node, ReplicaMode replicaMode, Duration replicaTimeout,
			boolean failOnReplicaTimeout, LiteFsScheduler scheduler) {
		this.rules = new SchemaRules(node, replicaMode, replicaTimeout, failOnReplicaTimeout, scheduler);
		this.migrator = new PrimaryMigrator(node);
	}

	@Override
	public SchemaRules schemaRules() {
		return this.rules;
	}

	/**
	 * The last run: the startup's, or a promotion's that applied migrations.
	 * @return the run, or empty before startup ran Flyway
	 */
	public Optional<MigrationRun> lastRun() {
		return this.migrator.lastRun();
	}

	@Override
	public void migrate(Flyway flyway) {
		this.rules.start(new FlywayMeans(flyway), () -> this.migrator.migrate(flyway, Trigger.PROMOTION));
	}

	/** Flyway as the start-up policy sees it. */
	private final class FlywayMeans implements SchemaStartup.SchemaMeans {

		private final Flyway flyway;

		FlywayMeans(Flyway flyway) {
			this.flyway = flyway;
		}

		@Override
		public String name() {
			return "Flyway";
		}

		@Override
		public void apply(Trigger trigger) {
			LiteFsFlywayMigrationStrategy.this.migrator.migrate(this.flyway, trigger);
		}

		@Override
		public ReplicaSchemaCheck.Result check() {
			return ReplicaSchemaCheck.check(this.flyway);
		}

		@Override
		public void record(MigrationRun run) {
			LiteFsFlywayMigrationStrategy.this.migrator.record(run);
		}

	}

}
