package dev.litefs.spring.schema;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;

import dev.litefs.spring.node.LiteFsNode;
import dev.litefs.spring.node.LiteFsScheduler;
import dev.litefs.spring.node.NodeRole;
import dev.litefs.spring.node.NodeState;
import dev.litefs.spring.node.Position;
import dev.litefs.spring.schema.MigrationRun.Outcome;
import dev.litefs.spring.schema.MigrationRun.Trigger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationEventPublisher;

import static dev.litefs.spring.schema.SchemaVersions.format;
import static dev.litefs.spring.schema.SchemaVersions.shown;
import static dev.litefs.spring.schema.SchemaVersions.since;

/**
 * The start-up policy of every means by which an application gets its schema (Flyway,
 * {@code spring.sql.init}): on a primary or standalone node the means applies it; a
 * replica, or a node whose role is not known yet, never writes. In
 * {@link ReplicaMode#WAIT} the replica waits on the node for the replication position of
 * the means' database to move (a {@code tx} event, or a poll interval passing), compares the schema again
 * whenever it moved, and returns when nothing is missing, or at the time-out with a
 * warning (or a {@link ReplicaSchemaTimeoutException}), then refusing traffic until the
 * schema is complete ({@link MissingSchemaReadiness}); if the node is promoted meanwhile,
 * the means applies the schema. In {@link ReplicaMode#SKIP} it returns at once.
 */
final class SchemaStartup {

	private static final Logger logger = LoggerFactory.getLogger(SchemaStartup.class);

	private final LiteFsNode node;

	private final ReplicaMode replicaMode;

	private final Duration replicaTimeout;

	private final boolean failOnReplicaTimeout;

	private final LiteFsScheduler scheduler;

	private volatile @Nullable MissingSchemaReadiness readiness;

	SchemaStartup(LiteFsNode node, ReplicaMode replicaMode, Duration replicaTimeout, boolean failOnReplicaTimeout,
			LiteFsScheduler scheduler) {
		this.node = node;
		this.replicaMode = replicaMode;
		this.replicaTimeout = replicaTimeout;
		this.failOnReplicaTimeout = failOnReplicaTimeout;
		this.scheduler = scheduler;
	}

	/** From now on a replica that starts without its schema refuses traffic through this publisher. */
	void publishReadinessWith(ApplicationEventPublisher publisher) {
		this.readiness = new MissingSchemaReadiness(this.node, this.scheduler, publisher);
	}

	void onReadinessChange(ReadinessState state) {
		MissingSchemaReadiness readiness = this.readiness;
		if (readiness != null) {
			readiness.onReadinessChange(state);
		}
	}

	void stop() {
		MissingSchemaReadiness readiness = this.readiness;
		if (readiness != null) {
			readiness.stop();
		}
	}

	/**
	 * Applies the schema with a means on a node that takes writes, or waits for it on a
	 * replica, as the properties say.
	 * @param means the means
	 */
	void run(SchemaMeans means) {
		NodeState state = this.node.state();
		if (state.isPrimary()) {
			means.apply(Trigger.STARTUP);
		}
		else if (this.replicaMode == ReplicaMode.SKIP) {
			logger.info("{}: not waiting for the schema of {} in {} (litefs.schema.replica-mode=skip); the primary ({}) "
					+ "applies it", describe(state), means.name(), means.database(), primary(state));
			means.record(new MigrationRun(Trigger.STARTUP, Outcome.SKIPPED, Instant.now(), Duration.ZERO, 0,
					List.of(), null, null));
		}
		else {
			awaitReplicatedSchema(means, state);
		}
	}

	private void awaitReplicatedSchema(SchemaMeans means, NodeState initial) {
		Instant startedAt = Instant.now();
		long start = System.nanoTime();
		// the node's stream and polling, before the context starts its lifecycle beans
		this.node.start();
		String db = means.database();
		this.node.addDatabase(db);
		NodeState state = initial;
		Position checked = this.node.position(db);
		ReplicaSchemaCheck.Result check = means.check();
		boolean waiting = !check.complete();
		if (waiting) {
			logger.info("{}: waiting up to {} for the primary ({}) to replicate the schema of {} in {}: {}",
					describe(state), format(this.replicaTimeout), primary(state), means.name(), db, check.describe());
		}
		while (!check.complete()) {
			Duration remaining = this.replicaTimeout.minus(since(start));
			if (remaining.isNegative() || remaining.isZero()
					|| !awaitMove(db, checked, min(remaining, this.node.pollInterval()))) {
				timedOut(means, state, checked, check, startedAt, start);
				return;
			}
			state = this.node.state();
			if (state.role().acceptsWrites()) {
				means.apply(Trigger.PROMOTION);
				return;
			}
			Position position = this.node.position(db);
			if (!position.equals(checked)) {
				checked = position;
				check = means.check();
			}
		}
		Duration took = since(start);
		logger.info("{}: schema of {} in {} replicated (version {}){}", describe(state), means.name(), db,
				shown(check.version()), waiting ? " after " + format(took) : "");
		means.record(new MigrationRun(Trigger.STARTUP, Outcome.REPLICATED, startedAt, took, 0, List.of(),
				check.version(), null));
	}

	private void timedOut(SchemaMeans means, NodeState state, Position checked, ReplicaSchemaCheck.Result check,
			Instant startedAt, long start) {
		means.record(new MigrationRun(Trigger.STARTUP, Outcome.TIMED_OUT, startedAt, since(start), 0,
				check.missing(), check.version(), check.error()));
		String message = "%s: the schema of %s in %s has not replicated from the primary (%s) within %s (litefs.schema.replica-timeout): %s"
			.formatted(describe(state), means.name(), means.database(), primary(state), format(this.replicaTimeout),
					check.describe());
		if (this.failOnReplicaTimeout) {
			throw new ReplicaSchemaTimeoutException(
					message + "; failing startup as litefs.schema.replica-fail-on-timeout=true", primary(state),
					this.replicaTimeout);
		}
		logger.warn("{}; starting anyway, not ready until it has", message);
		MissingSchemaReadiness readiness = this.readiness;
		if (readiness != null) {
			readiness.refuseUntilComplete(means.database(), checked, means::check,
					(replicated) -> means.record(new MigrationRun(Trigger.STARTUP, Outcome.REPLICATED, startedAt,
							since(start), 0, List.of(), replicated.version(), null)));
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
	 * Waits on the node until the database's position passes the one checked, or the
	 * time passes.
	 * @return {@code false} when interrupted
	 */
	private boolean awaitMove(String db, Position checked, Duration atMost) {
		try {
			this.node.await(db, checked.txid() + 1, atMost).get();
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

	/**
	 * Applies the schema with a means, keeping the run as {@code MIGRATED} or
	 * {@code FAILED}.
	 * @param means the means, which keeps the run
	 * @param trigger what started it
	 * @param applying applies the schema and answers how many items it applied
	 * @throws RuntimeException what applying threw, checked ones wrapped
	 */
	static void applyKept(SchemaMeans means, Trigger trigger, Callable<Integer> applying) {
		Instant startedAt = Instant.now();
		long start = System.nanoTime();
		try {
			int applied = applying.call();
			means.record(new MigrationRun(trigger, Outcome.MIGRATED, startedAt, since(start), applied, List.of(), null,
					null));
		}
		catch (Exception ex) {
			means.record(new MigrationRun(trigger, Outcome.FAILED, startedAt, since(start), 0, List.of(), null,
					String.valueOf(ex.getMessage())));
			throw (ex instanceof RuntimeException runtime) ? runtime
					: new IllegalStateException(means.name() + " failed: " + ex.getMessage(), ex);
		}
	}

	/**
	 * A means by which the application gets its schema, as the start-up policy sees it.
	 */
	interface SchemaMeans {

		/** How logs name it, e.g. {@code Flyway}. */
		String name();

		/**
		 * The database of the mount it applies the schema to, whose position a replica
		 * follows: the main one unless its DataSource opens another on the mount.
		 */
		String database();

		/** Applies the schema on a node that takes writes. */
		void apply(Trigger trigger);

		/** Compares the schema with the replicated database, without writing. */
		ReplicaSchemaCheck.Result check();

		/** Keeps a run that applied nothing: a replica's. */
		void record(MigrationRun run);

	}

}
