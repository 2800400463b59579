package dev.litefs.spring.consistency;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.litefs.spring.node.LiteFsNode;
import dev.litefs.spring.routing.EnsurePrimary;
import dev.litefs.spring.testapp.Calls;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Writes and reads notes in the databases of {@link NotesApplication}, named by request
 * parameter {@code db}; made by its bean method (not scanned).
 */
@RestController
class NotesController {

	private final Map<String, JdbcTemplate> databases;

	private final Calls calls;

	private final LiteFsNode node;

	NotesController(Map<String, JdbcTemplate> databases, Calls calls, LiteFsNode node) {
		this.databases = databases;
		this.calls = calls;
		this.node = node;
	}

	/** Writes a note in each database named, one transaction each. */
	@PostMapping("/notes")
	@EnsurePrimary
	ResponseEntity<String> write(@RequestParam List<String> db, @RequestParam String text) {
		this.calls.ran("notes-write");
		for (String database : db) {
			this.databases.get(database).update("insert into notes (text) values (?)", text);
		}
		return ResponseEntity.status(HttpStatus.CREATED).body(this.node.hostname());
	}

	/** The notes of each database named, and the node that read them. */
	@GetMapping("/notes")
	Map<String, Object> read(@RequestParam List<String> db) {
		this.calls.ran("notes-read");
		Map<String, Object> answer = new LinkedHashMap<>();
		answer.put("node", this.node.hostname());
		for (String database : db) {
			answer.put(database,
					this.databases.get(database).queryForList("select text from notes order by id", String.class));
		}
		return answer;
	}

}
