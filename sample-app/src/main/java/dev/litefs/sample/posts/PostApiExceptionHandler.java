package dev.litefs.sample.posts;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.exc.StreamReadException;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.validation.FieldError;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Every error of the JSON API as an RFC 9457 problem detail, with a message that says
 * what to fix: which field is invalid and why, where the JSON is malformed.
 */
@RestControllerAdvice(assignableTypes = PostApiController.class)
class PostApiExceptionHandler extends ResponseEntityExceptionHandler {

	private static final String EXPECTED_BODY = "The body must be a JSON object: {\"title\": \"...\", \"body\": \"...\"}.";

	@Override
	protected @Nullable ResponseEntity<Object> handleMethodArgumentNotValid(MethodArgumentNotValidException ex,
			HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		List<FieldError> fields = ex.getBindingResult().getFieldErrors();
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status,
				fields.stream().map(FieldError::getDefaultMessage).collect(Collectors.joining(" ")));
		problem.setTitle("Invalid post");
		// the shape RFC 9457 shows for validation errors: a JSON pointer and a detail each
		problem.setProperty("errors", fields.stream()
			.map((field) -> Map.of("pointer", "#/" + field.getField(),
					"detail", Objects.requireNonNullElse(field.getDefaultMessage(), "is invalid")))
			.toList());
		return handleExceptionInternal(ex, problem, headers, status, request);
	}

	@Override
	protected @Nullable ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException ex,
			HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, unreadable(ex));
		problem.setTitle("Unreadable post");
		return handleExceptionInternal(ex, problem, headers, status, request);
	}

	private static String unreadable(HttpMessageNotReadableException ex) {
		if (ex.getMostSpecificCause() instanceof StreamReadException malformed) {
			TokenStreamLocation at = malformed.getLocation();
			String where = (at != null) ? " at line " + at.getLineNr() + ", column " + at.getColumnNr() : "";
			return "The body is not valid JSON" + where + ": " + malformed.getOriginalMessage();
		}
		if (ex.getMostSpecificCause() instanceof JacksonException mismatch) {
			String field = mismatch.getPath()
				.stream()
				.map(JacksonException.Reference::getPropertyName)
				.filter(Objects::nonNull)
				.collect(Collectors.joining("."));
			if (!field.isEmpty()) {
				return "'" + field + "' must be a JSON string. " + EXPECTED_BODY;
			}
		}
		return EXPECTED_BODY;
	}

}
