package dev.litefs.spring.internal;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.converter.json.JacksonJsonHttpMessageConverter;
import org.springframework.http.server.ServletServerHttpResponse;

/**
 * Writes RFC 9457 problem details ({@code application/problem+json}) straight to a
 * servlet response, for answers given before or outside Spring MVC's handling.
 *
 * @since 0.2.0
 */
public final class ProblemResponses {

	private static final JacksonJsonHttpMessageConverter converter = new JacksonJsonHttpMessageConverter();

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
	 * Writes a problem detail as the response.
	 * @param response the response, not yet committed
	 * @param problem the problem detail
	 * @param retryAfter the value of a {@code Retry-After} header, or {@code null} for
	 * none
	 * @throws IOException if the response cannot be written
	 */
	public static void write(HttpServletResponse response, ProblemDetail problem, @Nullable Duration retryAfter)
			throws IOException {
		response.setStatus(problem.getStatus());
		if (retryAfter != null) {
			response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(retryAfterSeconds(retryAfter)));
		}
		ServletServerHttpResponse output = new ServletServerHttpResponse(response);
		converter.write(problem, MediaType.APPLICATION_PROBLEM_JSON, output);
		output.flush();
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
