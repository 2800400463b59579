package dev.litefs.spring.schema;

import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Optional;

import dev.litefs.spring.node.LiteFsNode;
import dev.litefs.spring.node.LiteFsRoleChangedEvent;
import dev.litefs.spring.node.LiteFsScheduler;
import dev.litefs.spring.schema.MigrationRun.Trigger;
import org.aopalliance.intercept.MethodInterceptor;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.framework.AopProxyUtils;
import org.springframework.aop.framework.ProxyFactory;

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
 * <p>
 * Several databases: each Flyway bean is a schema of its own, on the database its
 * DataSource opens. A replica waits for each, following that database's position; a
 * promotion migrates each, holding writes until all have. Spring Boot's own Flyway comes
 * here through its initializer; an application's own {@code Flyway} beans (Spring Boot's
 * auto-configuration backs off then) whose DataSource is a SQLite file on the mount are
 * handed to {@link #primaryOnly(Flyway)} by the auto-configuration, so that however they
 * are run ({@code @Bean(initMethod = "migrate")}, a {@code FlywayMigrationInitializer},
 * a call of their own) {@code migrate()} follows these rules. The last run of each
 * database is kept in {@link #lastRuns()}.
 *
 * @since 0.2.0
 */
public class LiteFsFlywayMigrationStrategy implements FlywayMigrationStrategy, FollowsSchemaRules {

	private final LiteFsNode node;

	private final SchemaRules rules;

	/** Each Flyway migrated, by identity (not a proxy of it); guarded by itself. */
	private final Map<Flyway, FlywayMeans> flyways = new IdentityHashMap<>();

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
		this.rules = new SchemaRules(node, replicaMode, replicaTimeout, failOnReplicaTimeout, scheduler);
	}

	@Override
	public SchemaRules schemaRules() {
		return this.rules;
	}

	/**
	 * The last run of any database: the startup's, or a promotion's that applied
	 * migrations.
	 * @return the run, or empty before startup ran Flyway
	 */
	public Optional<MigrationRun> lastRun() {
		return this.rules.lastRun();
	}

	/**
	 * The last run of each database a Flyway migrates.
	 * @return the runs by database name, sorted by name
	 * @since 0.3.0
	 */
	public Map<String, MigrationRun> lastRuns() {
		return this.rules.lastRuns();
	}

	@Override
	public void migrate(Flyway flyway) {
		means(flyway).start();
	}

	/**
	 * A Flyway whose {@code migrate()} follows these rules, for a Flyway on a database of
	 * the mount: a proxy of it, every other method left to it. {@code migrate()} answers
	 * what Flyway did on a node that migrated, and an empty result (nothing executed)
	 * where it did not migrate.
	 * @param flyway a Flyway
	 * @return the proxy, or {@code flyway} itself when its DataSource opens no database
	 * of the mount or it is such a proxy already
	 * @since 0.3.0
	 */
	public Flyway primaryOnly(Flyway flyway) {
		if (AopProxyUtils.getSingletonTarget(flyway) != null
				|| SchemaDatabases.onMount(this.node, flyway.getConfiguration().getDataSource()) == null) {
			return flyway;
		}
		ProxyFactory proxy = new ProxyFactory(flyway);
		proxy.setProxyTargetClass(true);
		proxy.addAdvice((MethodInterceptor) (invocation) -> {
			if (invocation.getMethod().getName().equals("migrate") && invocation.getArguments().length == 0) {
				return means(flyway).start();
			}
			return invocation.proceed();
		});
		return (Flyway) proxy.getProxy(flyway.getClass().getClassLoader());
	}

	private FlywayMeans means(Flyway flyway) {
		Flyway target = (AopProxyUtils.getSingletonTarget(flyway) instanceof Flyway proxied) ? proxied : flyway;
		synchronized (this.flyways) {
			return this.flyways.computeIfAbsent(target, FlywayMeans::new);
		}
	}

	/** A Flyway as the start-up policy sees it: the schema of its database. */
	private final class FlywayMeans implements SchemaStartup.SchemaMeans {

		private final Flyway flyway;

		private final String database;

		private final PrimaryMigrator migrator;

		private volatile @Nullable MigrateResult result;

		FlywayMeans(Flyway flyway) {
			this.flyway = flyway;
			this.database = SchemaDatabases.of(LiteFsFlywayMigrationStrategy.this.node,
					flyway.getConfiguration().getDataSource());
			this.migrator = new PrimaryMigrator(LiteFsFlywayMigrationStrategy.this.node, this.database);
		}

		/** Migrates or waits, as the rules say; then promotions migrate this Flyway. */
		MigrateResult start() {
			this.result = null;
			LiteFsFlywayMigrationStrategy.this.rules.start(this.flyway, this, () -> apply(Trigger.PROMOTION));
			MigrateResult result = this.result;
			return (result != null) ? result : notMigrated();
		}

		/** What {@code migrate()} answers on a node that did not migrate. */
		private MigrateResult notMigrated() {
			MigrateResult result = new MigrateResult();
			result.success = true;
			result.migrations = new ArrayList<>();
			result.warnings = new ArrayList<>();
			result.database = this.database;
			MigrationRun run = LiteFsFlywayMigrationStrategy.this.rules.lastRuns().get(this.database);
			if (run != null) {
				result.initialSchemaVersion = run.schemaVersion();
				result.targetSchemaVersion = run.schemaVersion();
			}
			return result;
		}

		@Override
		public String name() {
			return "Flyway";
		}

		@Override
		public String database() {
			return this.database;
		}

		@Override
		public void apply(Trigger trigger) {
			try {
				this.result = this.migrator.migrate(this.flyway, trigger);
			}
			finally {
				this.migrator.lastRun().ifPresent((run) -> record(run));
			}
		}

		@Override
		public ReplicaSchemaCheck.Result check() {
			return ReplicaSchemaCheck.check(this.flyway);
		}

		@Override
		public void record(MigrationRun run) {
			LiteFsFlywayMigrationStrategy.this.rules.record(this.database, run);
		}

	}

}
