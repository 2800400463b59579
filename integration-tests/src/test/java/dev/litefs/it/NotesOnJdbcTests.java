package dev.litefs.it;

import dev.litefs.it.jdbc.NotesJdbcApplication;

/** The notes on Spring Data JDBC, on real LiteFS. */
class NotesOnJdbcTests extends NotesOnLiteFsTests {

	NotesOnJdbcTests() {
		super(NotesJdbcApplication.class);
	}

}
