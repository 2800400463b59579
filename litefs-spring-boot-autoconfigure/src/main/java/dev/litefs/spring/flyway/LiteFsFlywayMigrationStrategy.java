package dev.litefs.spring.flyway;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;

import dev.litefs.spring.flyway.MigrationRun.Outcome;
import dev.litefs.spring.flyway.MigrationRun.Trigger;
import dev.litefs.spring.node.LiteFsNode;
import dev.litefs.spring.node.LiteFsRoleChangedEvent;
import dev.litefs.spring.node.LiteFsScheduler;
import dev.litefs.spring.node.NodeRole;
import dev.litefs.spring.node.NodeState;
import dev.litefs.spring.node.Position;
import org.flywaydb.core.Flyway;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.flyway.autoconfigure.FlywayMigrationStrategy;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.ApplicationEventPublisherAware;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.EventListener;

import static dev.litefs.spring.flyway.SchemaVersions.format;
import static dev.litefs.spring.flyway.SchemaVersions.shown;
import static dev.litefs.spring.flyway.SchemaVersions.since;

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
public class LiteFsFlywayMigrationStrategy
		implements FlywayMigrationStrategy, ApplicationListener<LiteFsRoleChangedEvent>, ApplicationEventPublisherAware,
		DisposableBean {

	private static final Logger logger = LoggerFactory.getLogger(LiteFsFlywayMigrationStrategy.class);

	private final LiteFsNode node;

	private final ReplicaMode replicaMode;

	private final Duration replicaTimeout;

	private final boolean failOnReplicaTimeout;

	private final PrimaryMigrator migrator;

	private final PromotionMigrator promotions;

	private final LiteFsScheduler scheduler;

	private @Nullable MissingSchemaReadiness readiness;

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
		this.node = node;
		this.replicaMode = replicaMode;
		this.replicaTimeout = replicaTimeout;
		this.failOnReplicaTimeout = failOnReplicaTimeout;
		this.migrator = new PrimaryMigrator(node);
		this.promotions = new PromotionMigrator(node, this.migrator, scheduler);
		this.scheduler = scheduler;
	}

	@Override
	public void setApplicationEventPublisher(ApplicationEventPublisher publisher) {
		this.readiness = new MissingSchemaReadiness(this.node, this.scheduler, publisher);
	}

	/**
	 * Answers Spring Boot's readiness at the end of startup with {@code REFUSING_TRAFFIC}
	 * while this replica's schema is missing.
	 * @param event a change of readiness
	 */
	@EventListener
	public void onReadinessChange(AvailabilityChangeEvent<ReadinessState> event) {
		if (this.readiness != null) {
			this.readiness.onReadinessChange(event.getState());
		}
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
		NodeState state = this.node.state();
		try {
			if (state.isPrimary()) {
				this.migrator.migrate(flyway, Trigger.STARTUP);
			}
			else if (this.replicaMode == ReplicaMode.SKIP) {
				logger.info("{}: not waiting for the schema (litefs.flyway.replica-mode=skip); the primary ({}) "
						+ "migrates", describe(state), primary(state));
				this.migrator.record(new MigrationRun(Trigger.STARTUP, Outcome.SKIPPED, Instant.now(), Duration.ZERO,
						0, List.of(), null, null));
			}
			else {
				awaitReplicatedSchema(flyway, state);
			}
		}
		finally {
			// from now on promotions are the promotion migrator's; during the wait, the wait's
			this.promotions.takeOver(flyway);
		}
	}

	/** On a promotion after startup, the promotion migrator migrates. */
	@Override
	public void onApplicationEvent(LiteFsRoleChangedEvent event) {
		this.promotions.onRoleChange(event);
	}

	@Override
	public void destroy() {
		this.promotions.stop();
		if (this.readiness != null) {
			this.readiness.stop();
		}
	}

	private void awaitReplicatedSchema(Flyway flyway, NodeState initial) {
		Instant startedAt = Instant.now();
		long start = System.nanoTime();
		// the node's stream and polling, before the context starts its lifecycle beans
		this.node.start();
		NodeState state = initial;
		Position checked = state.position();
		ReplicaSchemaCheck.Result check = ReplicaSchemaCheck.check(flyway);
		boolean waiting = !check.complete();
		if (waiting) {
			logger.info("{}: waiting up to {} for the primary ({}) to replicate the schema: {}", describe(state),
					format(this.replicaTimeout), primary(state), check.describe());
		}
		while (!check.complete()) {
			Duration remaining = this.replicaTimeout.minus(since(start));
			if (remaining.isNegative() || remaining.isZero()
					|| !awaitMove(checked, min(remaining, this.node.pollInterval()))) {
				timedOut(flyway, state, checked, check, startedAt, start);
				return;
			}
			state = this.node.state();
			if (state.role().acceptsWrites()) {
				this.migrator.migrate(flyway, Trigger.PROMOTION);
				return;
			}
			if (!state.position().equals(checked)) {
				checked = state.position();
				check = ReplicaSchemaCheck.check(flyway);
			}
		}
		Duration took = since(start);
		logger.info("{}: schema replicated (version {}){}", describe(state), shown(check.version()),
				waiting ? " after " + format(took) : "");
		this.migrator.record(new MigrationRun(Trigger.STARTUP, Outcome.REPLICATED, startedAt, took, 0, List.of(),
				check.version(), null));
	}

	private void timedOut(Flyway flyway, NodeState state, Position checked, ReplicaSchemaCheck.Result check,
			Instant startedAt, long start) {
		this.migrator.record(new MigrationRun(Trigger.STARTUP, Outcome.TIMED_OUT, startedAt, since(start), 0,
				check.missing(), check.version(), check.error()));
		String message = "%s: the schema has not replicated from the primary (%s) within %s (litefs.flyway.replica-timeout): %s"
			.formatted(describe(state), primary(state), format(this.replicaTimeout), check.describe());
		if (this.failOnReplicaTimeout) {
			throw new ReplicaSchemaTimeoutException(
					message + "; failing startup as litefs.flyway.replica-fail-on-timeout=true", primary(state),
					this.replicaTimeout);
		}
		logger.warn("{}; starting anyway, not ready until it has", message);
		if (this.readiness != null) {
			this.readiness.refuseUntilComplete(checked, () -> ReplicaSchemaCheck.check(flyway),
					(replicated) -> this.migrator.record(new MigrationRun(Trigger.STARTUP, Outcome.REPLICATED,
							startedAt, since(start), 0, List.of(), replicated.version(), null)));
		}
	}

	private static String describe(NodeState state) {
		return (state.role() == NodeRole.REPLICA) ? "LiteFS replica " + state.hostname()
				: "LiteFS node " + state.hostname() + " (role " + state.role().id() + ")";
	}

	private static String primary(NodeState state) {
		return (state.primary() != null) ? state.primary() : "none known";
	}

	/**
	 * Waits on the node until the position passes the one checked, or the time passes.
	 * @return {@code false} when interrupted
	 */
	private boolean awaitMove(Position checked, Duration atMost) {
		try {
			this.node.await(checked.txid() + 1, atMost).get();
			return true;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
		catch (ExecutionException ex) {
			return true;
		}
	}

	private static Duration min(Duration a, Duration b) {
		return (a.compareTo(b) <= 0) ? a : b;
	}

}
