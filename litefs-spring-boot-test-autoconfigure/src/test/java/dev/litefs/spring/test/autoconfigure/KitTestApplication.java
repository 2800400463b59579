package dev.litefs.spring.test.autoconfigure;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The smallest application on the starter: writes that must run on the primary
 * ({@link NotesController} without a database, {@link EntriesController} into SQLite),
 * and reads.
 */
@SpringBootApplication
public class KitTestApplication {

}
