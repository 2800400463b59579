package dev.litefs.sample.posts;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/**
 * No post has the ID asked for: a {@code 404} problem detail.
 */
class PostNotFoundException extends ErrorResponseException {

	PostNotFoundException(long id) {
		super(HttpStatus.NOT_FOUND, ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, "No post has ID " + id + "."),
				null);
	}

}
