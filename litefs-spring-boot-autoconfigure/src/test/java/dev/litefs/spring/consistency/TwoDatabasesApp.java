package dev.litefs.spring.consistency;

import java.util.Map;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import dev.litefs.spring.routing.EnsurePrimary;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.jdbc.autoconfigure.DataSourceProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * The application's two databases: the main one ({@code litefs.database}, Spring
 * Boot's settings) and a notes database beside it ({@code testapp.notes-database}), a
 * handler that writes both, and a {@link WaitRecorder} of the node's waits.
 */
@Configuration(proxyBeanMethods = false)
@Import(TwoDatabasesApp.TwoController.class)
class TwoDatabasesApp {

	@Bean
	@Primary
	@ConfigurationProperties("spring.datasource.hikari")
	HikariDataSource dataSource(DataSourceProperties properties) {
		return properties.initializeDataSourceBuilder().type(HikariDataSource.class).build();
	}

	@Bean
	HikariDataSource notesDataSource(Environment environment) {
		HikariDataSource notes = new HikariDataSource();
		notes.setJdbcUrl("jdbc:sqlite:" + environment.getRequiredProperty("litefs.mount-dir") + "/"
				+ environment.getRequiredProperty("testapp.notes-database"));
		notes.setMaximumPoolSize(2);
		notes.addDataSourceProperty("busy_timeout", "10000");
		return notes;
	}

	@Bean
	WaitRecorder waitRecorder() {
		return new WaitRecorder();
	}

	/** Writes a post in the main database and a note in the notes database; counts both. */
	@RestController
	static class TwoController {

		private final JdbcTemplate posts;

		private final JdbcTemplate notes;

		TwoController(DataSource dataSource, @Qualifier("notesDataSource") DataSource notes) {
			this.posts = new JdbcTemplate(dataSource);
			this.notes = new JdbcTemplate(notes);
		}

		@PostMapping("/two")
		@EnsurePrimary
		@ResponseStatus(HttpStatus.CREATED)
		String write(@RequestBody Map<String, String> body) {
			this.posts.update("insert into posts (title, node) values (?, 'primary')", body.get("title"));
			this.notes.update("insert into notes (text) values (?)", body.get("title"));
			return "written";
		}

		@GetMapping("/two")
		String read() {
			return "posts=" + this.posts.queryForObject("select count(*) from posts", Long.class) + " notes="
					+ this.notes.queryForObject("select count(*) from notes", Long.class);
		}

	}

}
