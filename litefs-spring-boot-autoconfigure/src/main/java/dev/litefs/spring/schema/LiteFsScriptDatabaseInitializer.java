package dev.litefs.spring.schema;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import javax.sql.DataSource;

import dev.litefs.spring.internal.SqliteFiles;
import dev.litefs.spring.node.LiteFsNode;
import dev.litefs.spring.node.LiteFsScheduler;
import dev.litefs.spring.schema.MigrationRun.Trigger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;

import org.springframework.boot.jdbc.autoconfigure.ApplicationDataSourceScriptDatabaseInitializer;
import org.springframework.boot.sql.init.DatabaseInitializationMode;
import org.springframework.boot.sql.init.DatabaseInitializationSettings;
import org.springframework.core.io.Resource;
import org.springframework.core.io.ResourceLoader;
import org.springframework.core.io.support.ResourcePatternResolver;
import org.springframework.core.io.support.ResourcePatternUtils;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;

/**
 * Spring Boot's {@code spring.sql.init} ({@code schema.sql}, {@code data.sql}) the LiteFS
 * way: the scripts run on the primary only; a replica never runs them (its data
 * replicates from the primary) and, with {@code litefs.schema.replica-mode=wait}, waits
 * until every table, index, view and trigger of the schema scripts has replicated, as it
 * does for Flyway's migrations. What the schema scripts create is found by running them
 * on an empty in-memory SQLite database; the replicated file is read over a read-only
 * connection of its own, never through the application's pool. A node promoted during
 * the wait, or after startup (its writes held meanwhile), runs the scripts.
 *
 * @since 0.3.0
 */
public class LiteFsScriptDatabaseInitializer extends ApplicationDataSourceScriptDatabaseInitializer
		implements FollowsSchemaRules {

	private static final Logger logger = LoggerFactory.getLogger(LiteFsScriptDatabaseInitializer.class);

	private static final String OPTIONAL = "optional:";

	private final DatabaseInitializationSettings settings;

	private final SchemaRules rules;

	private final LiteFsNode node;

	private volatile @Nullable ResourceLoader resourceLoader;

	private @Nullable Set<String> expected;

	/**
	 * Creates an initializer.
	 * @param dataSource the application's DataSource
	 * @param settings Spring Boot's {@code spring.sql.init} settings
	 * @param node this node
	 * @param replicaMode what a replica does at startup
	 * @param replicaTimeout how long a replica waits for the schema
	 * @param failOnReplicaTimeout whether a replica whose schema is still incomplete at
	 * the time-out fails startup
	 * @param scheduler where a replica that started without its schema watches for it
	 */
	public LiteFsScriptDatabaseInitializer(DataSource dataSource, DatabaseInitializationSettings settings,
			LiteFsNode node, ReplicaMode replicaMode, Duration replicaTimeout, boolean failOnReplicaTimeout,
			LiteFsScheduler scheduler) {
		super(dataSource, settings);
		this.settings = settings;
		this.node = node;
		this.rules = new SchemaRules(node, replicaMode, replicaTimeout, failOnReplicaTimeout, scheduler);
	}

	@Override
	public void setResourceLoader(ResourceLoader resourceLoader) {
		super.setResourceLoader(resourceLoader);
		this.resourceLoader = resourceLoader;
	}

	@Override
	public SchemaRules schemaRules() {
		return this.rules;
	}

	/**
	 * The last run: the scripts run on the primary, or a replica's wait for their schema.
	 * @return the run, or empty before startup
	 */
	public Optional<MigrationRun> lastRun() {
		return this.rules.lastRun();
	}

	@Override
	public boolean initializeDatabase() {
		if (!runsScripts()) {
			return super.initializeDatabase();
		}
		Scripts means = new Scripts();
		this.rules.start(this, means, () -> {
			if (this.node.state().role().acceptsWrites()) {
				means.apply(Trigger.PROMOTION);
			}
		});
		return means.applied;
	}

	/**
	 * Whether Spring Boot runs the scripts whatever the database
	 * ({@code spring.sql.init.mode=always}): a SQLite file is never an embedded database
	 * to it, and asking would open a connection, creating the file on a replica.
	 */
	private boolean runsScripts() {
		return this.settings.getMode() == DatabaseInitializationMode.ALWAYS;
	}

	/** The objects of the schema scripts, as {@code type name}, found once. */
	private synchronized Set<String> expected() throws SQLException, IOException {
		Set<String> expected = this.expected;
		if (expected == null) {
			ResourceDatabasePopulator populator = new ResourceDatabasePopulator();
			populator.setContinueOnError(this.settings.isContinueOnError());
			populator.setSeparator(this.settings.getSeparator());
			if (this.settings.getEncoding() != null) {
				populator.setSqlScriptEncoding(this.settings.getEncoding().name());
			}
			for (Resource script : schemaScripts()) {
				populator.addScript(script);
			}
			try (Connection memory = DriverManager.getConnection("jdbc:sqlite::memory:")) {
				populator.populate(memory);
				expected = SchemaObjects.of(memory);
			}
			this.expected = expected;
		}
		return expected;
	}

	private List<Resource> schemaScripts() throws IOException {
		ResourcePatternResolver resolver = ResourcePatternUtils.getResourcePatternResolver(this.resourceLoader);
		List<Resource> scripts = new ArrayList<>();
		for (String location : this.settings.getSchemaLocations()) {
			String path = location.startsWith(OPTIONAL) ? location.substring(OPTIONAL.length()) : location;
			for (Resource resource : resolver.getResources(path)) {
				if (resource.isReadable()) {
					scripts.add(resource);
				}
			}
		}
		return scripts;
	}

	/** The scripts as the start-up policy sees them. */
	private final class Scripts implements SchemaStartup.SchemaMeans {

		private boolean applied;

		@Override
		public String name() {
			return "spring.sql.init";
		}

		@Override
		public String database() {
			return SchemaDatabases.of(LiteFsScriptDatabaseInitializer.this.node, getDataSource());
		}

		@Override
		public void apply(Trigger trigger) {
			SchemaStartup.applyKept(this, trigger, () -> {
				this.applied = LiteFsScriptDatabaseInitializer.super.initializeDatabase();
				logger.info("LiteFS primary {}: {} the spring.sql.init scripts",
						LiteFsScriptDatabaseInitializer.this.node.hostname(), this.applied ? "ran" : "found none of");
				return this.applied ? 1 : 0;
			});
		}

		@Override
		public ReplicaSchemaCheck.Result check() {
			Path file = SqliteFiles.file(getDataSource());
			try {
				Set<String> missing = new LinkedHashSet<>(expected());
				if (file != null && Files.exists(file)) {
					SQLiteConfig config = new SQLiteConfig();
					config.setReadOnly(true);
					try (Connection replicated = config.createConnection("jdbc:sqlite:" + file)) {
						missing.removeAll(SchemaObjects.of(replicated));
					}
				}
				return new ReplicaSchemaCheck.Result("", List.copyOf(missing), null, null);
			}
			catch (SQLException | IOException | RuntimeException ex) {
				logger.debug("Reading the replicated schema of {} failed", file, ex);
				return new ReplicaSchemaCheck.Result("", List.of(), null, "cannot read " + file + ": " + ex.getMessage());
			}
		}

		@Override
		public void record(MigrationRun run) {
			LiteFsScriptDatabaseInitializer.this.rules.record(database(), run);
		}

	}

}
