package dev.litefs.it.web;

import java.util.List;
import java.util.Optional;

/**
 * The notes, as each application stores them (Spring Data JPA or Spring Data JDBC).
 */
public interface Notes {

	/** @return every note, newest first: a read-only transaction */
	List<NoteView> list();

	/**
	 * @param id the note's ID
	 * @return the note: a read-only transaction
	 */
	Optional<NoteView> find(long id);

	/**
	 * @param title the title
	 * @return how many notes have it: a read-only transaction
	 */
	long countTitled(String title);

	/**
	 * Writes a note.
	 * @param title its title
	 * @return its ID
	 */
	long create(String title);

	/**
	 * Counts a view of a note: a write that a {@code GET} makes, which the application
	 * does not declare.
	 * @param id the note's ID
	 * @return the views counted so far
	 */
	long countView(long id);

}
