package dev.litefs.spring.schema;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import javax.sql.DataSource;

import dev.litefs.spring.internal.SqliteFiles;
import dev.litefs.spring.node.LiteFsNode;
import dev.litefs.spring.node.LiteFsScheduler;
import dev.litefs.spring.schema.MigrationRun.Trigger;
import org.hibernate.boot.Metadata;
import org.hibernate.boot.model.relational.Namespace;
import org.hibernate.boot.spi.BootstrapContext;
import org.hibernate.cfg.AvailableSettings;
import org.hibernate.cfg.JdbcSettings;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.integrator.spi.Integrator;
import org.hibernate.jpa.boot.spi.IntegratorProvider;
import org.hibernate.jpa.boot.spi.JpaSettings;
import org.hibernate.mapping.Table;
import org.hibernate.service.ServiceRegistry;
import org.hibernate.tool.schema.spi.SchemaManagementToolCoordinator;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;

import org.springframework.boot.hibernate.autoconfigure.HibernatePropertiesCustomizer;

/**
 * Hibernate's {@code ddl-auto} ({@code create}, {@code create-drop}, {@code update}) the
 * LiteFS way: Hibernate changes the schema on the primary only. On a replica, or a node
 * whose role is not known yet, the customizer turns Hibernate's schema action to
 * {@code none} (and, before the database has replicated, Hibernate's look at it, which
 * would create the file: the dialect is then the community {@code SQLiteDialect} unless
 * the application names one), and, with {@code litefs.schema.replica-mode=wait}, the replica waits
 * while its {@code EntityManagerFactory} is built until every table of the entities has
 * replicated, then starts, or times out as it does for Flyway. A node promoted during
 * the wait, or after startup (its writes held meanwhile), runs Hibernate's
 * {@code update}, which adds what is missing and never drops: a promotion never
 * recreates the data a {@code create} would.
 *
 * @since 0.3.0
 */
public class LiteFsHibernateSchema implements HibernatePropertiesCustomizer, FollowsSchemaRules {

	private static final Logger logger = LoggerFactory.getLogger(LiteFsHibernateSchema.class);

	private static final String JAKARTA_ACTION = "jakarta.persistence.schema-generation.database.action";

	private static final String SQLITE_DIALECT = "org.hibernate.community.dialect.SQLiteDialect";

	private static final Set<String> CHANGING = Set.of("create", "create-drop", "create-only", "update",
			"drop-and-create");

	private final LiteFsNode node;

	private final DataSource dataSource;

	private final SchemaRules rules;

	/**
	 * Creates the customizer.
	 * @param node this node
	 * @param dataSource the DataSource of the entities
	 * @param replicaMode what a replica does at startup
	 * @param replicaTimeout how long a replica waits for the schema
	 * @param failOnReplicaTimeout whether a replica whose schema is still incomplete at
	 * the time-out fails startup
	 * @param scheduler where promotions migrate and a replica started without its schema
	 * watches for it
	 */
	public LiteFsHibernateSchema(LiteFsNode node, DataSource dataSource, ReplicaMode replicaMode,
			Duration replicaTimeout, boolean failOnReplicaTimeout, LiteFsScheduler scheduler) {
		this.node = node;
		this.dataSource = dataSource;
		this.rules = new SchemaRules(node, replicaMode, replicaTimeout, failOnReplicaTimeout, scheduler);
	}

	@Override
	public SchemaRules schemaRules() {
		return this.rules;
	}

	/**
	 * The last run: a replica's wait for the entity tables, or a promotion's update.
	 * @return the run, or empty when none was
	 */
	public Optional<MigrationRun> lastRun() {
		return this.rules.lastRun();
	}

	/**
	 * Turns Hibernate's schema action off on a node that is not primary, and takes the
	 * mapping when Hibernate builds it, when {@code ddl-auto} changes the schema.
	 */
	@Override
	public void customize(Map<String, Object> properties) {
		if (!changesSchema(properties.get(AvailableSettings.HBM2DDL_AUTO))
				&& !changesSchema(properties.get(JAKARTA_ACTION))) {
			return;
		}
		boolean waits = !this.node.state().isPrimary();
		if (waits) {
			properties.put(AvailableSettings.HBM2DDL_AUTO, "none");
			properties.put(JAKARTA_ACTION, "none");
			Path file = SqliteFiles.file(this.dataSource);
			if (file != null && !Files.exists(file)) {
				// Hibernate's look at the database would create the file LiteFS is to replicate
				properties.put(JdbcSettings.ALLOW_METADATA_ON_BOOT, false);
				properties.putIfAbsent(JdbcSettings.DIALECT, SQLITE_DIALECT);
			}
		}
		Integrator entities = new EntityTablesIntegrator(waits);
		Object theirs = properties.get(JpaSettings.INTEGRATOR_PROVIDER);
		properties.put(JpaSettings.INTEGRATOR_PROVIDER, (IntegratorProvider) () -> {
			List<Integrator> all = new ArrayList<>();
			if (theirs instanceof IntegratorProvider provider) {
				all.addAll(provider.getIntegrators());
			}
			all.add(entities);
			return all;
		});
	}

	private static boolean changesSchema(@Nullable Object action) {
		return action != null && CHANGING.contains(action.toString().trim().toLowerCase(Locale.ROOT));
	}


	/** Runs while Hibernate builds the session factory, before its own schema action. */
	private final class EntityTablesIntegrator implements Integrator {

		private final boolean waits;

		EntityTablesIntegrator(boolean waits) {
			this.waits = waits;
		}

		@Override
		public void integrate(Metadata metadata, BootstrapContext bootstrapContext,
				SessionFactoryImplementor sessionFactory) {
			Entities entities = new Entities(metadata, bootstrapContext.getServiceRegistry());
			Runnable promotion = () -> entities.apply(Trigger.PROMOTION);
			if (this.waits) {
				LiteFsHibernateSchema.this.rules.start(LiteFsHibernateSchema.this, entities, promotion);
			}
			else {
				// on the primary Hibernate's own action applies the schema
				LiteFsHibernateSchema.this.rules.promoteWith(LiteFsHibernateSchema.this, promotion);
			}
		}

	}

	/** The entities' tables as the start-up policy sees them. */
	private final class Entities implements SchemaStartup.SchemaMeans {

		private final Metadata metadata;

		private final ServiceRegistry serviceRegistry;

		Entities(Metadata metadata, ServiceRegistry serviceRegistry) {
			this.metadata = metadata;
			this.serviceRegistry = serviceRegistry;
		}

		@Override
		public String name() {
			return "Hibernate";
		}

		@Override
		public String database() {
			return SchemaDatabases.of(LiteFsHibernateSchema.this.node, LiteFsHibernateSchema.this.dataSource);
		}

		/** Runs Hibernate's update, unless this node is no longer primary. */
		@Override
		public void apply(Trigger trigger) {
			if (!LiteFsHibernateSchema.this.node.state().role().acceptsWrites()) {
				return;
			}
			SchemaStartup.applyKept(this, trigger, () -> {
				SchemaManagementToolCoordinator.process(this.metadata, this.serviceRegistry,
						Map.of(JAKARTA_ACTION, "update", AvailableSettings.HBM2DDL_HALT_ON_ERROR, true), null);
				logger.info("LiteFS primary {}: updated the schema of the entities",
						LiteFsHibernateSchema.this.node.hostname());
				return 0;
			});
		}

		@Override
		public ReplicaSchemaCheck.Result check() {
			Path file = SqliteFiles.file(LiteFsHibernateSchema.this.dataSource);
			Set<String> missing = new LinkedHashSet<>();
			for (Namespace namespace : this.metadata.getDatabase().getNamespaces()) {
				for (Table table : namespace.getTables()) {
					if (table.isPhysicalTable()) {
						missing.add("table " + table.getName().toLowerCase(Locale.ROOT));
					}
				}
			}
			if (file == null || !Files.exists(file)) {
				return new ReplicaSchemaCheck.Result("", List.copyOf(missing), null, null);
			}
			SQLiteConfig config = new SQLiteConfig();
			config.setReadOnly(true);
			try (Connection replicated = config.createConnection("jdbc:sqlite:" + file)) {
				for (String object : SchemaObjects.of(replicated)) {
					missing.remove(object.toLowerCase(Locale.ROOT));
				}
				return new ReplicaSchemaCheck.Result("", List.copyOf(missing), null, null);
			}
			catch (Exception ex) {
				logger.debug("Reading the replicated schema of {} failed", file, ex);
				return new ReplicaSchemaCheck.Result("", List.of(), null, "cannot read " + file + ": " + ex.getMessage());
			}
		}

		@Override
		public void record(MigrationRun run) {
			LiteFsHibernateSchema.this.rules.record(database(), run);
		}

	}

}
