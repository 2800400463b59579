package dev.litefs.spring.schema;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashSet;
import java.util.Set;

/** The tables, indexes, views and triggers of a SQLite database, as {@code type name}. */
final class SchemaObjects {

	private SchemaObjects() {
	}

	static Set<String> of(Connection connection) throws SQLException {
		Set<String> objects = new LinkedHashSet<>();
		try (Statement statement = connection.createStatement();
				ResultSet rows = statement
					.executeQuery("select type, name from sqlite_master where name not like 'sqlite_%' order by rowid")) {
			while (rows.next()) {
				objects.add(rows.getString(1) + " " + rows.getString(2));
			}
		}
		return objects;
	}

}
