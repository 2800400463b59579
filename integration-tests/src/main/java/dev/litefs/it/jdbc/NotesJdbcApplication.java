package dev.litefs.it.jdbc;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.data.jdbc.core.dialect.JdbcDialect;

/**
 * The notes on Spring Data JDBC. (Hibernate is on this module's classpath for the other
 * application; it stays out here.)
 */
@SpringBootApplication(scanBasePackages = { "dev.litefs.it.jdbc", "dev.litefs.it.web" }, excludeName = {
		"org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration",
		"org.springframework.boot.data.jpa.autoconfigure.DataJpaRepositoriesAutoConfiguration" })
public class NotesJdbcApplication {

	/** Spring Data JDBC knows no SQLite by itself. */
	@Bean
	JdbcDialect jdbcDialect() {
		return SqliteDialect.INSTANCE;
	}

	public static void main(String[] args) {
		SpringApplication.run(NotesJdbcApplication.class, args);
	}

}
