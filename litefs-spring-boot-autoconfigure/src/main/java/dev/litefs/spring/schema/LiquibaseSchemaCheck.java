package dev.litefs.spring.schema;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;

import dev.litefs.spring.internal.SqliteFiles;
import liquibase.Contexts;
import liquibase.LabelExpression;
import liquibase.Liquibase;
import liquibase.changelog.ChangeSet;
import liquibase.changelog.RanChangeSet;
import liquibase.database.Database;
import liquibase.database.DatabaseFactory;
import liquibase.database.jvm.JdbcConnection;
import liquibase.exception.ChangeLogParseException;
import liquibase.integration.spring.SpringLiquibase;
import liquibase.integration.spring.SpringResourceAccessor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;

/**
 * Compares a Liquibase changelog with a replica's replicated database without writing
 * to it: the change sets the changelog would run (its contexts and labels) that
 * {@code DATABASECHANGELOG} does not list are missing. Change sets that run always or on
 * change count once they ran once. The SQLite file is read over a read-only connection
 * of this check's own, opened only once it exists (before, the changelog is compared
 * with an empty in-memory database). A changelog that cannot be read fails at once, as
 * it does on the primary.
 */
final class LiquibaseSchemaCheck {

	private static final Logger logger = LoggerFactory.getLogger(LiquibaseSchemaCheck.class);

	private LiquibaseSchemaCheck() {
	}

	static ReplicaSchemaCheck.Result check(SpringLiquibase liquibase) {
		Path file = SqliteFiles.file(liquibase.getDataSource());
		Object read = (file != null) ? file : "Liquibase's DataSource";
		SQLiteConfig config = new SQLiteConfig();
		config.setReadOnly(true);
		String url = (file != null && Files.exists(file)) ? "jdbc:sqlite:" + file : "jdbc:sqlite::memory:";
		try (Connection connection = config.createConnection(url)) {
			Database database = DatabaseFactory.getInstance()
				.findCorrectDatabaseImplementation(new JdbcConnection(connection));
			if (liquibase.getDatabaseChangeLogTable() != null) {
				database.setDatabaseChangeLogTableName(liquibase.getDatabaseChangeLogTable());
			}
			try (Liquibase changelog = new Liquibase(liquibase.getChangeLog(),
					new SpringResourceAccessor(liquibase.getResourceLoader()), database)) {
				List<ChangeSet> unrun = changelog.listUnrunChangeSets(new Contexts(liquibase.getContexts()),
						new LabelExpression(liquibase.getLabelFilter()), false);
				List<RanChangeSet> ran = database.getRanChangeSetList();
				List<String> missing = unrun.stream()
					.filter((changeSet) -> ran.stream().noneMatch((done) -> done.isSameAs(changeSet)))
					.map((changeSet) -> changeSet.getId())
					.toList();
				String version = ran.isEmpty() ? null : ran.get(ran.size() - 1).getId();
				return new ReplicaSchemaCheck.Result("change sets ", missing, version, null);
			}
		}
		catch (ChangeLogParseException ex) {
			// as on the primary: no changelog, or a broken one, fails startup, not a wait
			throw new IllegalStateException("Liquibase cannot read its changelog: " + ex.getMessage(), ex);
		}
		catch (Exception ex) {
			logger.debug("Reading the replicated schema of {} failed", read, ex);
			return new ReplicaSchemaCheck.Result("change sets ", List.of(), null,
					"cannot read " + read + ": " + ex.getMessage());
		}
	}

}
