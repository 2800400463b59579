package dev.litefs.it;

import dev.litefs.it.jpa.NotesJpaApplication;

/** The notes on Spring Data JPA (Hibernate 7, SQLite's community dialect), on real LiteFS. */
class NotesOnJpaTests extends NotesOnLiteFsTests {

	NotesOnJpaTests() {
		super(NotesJpaApplication.class);
	}

}
