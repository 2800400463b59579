package dev.litefs.spring.internal;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Collections;
import java.util.List;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.converter.json.JacksonJsonHttpMessageConverter;
import org.springframework.http.server.ServletServerHttpResponse;
import org.springframework.util.MimeTypeUtils;

/**
 * Answers a request with an RFC 9457 problem detail, for answers given before or outside
 * Spring MVC's handling, negotiated as Spring MVC answers its own problem details: a
 * browser (a request that prefers {@code text/html}) gets the application's error page
 * through {@link HttpServletResponse#sendError(int, String) sendError}, the problem kept
 * in the request attribute {@link #PROBLEM_ATTRIBUTE}; every other client gets
 * {@code application/problem+json}.
 *
 * @since 0.2.0
 */
public final class ProblemResponses {

	/**
	 * The request attribute that holds the {@link ProblemDetail} of an answer sent to the
	 * error page, for the error attributes.
	 */
	public static final String PROBLEM_ATTRIBUTE = ProblemResponses.class.getName() + ".PROBLEM";

	private static final JacksonJsonHttpMessageConverter converter = new JacksonJsonHttpMessageConverter();

	private static final List<MediaType> PROBLEM_TYPES = List.of(MediaType.APPLICATION_PROBLEM_JSON,
			MediaType.APPLICATION_JSON);

	private ProblemResponses() {
	}

	/**
	 * Creates a problem detail for a request.
	 * @param request the request, whose path becomes the problem's {@code instance}
	 * @param status the HTTP status
	 * @param title a short summary
	 * @param detail what happened and what to do
	 * @return the problem detail, to which properties may be added
	 */
	public static ProblemDetail problem(HttpServletRequest request, HttpStatus status, String title, String detail) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
		problem.setTitle(title);
		problem.setInstance(instance(request));
		return problem;
	}

	/**
	 * Answers a request with a problem detail: the application's error page if the
	 * request prefers HTML, else the problem detail as {@code application/problem+json}.
	 * @param request the request, whose {@code Accept} header decides
	 * @param response the response, not yet committed
	 * @param problem the problem detail
	 * @param retryAfter the value of a {@code Retry-After} header, or {@code null} for
	 * none
	 * @throws IOException if the response cannot be written
	 */
	public static void write(HttpServletRequest request, HttpServletResponse response, ProblemDetail problem,
			@Nullable Duration retryAfter) throws IOException {
		if (retryAfter != null) {
			response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(retryAfterSeconds(retryAfter)));
		}
		if (prefersHtml(request)) {
			// as Spring MVC answers its own ErrorResponses: the container renders the error page
			request.setAttribute(PROBLEM_ATTRIBUTE, problem);
			response.sendError(problem.getStatus(), problem.getDetail());
			return;
		}
		writeJson(response, problem);
	}

	/**
	 * Writes a problem detail as {@code application/problem+json} whatever the client
	 * accepts: for an answer that no error page can render (the error dispatch would fail
	 * as the request did).
	 * @param response the response, not yet committed
	 * @param problem the problem detail
	 * @throws IOException if the response cannot be written
	 */
	public static void writeJson(HttpServletResponse response, ProblemDetail problem) throws IOException {
		response.setStatus(problem.getStatus());
		ServletServerHttpResponse output = new ServletServerHttpResponse(response);
		converter.write(problem, MediaType.APPLICATION_PROBLEM_JSON, output);
		output.flush();
	}

	/**
	 * Whether the request prefers HTML to a problem detail: of the accepted types, by
	 * quality and then specificity, the first that covers either names {@code text/html}
	 * (a browser), not JSON ({@code *}{@code /*}, an API client).
	 */
	private static boolean prefersHtml(HttpServletRequest request) {
		List<MediaType> accepted;
		try {
			accepted = MediaType.parseMediaTypes(Collections.list(request.getHeaders(HttpHeaders.ACCEPT)));
		}
		catch (InvalidMediaTypeException ex) {
			return false;
		}
		MimeTypeUtils.sortBySpecificity(accepted);
		for (MediaType type : accepted) {
			if (type.getQualityValue() == 0) {
				continue;
			}
			if (PROBLEM_TYPES.stream().anyMatch(type::includes)) {
				return false;
			}
			if (type.includes(MediaType.TEXT_HTML)) {
				return true;
			}
		}
		return false;
	}

	private static long retryAfterSeconds(Duration retryAfter) {
		long seconds = retryAfter.toSeconds() + ((retryAfter.toNanosPart() > 0) ? 1 : 0);
		return Math.max(1, seconds);
	}

	private static @Nullable URI instance(HttpServletRequest request) {
		try {
			return new URI(request.getRequestURI());
		}
		catch (URISyntaxException ex) {
			return null;
		}
	}

}
