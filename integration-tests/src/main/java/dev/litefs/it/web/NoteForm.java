package dev.litefs.it.web;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/**
 * The form, and the JSON body, of a new note.
 */
public class NoteForm {

	@NotBlank(message = "Give the note a title.")
	@Size(max = 200, message = "At most 200 characters.")
	private String title = "";

	public String getTitle() {
		return this.title;
	}

	public void setTitle(String title) {
		this.title = title;
	}

}
