package dev.litefs.spring.routing;

import java.io.IOException;
import java.time.Duration;

import dev.litefs.spring.internal.ProblemResponses;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.http.ProblemDetail;
import org.springframework.web.servlet.ModelAndView;

/**
 * The answer of an exception resolver that writes a problem detail itself: the response
 * reset, the problem written, and the empty {@link ModelAndView} that tells Spring MVC
 * the exception was handled.
 */
final class ProblemAnswers {

	private static final Logger logger = LoggerFactory.getLogger(ProblemAnswers.class);

	private ProblemAnswers() {
	}

	/**
	 * Answers a request with a problem detail, in place of what the response held.
	 * @param request the request
	 * @param response its response, not yet committed
	 * @param problem the problem
	 * @param retryAfter the {@code Retry-After}, or {@code null} for none
	 * @return the resolver's answer
	 */
	static ModelAndView answer(HttpServletRequest request, HttpServletResponse response, ProblemDetail problem,
			@Nullable Duration retryAfter) {
		try {
			response.reset();
			ProblemResponses.write(request, response, problem, retryAfter);
		}
		catch (IOException writeFailure) {
			logger.debug("Answering {} {} failed: {}", request.getMethod(), request.getRequestURI(),
					writeFailure.toString());
		}
		return new ModelAndView();
	}

}
