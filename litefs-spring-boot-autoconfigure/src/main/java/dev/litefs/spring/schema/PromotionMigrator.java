package dev.litefs.spring.schema;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.locks.ReentrantLock;

import dev.litefs.spring.node.LiteFsNode;
import dev.litefs.spring.node.LiteFsRoleChangedEvent;
import dev.litefs.spring.node.LiteFsScheduler;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Migrates a node promoted after startup, whatever the means (Flyway, Liquibase,
 * {@code spring.sql.init}): the means gives its migration as an action. From
 * {@link #takeOver(Runnable)} on, every
 * promotion holds the node's writes ({@link PromotionWriteHold}: they are answered
 * {@code 503} with {@code Retry-After}) from the reading that shows it until its pending
 * migrations are applied, once, on the {@link LiteFsScheduler}: never on the thread that
 * publishes the event, never on a request's. A failed migration keeps the writes held
 * (the schema is not current) and is tried again, after a pause doubling from the poll
 * interval up to {@link #MAX_RETRY_DELAY}, while the node is primary (a LiteFS that
 * restarts under the application fails the first try); a node no longer primary leaves
 * it to the next promotion. Runs of one migrator never overlap: one that finds another
 * under way tries again a poll interval later, rather than hold a thread of the
 * scheduler waiting.
 */
final class PromotionMigrator {

	private static final Logger logger = LoggerFactory.getLogger(PromotionMigrator.class);

	/** The longest pause between two tries of a promotion's migration that failed. */
	static final Duration MAX_RETRY_DELAY = Duration.ofSeconds(10);

	private final LiteFsNode node;

	private final LiteFsScheduler scheduler;

	private final PromotionWriteHold hold = new PromotionWriteHold();

	private volatile @Nullable Runnable migration;

	private volatile @Nullable LiteFsRoleChangedEvent lastPromotion;

	private volatile boolean stopped;

	/** Held by the run under way. */
	private final ReentrantLock running = new ReentrantLock();

	/** Holds of failed runs, ended by the next run that migrates; guarded by {@link #running}. */
	private int failedHolds;

	/** The next try of a failed run. */
	private volatile @Nullable ScheduledFuture<?> retry;

	PromotionMigrator(LiteFsNode node, LiteFsScheduler scheduler) {
		this.node = node;
		this.scheduler = scheduler;
	}

	/**
	 * From now on, promotions are this migrator's: they hold the node's writes and run
	 * this migration. Called once startup applied or waited for the schema (during a
	 * replica's wait for the schema, a promotion is the wait's).
	 * @param migration applies what is pending on a node that takes writes, doing
	 * nothing when it is no longer primary; throws when it fails
	 */
	void takeOver(Runnable migration) {
		if (this.migration == null) {
			this.migration = migration;
			this.node.addWriteHold(this.hold);
		}
	}

	/**
	 * Queues the migration of a promotion of this node, once per promotion even if the
	 * same event is published again; the node already holds its writes.
	 * @param event a change of role
	 */
	void onRoleChange(LiteFsRoleChangedEvent event) {
		Runnable migration = this.migration;
		if (!event.isPromotion() || event.getSource() != this.node || migration == null || event == this.lastPromotion
				|| this.stopped) {
			return;
		}
		this.lastPromotion = event;
		try {
			this.scheduler.execute(() -> migrate(migration, this.node.pollInterval()));
		}
		catch (RejectedExecutionException ex) {
			// the context closes
		}
	}

	/** Cancels a retry to come; a run under way ends as it will, and is not retried. */
	void stop() {
		this.stopped = true;
		ScheduledFuture<?> retry = this.retry;
		if (retry != null) {
			retry.cancel(false);
		}
	}

	/**
	 * Migrates after a promotion; a run that fails is tried again after
	 * {@code retryDelay}, doubled for the next, while this node is still primary: its
	 * writes stay held until a run migrates, never for good.
	 */
	private void migrate(Runnable migration, Duration retryDelay) {
		if (this.stopped) {
			return;
		}
		if (!this.running.tryLock()) {
			schedule(() -> migrate(migration, retryDelay), this.node.pollInterval());
			return;
		}
		try {
			migrateOnce(migration, retryDelay);
		}
		finally {
			this.running.unlock();
		}
	}

	private void migrateOnce(Runnable migration, Duration retryDelay) {
		try {
			migration.run();
		}
		catch (RuntimeException ex) {
			if (!this.node.refresh().role().acceptsWrites()) {
				logger.warn("LiteFS primary {}: migrating after the promotion failed, and the node is no longer "
						+ "primary; the next promotion migrates ({})", this.node.hostname(), ex.toString());
				this.failedHolds++;
				return;
			}
			logger.warn("LiteFS primary {}: migrating after the promotion failed ({}); writes stay held, trying again "
					+ "in {} ms", this.node.hostname(), ex.toString(), retryDelay.toMillis());
			Duration next = (retryDelay.multipliedBy(2).compareTo(MAX_RETRY_DELAY) > 0) ? MAX_RETRY_DELAY
					: retryDelay.multipliedBy(2);
			schedule(() -> migrate(migration, next), retryDelay);
			return;
		}
		if (this.hold.release(this.failedHolds + 1)) {
			this.node.checkWriteHolds();
			logger.info("LiteFS node {}: taking writes", this.node.hostname());
		}
		this.failedHolds = 0;
	}

	private void schedule(Runnable run, Duration delay) {
		if (this.stopped) {
			return;
		}
		try {
			this.retry = this.scheduler.schedule(run, delay);
		}
		catch (RejectedExecutionException ex) {
			// the context closes
		}
	}

}
