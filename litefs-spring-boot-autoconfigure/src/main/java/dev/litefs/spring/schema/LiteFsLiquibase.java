package dev.litefs.spring.schema;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import dev.litefs.spring.node.LiteFsNode;
import dev.litefs.spring.node.LiteFsScheduler;
import dev.litefs.spring.schema.MigrationRun.Trigger;
import liquibase.integration.spring.SpringLiquibase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;


/**
 * Runs Spring Boot's Liquibase ({@link SpringLiquibase}) the LiteFS way, as
 * {@link LiteFsFlywayMigrationStrategy} does Flyway: the changelog is applied on the
 * primary only; a replica never runs it and, with {@code litefs.schema.replica-mode=wait},
 * waits until every change set of the changelog (its contexts and labels) is in the
 * replicated {@code DATABASECHANGELOG}, read over a read-only connection of its own,
 * then starts, or times out as it does for Flyway; a node promoted during the wait, or
 * after startup (its writes held meanwhile), applies what is pending.
 * <p>
 * Spring Boot's {@code SpringLiquibase} runs its changelog when it is initialized; the
 * auto-configuration calls {@link #migrate(SpringLiquibase)} just before, which turns the
 * bean's own run off (Liquibase then logs that it "did not run").
 *
 * @since 0.3.0
 */
public class LiteFsLiquibase implements FollowsSchemaRules {

	private static final Logger logger = LoggerFactory.getLogger(LiteFsLiquibase.class);

	private final LiteFsNode node;

	private final SchemaRules rules;

	/**
	 * Creates the Liquibase runner.
	 * @param node this node
	 * @param replicaMode what a replica does at startup
	 * @param replicaTimeout how long a replica waits for the schema
	 * @param failOnReplicaTimeout whether a replica whose schema is still incomplete at
	 * the time-out fails startup
	 * @param scheduler where promotions migrate and a replica started without its schema
	 * watches for it
	 */
	public LiteFsLiquibase(LiteFsNode node, ReplicaMode replicaMode, Duration replicaTimeout,
			boolean failOnReplicaTimeout, LiteFsScheduler scheduler) {
		this.node = node;
		this.rules = new SchemaRules(node, replicaMode, replicaTimeout, failOnReplicaTimeout, scheduler);
	}

	@Override
	public SchemaRules schemaRules() {
		return this.rules;
	}

	/**
	 * The last run: the changelog applied on the primary, or a replica's wait for it.
	 * @return the run, or empty before Liquibase was initialized
	 */
	public Optional<MigrationRun> lastRun() {
		return this.rules.lastRun();
	}

	/**
	 * The last run of each database a Liquibase changelog is applied to.
	 * @return the runs by database name, sorted by name
	 */
	public Map<String, MigrationRun> lastRuns() {
		return this.rules.lastRuns();
	}

	/**
	 * Applies the start-up policy to a Liquibase before it initializes, and turns its own
	 * run off: Spring Boot's, and each {@code SpringLiquibase} bean of the application, on
	 * the database its DataSource opens. One whose DataSource is a SQLite file outside the
	 * mount (which LiteFS does not replicate) is left alone.
	 * @param liquibase a Liquibase, not initialized yet
	 */
	public void migrate(SpringLiquibase liquibase) {
		if (SchemaDatabases.offMount(this.node, liquibase.getDataSource())) {
			return;
		}
		Changelog changelog = new Changelog(liquibase);
		try {
			this.rules.start(liquibase, changelog, () -> changelog.apply(Trigger.PROMOTION));
		}
		finally {
			liquibase.setShouldRun(false);
		}
	}

	/** The changelog as the start-up policy sees it. */
	private final class Changelog implements SchemaStartup.SchemaMeans {

		private final SpringLiquibase liquibase;

		private final String database;

		Changelog(SpringLiquibase liquibase) {
			this.liquibase = liquibase;
			this.database = SchemaDatabases.of(LiteFsLiquibase.this.node, liquibase.getDataSource());
		}

		@Override
		public String name() {
			return "Liquibase";
		}

		@Override
		public String database() {
			return this.database;
		}

		/** Runs the changelog, unless this node is no longer primary. */
		@Override
		public void apply(Trigger trigger) {
			if (!LiteFsLiquibase.this.node.state().role().acceptsWrites()) {
				return;
			}
			SchemaStartup.applyKept(this, trigger, () -> {
				try {
					this.liquibase.setShouldRun(true);
					this.liquibase.afterPropertiesSet();
				}
				finally {
					this.liquibase.setShouldRun(false);
				}
				logger.info("LiteFS primary {}: ran the Liquibase changelog {} on {}",
						LiteFsLiquibase.this.node.hostname(), this.liquibase.getChangeLog(), this.database);
				return 0;
			});
		}

		@Override
		public ReplicaSchemaCheck.Result check() {
			return LiquibaseSchemaCheck.check(this.liquibase);
		}

		@Override
		public void record(MigrationRun run) {
			LiteFsLiquibase.this.rules.record(this.database, run);
		}

	}

}
