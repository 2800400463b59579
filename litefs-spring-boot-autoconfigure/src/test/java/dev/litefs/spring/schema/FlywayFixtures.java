package dev.litefs.spring.schema;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import dev.litefs.spring.node.LiteFsMount;
import dev.litefs.spring.node.LiteFsNode;
import dev.litefs.spring.node.LiteFsScheduler;
import dev.litefs.spring.test.FakeLiteFsMount;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.callback.Callback;
import org.flywaydb.core.api.callback.Context;
import org.flywaydb.core.api.callback.Event;

import org.springframework.context.ApplicationEventPublisher;

/**
 * Real Flyway on a SQLite file of a fake mount, a node on that mount, and what the tests
 * ask of the database, for the Flyway tests.
 */
public final class FlywayFixtures {

	private FlywayFixtures() {
	}

	/** Flyway with the test migrations (versions 1, 2 and 3) on a mount's database. */
	static Flyway flyway(FakeLiteFsMount mount, Callback... callbacks) {
		return Flyway.configure()
			.dataSource("jdbc:sqlite:" + database(mount), null, null)
			.locations("classpath:db/migration")
			.callbacks(callbacks)
			.load();
	}

	static Path database(FakeLiteFsMount mount) {
		return mount.dir().resolve(mount.database());
	}

	/** A node without API on the mount, polling every 20 ms once started. */
	static LiteFsNode node(FakeLiteFsMount mount, ApplicationEventPublisher events, LiteFsScheduler scheduler) {
		return new LiteFsNode(new LiteFsMount(mount.dir(), mount.database()), "node-b", null, Duration.ofMillis(20),
				Duration.ofMillis(1), events, scheduler);
	}

	/**
	 * Counts how often Flyway migrates and reads the schema (info), and how many
	 * migrations ever overlapped; each migration lingers a while so that overlapping
	 * ones would be seen.
	 */
	public static class MigrateProbe implements Callback {

		public final AtomicInteger migrations = new AtomicInteger();

		public final AtomicInteger infos = new AtomicInteger();

		public final AtomicInteger mostAtOnce = new AtomicInteger();

		private final AtomicInteger running = new AtomicInteger();

		private final Duration linger;

		public MigrateProbe() {
			this(Duration.ZERO);
		}

		public MigrateProbe(Duration linger) {
			this.linger = linger;
		}

		@Override
		public boolean supports(Event event, Context context) {
			return event == Event.BEFORE_MIGRATE || event == Event.AFTER_MIGRATE || event == Event.AFTER_MIGRATE_ERROR
					|| event == Event.BEFORE_INFO;
		}

		@Override
		public boolean canHandleInTransaction(Event event, Context context) {
			return true;
		}

		@Override
		public void handle(Event event, Context context) {
			if (event == Event.BEFORE_INFO) {
				this.infos.incrementAndGet();
			}
			else if (event == Event.BEFORE_MIGRATE) {
				this.migrations.incrementAndGet();
				this.mostAtOnce.accumulateAndGet(this.running.incrementAndGet(), Math::max);
				pause(this.linger);
			}
			else {
				this.running.decrementAndGet();
			}
		}

		@Override
		public String getCallbackName() {
			return "migrate-probe";
		}

	}

	/** Migrates a database up to a version, as the primary did. */
	public static Path migrate(Path database, String target) {
		Flyway.configure()
			.dataSource("jdbc:sqlite:" + database, null, null)
			.locations("classpath:db/migration")
			.target(target)
			.load()
			.migrate();
		return database;
	}

	public static List<String> tables(Path database) {
		return query(database, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name");
	}

	public static String journalMode(Path database) {
		return query(database, "PRAGMA journal_mode").get(0);
	}

	public static List<String> installedVersions(Path database) {
		return query(database, "SELECT version FROM flyway_schema_history WHERE success = 1 ORDER BY installed_rank");
	}

	private static List<String> query(Path database, String sql) {
		try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + database);
				Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery(sql)) {
			List<String> values = new ArrayList<>();
			while (rows.next()) {
				values.add(rows.getString(1));
			}
			return values;
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	public static void pause(Duration duration) {
		try {
			Thread.sleep(duration.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
