package dev.litefs.spring.internal;

import java.nio.file.Path;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.BeanWrapper;
import org.springframework.beans.PropertyAccessorFactory;

/**
 * The SQLite file a DataSource opens, read from its JDBC URL without connecting (which
 * would create the file): {@code jdbcUrl} (HikariCP) or {@code url} (sqlite-jdbc's own,
 * Spring's driver-based ones).
 *
 * @since 0.2.0
 */
public final class SqliteFiles {

	private static final String PREFIX = "jdbc:sqlite:";

	private SqliteFiles() {
	}

	/**
	 * The database file of a DataSource.
	 * @param dataSource the DataSource
	 * @return the file, or {@code null} when the DataSource does not tell its URL, or it
	 * is not a SQLite file (another database, an in-memory one)
	 */
	public static @Nullable Path file(DataSource dataSource) {
		String url = url(dataSource);
		return (url != null) ? file(url) : null;
	}

	/**
	 * The database file of a JDBC URL.
	 * @param url the URL
	 * @return the file, or {@code null} when the URL is not one of a SQLite file (another
	 * database, an in-memory one)
	 */
	public static @Nullable Path file(String url) {
		if (!url.startsWith(PREFIX) || url.contains("mode=memory")) {
			return null;
		}
		String path = url.substring(PREFIX.length());
		if (path.startsWith("file:")) {
			path = path.substring("file:".length());
		}
		int query = path.indexOf('?');
		if (query >= 0) {
			path = path.substring(0, query);
		}
		if (path.isEmpty() || path.contains(":memory:")) {
			return null;
		}
		return Path.of(path);
	}

	/**
	 * The JDBC URL a DataSource tells without connecting.
	 * @param dataSource the DataSource
	 * @return its URL, or {@code null} when it does not tell one (a routing DataSource,
	 * a proxy)
	 */
	public static @Nullable String url(DataSource dataSource) {
		BeanWrapper properties = PropertyAccessorFactory.forBeanPropertyAccess(dataSource);
		for (String name : new String[] { "jdbcUrl", "url" }) {
			if (properties.isReadableProperty(name) && properties.getPropertyValue(name) instanceof String url) {
				return url;
			}
		}
		return null;
	}

}
