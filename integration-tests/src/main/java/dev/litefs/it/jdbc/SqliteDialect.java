package dev.litefs.it.jdbc;

import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Collection;
import java.util.List;

import org.springframework.core.convert.converter.Converter;
import org.springframework.data.convert.ReadingConverter;
import org.springframework.data.convert.WritingConverter;
import org.springframework.data.jdbc.core.dialect.JdbcArrayColumns;
import org.springframework.data.jdbc.core.dialect.JdbcDialect;
import org.springframework.data.relational.core.dialect.AnsiDialect;
import org.springframework.data.relational.core.dialect.LimitClause;

/**
 * SQLite for Spring Data JDBC: ANSI SQL, with {@code LIMIT}/{@code OFFSET} for pages,
 * and timestamps as SQLite's own text, {@code yyyy-MM-dd HH:mm:ss} (what
 * {@code current_timestamp} writes): sqlite-jdbc hands such a column over as a
 * {@code String}, and would write a {@code LocalDateTime} with a {@code T}.
 */
final class SqliteDialect extends AnsiDialect implements JdbcDialect {

	static final SqliteDialect INSTANCE = new SqliteDialect();

	private static final DateTimeFormatter SQLITE_TEXT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss[.SSS]");

	private static final LimitClause LIMIT = new LimitClause() {

		@Override
		public String getLimit(long limit) {
			return "LIMIT " + limit;
		}

		@Override
		public String getOffset(long offset) {
			return "LIMIT -1 OFFSET " + offset;
		}

		@Override
		public String getLimitOffset(long limit, long offset) {
			return "LIMIT " + limit + " OFFSET " + offset;
		}

		@Override
		public Position getClausePosition() {
			return Position.AFTER_ORDER_BY;
		}

	};

	@Override
	public LimitClause limit() {
		return LIMIT;
	}

	@Override
	public Collection<Object> getConverters() {
		return List.of(TextToLocalDateTime.INSTANCE, LocalDateTimeToText.INSTANCE);
	}

	@Override
	public JdbcArrayColumns getArraySupport() {
		return JdbcArrayColumns.Unsupported.INSTANCE;
	}

	@ReadingConverter
	enum TextToLocalDateTime implements Converter<String, LocalDateTime> {

		INSTANCE;

		@Override
		public LocalDateTime convert(String text) {
			return LocalDateTime.parse(text, SQLITE_TEXT);
		}

	}

	@WritingConverter
	enum LocalDateTimeToText implements Converter<LocalDateTime, String> {

		INSTANCE;

		@Override
		public String convert(LocalDateTime dateTime) {
			return SQLITE_TEXT.format(dateTime);
		}

	}

}
