package dev.litefs.spring.schema;


import javax.sql.DataSource;

import dev.litefs.spring.internal.SqliteFiles;
import dev.litefs.spring.node.LiteFsNode;
import org.jspecify.annotations.Nullable;

/**
 * The database of the mount a means of applying the schema works on: the SQLite file its
 * DataSource opens, named as LiteFS names it (its file name inside the mount), read from
 * the DataSource's URL without connecting.
 */
final class SchemaDatabases {

	private SchemaDatabases() {
	}

	/**
	 * The database a DataSource opens on the node's mount.
	 * @param node this node
	 * @param dataSource the DataSource
	 * @return its name, or {@code null} when it opens no SQLite file inside the mount (or
	 * does not tell its URL)
	 */
	static @Nullable String onMount(LiteFsNode node, @Nullable DataSource dataSource) {
		return (dataSource != null) ? node.mount().databaseName(SqliteFiles.file(dataSource)).orElse(null) : null;
	}

	/**
	 * The database whose position a replica follows for a DataSource's schema: its own on
	 * the mount, else the main database ({@code litefs.database}).
	 * @param node this node
	 * @param dataSource the DataSource
	 * @return the database name
	 */
	static String of(LiteFsNode node, @Nullable DataSource dataSource) {
		String db = onMount(node, dataSource);
		return (db != null) ? db : node.mount().database();
	}

	/**
	 * Whether a DataSource opens a SQLite file outside the mount: LiteFS does not
	 * replicate it, and the starter leaves its schema alone.
	 * @param node this node
	 * @param dataSource the DataSource
	 * @return whether it is such a file
	 */
	static boolean offMount(LiteFsNode node, @Nullable DataSource dataSource) {
		return dataSource != null && SqliteFiles.file(dataSource) != null && onMount(node, dataSource) == null;
	}

}
