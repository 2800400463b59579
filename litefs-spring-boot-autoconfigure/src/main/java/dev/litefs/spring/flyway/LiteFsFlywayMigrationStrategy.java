package dev.litefs.spring.flyway;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.ReentrantLock;

import javax.sql.DataSource;

import dev.litefs.spring.flyway.MigrationRun.Outcome;
import dev.litefs.spring.flyway.MigrationRun.Trigger;
import dev.litefs.spring.internal.SqliteFiles;
import dev.litefs.spring.node.LiteFsNode;
import dev.litefs.spring.node.LiteFsRoleChangedEvent;
import dev.litefs.spring.node.NodeRole;
import dev.litefs.spring.node.NodeState;
import dev.litefs.spring.node.Position;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationInfoService;
import org.flywaydb.core.api.output.MigrateResult;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.flyway.autoconfigure.FlywayMigrationStrategy;
import org.springframework.context.ApplicationListener;

/**
 * Runs Flyway the LiteFS way: migrations are applied on the primary only, a replica
 * waits for the primary's schema to replicate to it, and a node promoted to primary
 * applies what is still pending.
 * <p>
 * Spring Boot calls {@link #migrate(Flyway)} once at startup, in place of
 * {@code flyway.migrate()}:
 * <ul>
 * <li>on a primary or standalone node it migrates, as Spring Boot would;</li>
 * <li>on a replica, or a node whose role is not known yet, it never writes: no
 * {@code migrate}, {@code baseline}, {@code repair} or {@code clean}, no schema history
 * table. Flyway's own DataSource names the database; when it is a SQLite file, that
 * file is read through a read-only SQLite connection of its own, opened only once the
 * file exists (before, the migrations are compared with an empty in-memory database).
 * In {@link ReplicaMode#WAIT} it waits on the node for the replication position to move
 * (a {@code tx} event, or a poll interval passing), compares the schema again whenever
 * it moved, and returns when nothing is missing, or at the time-out with a warning (or
 * an {@link IllegalStateException}); if the node is promoted meanwhile, it migrates. In
 * {@link ReplicaMode#SKIP} it returns at once.</li>
 * </ul>
 * After startup, every {@link LiteFsRoleChangedEvent#isPromotion() promotion} holds the
 * node's writes (they are answered {@code 503} with {@code Retry-After}) from the reading
 * that shows it until its pending migrations are applied, once, on a thread of this
 * strategy's own: never on the thread that publishes the event, never on a request's. A
 * failed migration keeps the writes held (the schema is not current) and is tried again,
 * after a pause doubling up to 10 s, while the node is primary (a LiteFS that restarts
 * under the application fails the first try); a node no longer primary leaves it to the
 * next promotion. All migrations in the JVM run one at
 * a time: Flyway takes no lock on SQLite, and two application contexts may share a
 * database. The last run is kept in {@link #lastRun()}.
 *
 * @since 0.2.0
 */
public class LiteFsFlywayMigrationStrategy
		implements FlywayMigrationStrategy, ApplicationListener<LiteFsRoleChangedEvent>, DisposableBean {

	private static final Logger logger = LoggerFactory.getLogger(LiteFsFlywayMigrationStrategy.class);

	/** One migration at a time in the JVM, whichever context or node starts it. */
	private static final ReentrantLock migrationLock = new ReentrantLock();

	/** What a promoted node's writes wait for, as its clients are told. */
	static final String WRITE_HOLD = "migrating its schema";

	private final LiteFsNode node;

	private final ReplicaMode replicaMode;

	private final Duration replicaTimeout;

	private final boolean failOnReplicaTimeout;

	private volatile @Nullable Flyway flyway;

	private volatile @Nullable MigrationRun lastRun;

	/** The longest pause between two tries of a promotion's migration that failed. */
	private static final Duration MAX_RETRY_DELAY = Duration.ofSeconds(10);

	private final ScheduledExecutorService promotions = Executors.newSingleThreadScheduledExecutor((task) -> {
		Thread thread = new Thread(task, "litefs-flyway-promotion");
		thread.setDaemon(true);
		return thread;
	});

	private volatile @Nullable LiteFsRoleChangedEvent lastPromotion;

	/** Holds of failed promotion runs, ended by the next run that migrates. */
	private int failedHolds;

	/**
	 * Creates a strategy.
	 * @param node this node
	 * @param replicaMode what a replica does at startup
	 * @param replicaTimeout how long a replica waits for the schema in
	 * {@link ReplicaMode#WAIT}
	 * @param failOnReplicaTimeout whether a replica whose schema is still incomplete at
	 * the time-out fails startup rather than starting with a warning
	 */
	public LiteFsFlywayMigrationStrategy(LiteFsNode node, ReplicaMode replicaMode, Duration replicaTimeout,
			boolean failOnReplicaTimeout) {
		this.node = node;
		this.replicaMode = replicaMode;
		this.replicaTimeout = replicaTimeout;
		this.failOnReplicaTimeout = failOnReplicaTimeout;
	}

	/**
	 * The last run: the startup's, or a promotion's that applied migrations.
	 * @return the run, or empty before startup ran Flyway
	 */
	public Optional<MigrationRun> lastRun() {
		return Optional.ofNullable(this.lastRun);
	}

	@Override
	public void migrate(Flyway flyway) {
		NodeState state = this.node.state();
		try {
			if (state.isPrimary()) {
				migrateOnPrimary(flyway, Trigger.STARTUP);
			}
			else if (this.replicaMode == ReplicaMode.SKIP) {
				logger.info("{}: not waiting for the schema (litefs.flyway.replica-mode=skip); the primary ({}) "
						+ "migrates", describe(state), primary(state));
				this.lastRun = new MigrationRun(Trigger.STARTUP, Outcome.SKIPPED, Instant.now(), Duration.ZERO, 0,
						List.of(), null, null);
			}
			else {
				awaitReplicatedSchema(flyway, state);
			}
		}
		finally {
			// from now on promotions are this listener's; during the wait, the wait's
			this.flyway = flyway;
			this.node.holdWritesOnPromotion(WRITE_HOLD);
		}
	}

	/**
	 * On a promotion after startup, queues its migration run; the node already holds its
	 * writes until the run ends.
	 */
	@Override
	public void onApplicationEvent(LiteFsRoleChangedEvent event) {
		Flyway flyway = this.flyway;
		if (!event.isPromotion() || event.getSource() != this.node || flyway == null || event == this.lastPromotion) {
			return;
		}
		// once per promotion, even if the same event is published again
		this.lastPromotion = event;
		this.promotions.execute(() -> migrateAfterPromotion(flyway));
	}

	private void migrateAfterPromotion(Flyway flyway) {
		migrateAfterPromotion(flyway, this.node.pollInterval());
	}

	/**
	 * Migrates after a promotion; a run that fails (LiteFS restarting under the
	 * application, say) is tried again after a pause that doubles up to
	 * {@link #MAX_RETRY_DELAY}, while this node is still primary: its writes stay held
	 * until a run migrates, never for good.
	 */
	private void migrateAfterPromotion(Flyway flyway, Duration retryDelay) {
		try {
			migrateOnPrimary(flyway, Trigger.PROMOTION);
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
			Duration next = retryDelay.multipliedBy(2).compareTo(MAX_RETRY_DELAY) > 0 ? MAX_RETRY_DELAY
					: retryDelay.multipliedBy(2);
			this.promotions.schedule(() -> migrateAfterPromotion(flyway, next), retryDelay.toMillis(),
					TimeUnit.MILLISECONDS);
			return;
		}
		for (int i = 0; i <= this.failedHolds; i++) {
			this.node.releaseWrites();
		}
		this.failedHolds = 0;
	}

	@Override
	public void destroy() {
		this.promotions.shutdownNow();
	}

	/**
	 * Applies the pending migrations, unless this node is no longer primary. At startup
	 * it calls {@code migrate()} even with none pending, as Spring Boot does (validation,
	 * baseline on migrate); after a promotion it does nothing then.
	 */
	private void migrateOnPrimary(Flyway flyway, Trigger trigger) {
		migrationLock.lock();
		Instant startedAt = Instant.now();
		long start = System.nanoTime();
		try {
			if (!this.node.state().role().acceptsWrites()) {
				return;
			}
			if (trigger == Trigger.PROMOTION) {
				MigrationInfoService info = flyway.info();
				int pending = info.pending().length;
				if (pending == 0) {
					logger.info("LiteFS primary {}: promoted, no migrations pending (schema version {})",
							this.node.hostname(), shown(version(info)));
					return;
				}
				logger.info("LiteFS primary {}: applying {} migration{}", this.node.hostname(), pending,
						(pending != 1) ? "s" : "");
			}
			// at startup one scan of the migrations, not two: Flyway's info() costs about as much as migrate()
			MigrateResult result = flyway.migrate();
			String version = (result.targetSchemaVersion != null) ? result.targetSchemaVersion
					: result.initialSchemaVersion;
			if (trigger == Trigger.STARTUP) {
				logStartupMigration(result.migrationsExecuted, version);
			}
			this.lastRun = new MigrationRun(trigger, Outcome.MIGRATED, startedAt, since(start),
					result.migrationsExecuted, List.of(), version, null);
		}
		catch (RuntimeException ex) {
			this.lastRun = new MigrationRun(trigger, Outcome.FAILED, startedAt, since(start), 0, List.of(), null,
					String.valueOf(ex.getMessage()));
			throw ex;
		}
		finally {
			migrationLock.unlock();
		}
	}

	private void logStartupMigration(int applied, @Nullable String version) {
		if (applied == 0) {
			logger.info("LiteFS primary {}: no migrations pending (schema version {})", this.node.hostname(),
					shown(version));
		}
		else {
			logger.info("LiteFS primary {}: applied {} migration{} (schema version {})", this.node.hostname(), applied,
					(applied != 1) ? "s" : "", shown(version));
		}
	}

	private void awaitReplicatedSchema(Flyway flyway, NodeState initial) {
		Instant startedAt = Instant.now();
		long start = System.nanoTime();
		// the node's stream and polling, before the context starts its lifecycle beans
		this.node.start();
		NodeState state = initial;
		Position checked = state.position();
		SchemaCheck check = readReplicatedSchema(flyway);
		boolean waiting = !check.complete();
		if (waiting) {
			logger.info("{}: waiting up to {} for the primary ({}) to replicate the schema: {}", describe(state),
					format(this.replicaTimeout), primary(state), check.describe());
		}
		while (!check.complete()) {
			Duration remaining = this.replicaTimeout.minus(since(start));
			if (remaining.isNegative() || remaining.isZero()
					|| !awaitMove(checked, min(remaining, this.node.pollInterval()))) {
				timedOut(state, check, startedAt, since(start));
				return;
			}
			state = this.node.state();
			if (state.role().acceptsWrites()) {
				migrateOnPrimary(flyway, Trigger.PROMOTION);
				return;
			}
			if (!state.position().equals(checked)) {
				checked = state.position();
				check = readReplicatedSchema(flyway);
			}
		}
		Duration took = since(start);
		logger.info("{}: schema replicated (version {}){}", describe(state), shown(check.version()),
				waiting ? " after " + format(took) : "");
		this.lastRun = new MigrationRun(Trigger.STARTUP, Outcome.REPLICATED, startedAt, took, 0, List.of(),
				check.version(), null);
	}

	private void timedOut(NodeState state, SchemaCheck check, Instant startedAt, Duration waited) {
		this.lastRun = new MigrationRun(Trigger.STARTUP, Outcome.TIMED_OUT, startedAt, waited, 0, check.missing(),
				check.version(), check.error());
		String message = "%s: the schema has not replicated from the primary (%s) within %s (litefs.flyway.replica-timeout): %s"
			.formatted(describe(state), primary(state), format(this.replicaTimeout), check.describe());
		if (this.failOnReplicaTimeout) {
			throw new ReplicaSchemaTimeoutException(
					message + "; failing startup as litefs.flyway.replica-fail-on-timeout=true", primary(state),
					this.replicaTimeout);
		}
		logger.warn("{}; starting anyway", message);
	}

	/**
	 * Compares this application's migrations with the replicated database without
	 * writing to it: through a read-only connection that cannot create the file, and
	 * against an empty in-memory database while the file does not exist.
	 */
	private SchemaCheck readReplicatedSchema(Flyway flyway) {
		DataSource flywayDataSource = flyway.getConfiguration().getDataSource();
		Path file = SqliteFiles.file(flywayDataSource);
		DataSource dataSource = flywayDataSource;
		if (file != null) {
			SQLiteConfig config = new SQLiteConfig();
			config.setReadOnly(true);
			SQLiteDataSource readOnly = new SQLiteDataSource(config);
			readOnly.setUrl(Files.exists(file) ? "jdbc:sqlite:" + file : "jdbc:sqlite::memory:");
			dataSource = readOnly;
		}
		Object read = (file != null) ? file : "Flyway's DataSource";
		try {
			MigrationInfoService info = Flyway.configure(flyway.getConfiguration().getClassLoader())
				.configuration(flyway.getConfiguration())
				.dataSource(dataSource)
				.load()
				.info();
			List<String> missing = Arrays.stream(info.pending()).map(LiteFsFlywayMigrationStrategy::name).toList();
			return new SchemaCheck(missing, version(info), null);
		}
		catch (RuntimeException ex) {
			logger.debug("Reading the replicated schema of {} failed", read, ex);
			return new SchemaCheck(List.of(), null, "cannot read " + read + ": " + ex.getMessage());
		}
	}

	private static @Nullable String version(MigrationInfoService info) {
		MigrationInfo current = info.current();
		return (current != null && current.getVersion() != null) ? current.getVersion().getVersion() : null;
	}

	private static String shown(@Nullable String version) {
		return (version != null) ? version : "none";
	}

	private static String name(MigrationInfo migration) {
		return (migration.getVersion() != null) ? migration.getVersion().getVersion()
				: migration.getDescription() + " (repeatable)";
	}

	private static String describe(NodeState state) {
		return (state.role() == NodeRole.REPLICA) ? "LiteFS replica " + state.hostname()
				: "LiteFS node " + state.hostname() + " (role " + state.role().id() + ")";
	}

	private static String primary(NodeState state) {
		return (state.primary() != null) ? state.primary() : "none known";
	}

	private static String format(Duration duration) {
		long millis = duration.toMillis();
		if (millis < 1000) {
			return millis + "ms";
		}
		return (millis % 1000 == 0) ? (millis / 1000) + "s" : String.format(Locale.ROOT, "%.1fs", millis / 1000.0);
	}

	private static Duration since(long startNanos) {
		return Duration.ofNanos(System.nanoTime() - startNanos);
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

	/**
	 * The replicated database compared with this application's migrations.
	 *
	 * @param missing the migrations it lacks
	 * @param version its schema version, or {@code null}
	 * @param error why it could not be read, or {@code null}
	 */
	private record SchemaCheck(List<String> missing, @Nullable String version, @Nullable String error) {

		boolean complete() {
			return this.missing.isEmpty() && this.error == null;
		}

		String describe() {
			return (this.error != null) ? this.error : "missing migrations " + String.join(", ", this.missing);
		}

	}

}
