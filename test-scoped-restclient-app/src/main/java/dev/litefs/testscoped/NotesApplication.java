package dev.litefs.testscoped;

import java.util.List;
import java.util.Map;

import dev.litefs.spring.node.LiteFsNode;
import dev.litefs.spring.routing.EnsurePrimary;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * Notes, written on the primary and read on any node: all an application needs to show
 * that a replica forwards its writes.
 */
@SpringBootApplication
@RestController
public class NotesApplication {

	private final JdbcTemplate jdbc;

	private final LiteFsNode node;

	NotesApplication(JdbcTemplate jdbc, LiteFsNode node) {
		this.jdbc = jdbc;
		this.node = node;
	}

	/** Stores a note, on the primary: a replica forwards the request there. */
	@PostMapping("/notes")
	@ResponseStatus(HttpStatus.CREATED)
	@EnsurePrimary
	Map<String, String> add(@RequestBody String text) {
		this.jdbc.execute("create table if not exists notes (id integer primary key, text text not null)");
		this.jdbc.update("insert into notes (text) values (?)", text);
		return Map.of("storedBy", this.node.hostname());
	}

	@GetMapping("/notes")
	List<String> notes() {
		return this.jdbc.queryForList("select text from notes order by id", String.class);
	}

	public static void main(String[] args) {
		SpringApplication.run(NotesApplication.class, args);
	}

}
