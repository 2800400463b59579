-- The posts of the sample app. Written on the primary only; LiteFS ships every
-- transaction to the replicas, so this migration runs once, on the primary.
CREATE TABLE posts (
	id         INTEGER PRIMARY KEY,
	title      TEXT    NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
	body       TEXT    NOT NULL DEFAULT '' CHECK (length(body) <= 10000),
	-- UTC, ISO-8601 with milliseconds: 2025-01-31T12:00:00.000Z
	created_at TEXT    NOT NULL,
	-- the LiteFS hostname of the node that wrote the post (always the primary of the moment)
	hostname   TEXT    NOT NULL
);
