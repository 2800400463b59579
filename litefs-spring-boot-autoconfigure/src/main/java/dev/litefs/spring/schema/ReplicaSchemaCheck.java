package dev.litefs.spring.schema;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import javax.sql.DataSource;

import dev.litefs.spring.internal.SqliteFiles;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfoService;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * Compares this application's migrations with a replica's replicated database without
 * writing to it: no {@code migrate}, {@code baseline}, {@code repair} or {@code clean},
 * no schema history table. Flyway's own DataSource names the database; when it is a
 * SQLite file, that file is read through a read-only SQLite connection of this check's
 * own, opened only once the file exists (before, the migrations are compared with an
 * empty in-memory database): a replica's pool may not be open yet, and its connections
 * must never create the file LiteFS is to replicate.
 */
final class ReplicaSchemaCheck {

	private static final Logger logger = LoggerFactory.getLogger(ReplicaSchemaCheck.class);

	private ReplicaSchemaCheck() {
	}

	/**
	 * Reads the replicated schema now.
	 * @param flyway the application's Flyway, whose configuration (migrations,
	 * DataSource) is read
	 * @return what the database lacks
	 */
	static Result check(Flyway flyway) {
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
			List<String> missing = Arrays.stream(info.pending()).map(SchemaVersions::name).toList();
			return new Result("migrations ", missing, SchemaVersions.current(info), null);
		}
		catch (RuntimeException ex) {
			logger.debug("Reading the replicated schema of {} failed", read, ex);
			return new Result("migrations ", List.of(), null, "cannot read " + read + ": " + ex.getMessage());
		}
	}

	/**
	 * The replicated database compared with what this application would create.
	 *
	 * @param what how the missing items are introduced in logs, e.g. {@code "migrations "}
	 * @param missing the migrations (or tables, indexes...) it lacks
	 * @param version its schema version, or {@code null}
	 * @param error why it could not be read, or {@code null}
	 */
	record Result(String what, List<String> missing, @Nullable String version, @Nullable String error) {

		boolean complete() {
			return this.missing.isEmpty() && this.error == null;
		}

		String describe() {
			return (this.error != null) ? this.error : "missing " + this.what + String.join(", ", this.missing);
		}

	}

}
