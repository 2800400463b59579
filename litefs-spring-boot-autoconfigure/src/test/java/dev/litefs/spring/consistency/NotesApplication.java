package dev.litefs.spring.consistency;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import dev.litefs.spring.node.LiteFsNode;
import dev.litefs.spring.testapp.Calls;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The test app's beans for several databases on the mount: besides the main database
 * (Boot's DataSource), two more DataSource beans, {@code second} and {@code third}, on
 * the databases named by {@code notes.second} and {@code notes.third}, each with a
 * {@code notes} table; a handler that writes both in one request, a handler that reads
 * them, and the read-your-writes waits started ({@link WaitRecorder}).
 */
@Configuration(proxyBeanMethods = false)
class NotesApplication {

	/** The property naming the second database's file on the mount. */
	static final String SECOND = "notes.second";

	/** The property naming the third database's file on the mount. */
	static final String THIRD = "notes.third";

	@Bean(defaultCandidate = false)
	HikariDataSource second(@Value("${litefs.mount-dir}") Path mount, @Value("${" + SECOND + "}") String database) {
		return pool(mount, database);
	}

	@Bean(defaultCandidate = false)
	HikariDataSource third(@Value("${litefs.mount-dir}") Path mount, @Value("${" + THIRD + "}") String database) {
		return pool(mount, database);
	}

	@Bean
	WaitRecorder waitRecorder() {
		return new WaitRecorder();
	}

	@Bean
	NotesController notesController(@Qualifier("second") DataSource second, @Qualifier("third") DataSource third,
			@Value("${" + SECOND + "}") String secondName, @Value("${" + THIRD + "}") String thirdName, Calls calls,
			LiteFsNode node) {
		return new NotesController(Map.of(secondName, new JdbcTemplate(second), thirdName, new JdbcTemplate(third)),
				calls, node);
	}

	private static HikariDataSource pool(Path mount, String database) {
		HikariDataSource pool = new HikariDataSource();
		pool.setJdbcUrl("jdbc:sqlite:" + mount.resolve(database));
		pool.setPoolName(database);
		pool.setMaximumPoolSize(2);
		pool.addDataSourceProperty("busy_timeout", "10000");
		return pool;
	}

	/**
	 * Makes the {@code notes} table in databases on a primary's mount, outside any app.
	 * @param mount the primary's mount
	 * @param journalMode {@code delete} or {@code wal}
	 * @param databases the databases
	 * @throws SQLException when it cannot
	 */
	static void createNotes(Path mount, String journalMode, String... databases) throws SQLException {
		for (String database : databases) {
			try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + mount.resolve(database));
					Statement statement = connection.createStatement()) {
				statement.execute("pragma journal_mode=" + journalMode);
				statement.execute("create table if not exists notes (id integer primary key autoincrement, "
						+ "text text not null)");
			}
		}
	}

}
