package dev.litefs.sample.posts;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.jdbc.support.KeyHolder;
import org.springframework.stereotype.Repository;

/**
 * The {@code posts} table. Reads work on every node; {@link #create} only on the
 * primary, where LiteFS lets SQLite write.
 */
@Repository
public class PostRepository {

	/** Fixed width, so that the text sorts as the instant does. */
	private static final DateTimeFormatter CREATED_AT = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'")
		.withZone(ZoneOffset.UTC);

	private final JdbcClient jdbc;

	PostRepository(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * All posts, the newest first.
	 * @return the posts
	 */
	public List<Post> findNewestFirst() {
		return this.jdbc.sql("SELECT id, title, body, created_at, hostname FROM posts ORDER BY id DESC")
			.query(PostRepository::post)
			.list();
	}

	/**
	 * One post.
	 * @param id the post's ID
	 * @return the post, or empty when there is none with that ID
	 */
	public Optional<Post> findById(long id) {
		return this.jdbc.sql("SELECT id, title, body, created_at, hostname FROM posts WHERE id = ?")
			.param(id)
			.query(PostRepository::post)
			.optional();
	}

	/**
	 * Writes a post.
	 * @param post the post to write
	 * @param hostname the LiteFS hostname of this node
	 * @return the post as stored
	 */
	public Post create(NewPost post, String hostname) {
		Instant createdAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
		KeyHolder key = new GeneratedKeyHolder();
		this.jdbc.sql("INSERT INTO posts (title, body, created_at, hostname) VALUES (?, ?, ?, ?)")
			.params(post.title(), post.body(), CREATED_AT.format(createdAt), hostname)
			.update(key);
		long id = Objects.requireNonNull(key.getKey(), "SQLite returned no row ID").longValue();
		return new Post(id, post.title(), post.body(), createdAt, hostname);
	}

	private static Post post(ResultSet row, int rowNum) throws SQLException {
		return new Post(row.getLong("id"), row.getString("title"), row.getString("body"),
				Instant.parse(row.getString("created_at")), row.getString("hostname"));
	}

}
