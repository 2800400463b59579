package dev.litefs.spring.schema;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

import dev.litefs.spring.schema.MigrationRun.Outcome;
import dev.litefs.spring.schema.MigrationRun.Trigger;
import dev.litefs.spring.node.LiteFsNode;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfoService;
import org.flywaydb.core.api.output.MigrateResult;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the pending migrations on a node that takes writes, and keeps the node's last
 * Flyway run (the start-up's, or a promotion's that applied migrations).
 * <p>
 * All migrations in the JVM run one at a time, whichever application context or node
 * starts them: Flyway takes no lock on SQLite (its schema history table is no lock
 * there), and two application contexts of one JVM may share a database, as tests and a
 * context restarted in place do; two migrations at once would both apply the same
 * scripts.
 */
final class PrimaryMigrator {

	private static final Logger logger = LoggerFactory.getLogger(PrimaryMigrator.class);

	/** One migration at a time in the JVM, whichever context or node starts it. */
	private static final ReentrantLock migrationLock = new ReentrantLock();

	private final LiteFsNode node;

	private final String database;

	private volatile @Nullable MigrationRun lastRun;

	PrimaryMigrator(LiteFsNode node) {
		this(node, node.mount().database());
	}

	/**
	 * A migrator of the Flyway of a database.
	 * @param node this node
	 * @param database the database, as logs name it
	 */
	PrimaryMigrator(LiteFsNode node, String database) {
		this.node = node;
		this.database = database;
	}

	Optional<MigrationRun> lastRun() {
		return Optional.ofNullable(this.lastRun);
	}

	/** Keeps a run that migrated nothing: a replica's. */
	void record(MigrationRun run) {
		this.lastRun = run;
	}

	/**
	 * Applies the pending migrations, unless this node is no longer primary. At startup
	 * it calls {@code migrate()} even with none pending, as Spring Boot does (validation,
	 * baseline on migrate); after a promotion it does nothing then.
	 * @return what Flyway answered, or {@code null} when it was not asked to migrate
	 * @throws RuntimeException what Flyway threw, the run kept as failed
	 */
	@Nullable MigrateResult migrate(Flyway flyway, Trigger trigger) {
		migrationLock.lock();
		Instant startedAt = Instant.now();
		long start = System.nanoTime();
		try {
			if (!this.node.state().role().acceptsWrites()) {
				return null;
			}
			if (trigger == Trigger.PROMOTION) {
				MigrationInfoService info = flyway.info();
				int pending = info.pending().length;
				if (pending == 0) {
					logger.info("LiteFS primary {}: promoted, no migrations pending in {} (schema version {})",
							this.node.hostname(), this.database, SchemaVersions.shown(SchemaVersions.current(info)));
					return null;
				}
				logger.info("LiteFS primary {}: applying {} migration{} to {}", this.node.hostname(), pending,
						(pending != 1) ? "s" : "", this.database);
			}
			// at startup one scan of the migrations, not two: Flyway's info() costs about as much as migrate()
			MigrateResult result = flyway.migrate();
			String version = (result.targetSchemaVersion != null) ? result.targetSchemaVersion
					: result.initialSchemaVersion;
			if (trigger == Trigger.STARTUP) {
				logStartupMigration(result.migrationsExecuted, version);
			}
			this.lastRun = new MigrationRun(trigger, Outcome.MIGRATED, startedAt, SchemaVersions.since(start),
					result.migrationsExecuted, List.of(), version, null);
			return result;
		}
		catch (RuntimeException ex) {
			this.lastRun = new MigrationRun(trigger, Outcome.FAILED, startedAt, SchemaVersions.since(start), 0,
					List.of(), null, String.valueOf(ex.getMessage()));
			throw ex;
		}
		finally {
			migrationLock.unlock();
		}
	}

	private void logStartupMigration(int applied, @Nullable String version) {
		if (applied == 0) {
			logger.info("LiteFS primary {}: no migrations pending in {} (schema version {})", this.node.hostname(),
					this.database, SchemaVersions.shown(version));
		}
		else {
			logger.info("LiteFS primary {}: applied {} migration{} to {} (schema version {})", this.node.hostname(),
					applied, (applied != 1) ? "s" : "", this.database, SchemaVersions.shown(version));
		}
	}

}
