package dev.litefs.sample.posts;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/**
 * A post to write, as the form or the JSON API sends it. The title is stripped of
 * surrounding white space; a missing body is an empty one.
 *
 * @param title the title, 1 to 200 characters
 * @param body the body, up to 10 000 characters
 */
public record NewPost(
		@NotBlank(message = "Give the post a title.")
		@Size(max = NewPost.MAX_TITLE, message = "Keep the title to {max} characters or fewer.") String title,
		@Size(max = NewPost.MAX_BODY, message = "Keep the body to {max} characters or fewer.") String body) {

	/** The longest title, in characters. */
	public static final int MAX_TITLE = 200;

	/** The longest body, in characters. */
	public static final int MAX_BODY = 10_000;

	public NewPost {
		title = (title != null) ? title.strip() : "";
		body = (body != null) ? body : "";
	}

	static NewPost empty() {
		return new NewPost("", "");
	}

}
