package dev.litefs.sample.tenants;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.jdbc.support.KeyHolder;

/**
 * The {@code notes} table of the current request's tenant, through {@link TenantDataSource}.
 */
class TenantNotes {

	private final JdbcClient jdbc;

	TenantNotes(TenantDataSource dataSource) {
		this.jdbc = JdbcClient.create(dataSource);
	}

	List<Note> list() {
		return this.jdbc.sql("SELECT id, text, created_at, hostname FROM notes ORDER BY id DESC")
			.query((row, n) -> new Note(row.getLong("id"), row.getString("text"),
					Instant.parse(row.getString("created_at")), row.getString("hostname")))
			.list();
	}

	Note add(String text, String hostname) {
		Instant createdAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
		KeyHolder key = new GeneratedKeyHolder();
		this.jdbc.sql("INSERT INTO notes (text, created_at, hostname) VALUES (?, ?, ?)")
			.params(text, createdAt.toString(), hostname)
			.update(key);
		return new Note(Objects.requireNonNull(key.getKey(), "SQLite returned no row ID").longValue(), text, createdAt,
				hostname);
	}

}
