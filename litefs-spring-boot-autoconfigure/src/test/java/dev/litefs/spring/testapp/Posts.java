package dev.litefs.spring.testapp;

import java.util.Map;

import dev.litefs.spring.node.LiteFsNode;
import dev.litefs.spring.routing.EnsurePrimary;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.SimpleJdbcInsert;
import org.springframework.stereotype.Service;

/**
 * The posts table, and a service method that must run on the primary.
 */
@Service
public class Posts {

	private final JdbcTemplate jdbc;

	private final SimpleJdbcInsert insert;

	private final LiteFsNode node;

	private final Calls calls;

	private final boolean playsLiteFs;

	Posts(JdbcTemplate jdbc, LiteFsNode node, Calls calls,
			@Value("${testapp.plays-litefs:true}") boolean playsLiteFs) {
		this.jdbc = jdbc;
		this.insert = new SimpleJdbcInsert(jdbc).withTableName("posts").usingGeneratedKeyColumns("id");
		this.node = node;
		this.calls = calls;
		this.playsLiteFs = playsLiteFs;
	}

	/** Inserts without any annotation: on a replica SQLite refuses it. */
	long insert(String title) {
		long id = this.insert.executeAndReturnKey(Map.of("title", title, "node", this.node.hostname())).longValue();
		if (this.playsLiteFs) {
			LiteFsWrites.committed(this.node);
		}
		return id;
	}

	/** Inserts from a service method that ensures the primary. */
	@EnsurePrimary
	public long create(String title) {
		this.calls.ran("service");
		return insert(title);
	}

	/**
	 * Runs a statement SQLite rejects for its own reasons.
	 * @param mistake {@code null-title} (a NOT NULL constraint) or {@code syntax}
	 */
	void make(String mistake) {
		if (mistake.equals("null-title")) {
			this.jdbc.update("insert into posts (title, node) values (null, 'x')");
		}
		else {
			this.jdbc.update("insert into posts title values ('x')");
		}
	}

	public long count() {
		return this.jdbc.queryForObject("select count(*) from posts", Long.class);
	}

}
