package dev.litefs.it.jpa;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The notes on Spring Data JPA: Hibernate 7 with SQLite's dialect of
 * {@code hibernate-community-dialects}. (Spring Data JDBC is on this module's classpath
 * for the other application; it stays out here.)
 */
@SpringBootApplication(scanBasePackages = { "dev.litefs.it.jpa", "dev.litefs.it.web" },
		excludeName = "org.springframework.boot.data.jdbc.autoconfigure.DataJdbcRepositoriesAutoConfiguration")
public class NotesJpaApplication {

	public static void main(String[] args) {
		SpringApplication.run(NotesJpaApplication.class, args);
	}

}
