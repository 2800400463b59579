package dev.litefs.spring.test.autoconfigure;

import dev.litefs.spring.routing.EnsurePrimary;

import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** A write into SQLite on the mount, and a read. */
@RestController
class EntriesController {

	private final JdbcClient jdbc;

	EntriesController(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	@EnsurePrimary
	@PostMapping("/entries")
	@ResponseStatus(HttpStatus.CREATED)
	String write() {
		this.jdbc.sql("CREATE TABLE IF NOT EXISTS entries (id INTEGER PRIMARY KEY)").update();
		this.jdbc.sql("INSERT INTO entries DEFAULT VALUES").update();
		return "entry " + this.jdbc.sql("SELECT max(id) FROM entries").query(Long.class).single();
	}

	@GetMapping("/entries")
	long count() {
		return this.jdbc.sql("SELECT count(*) FROM entries").query(Long.class).single();
	}

}
