package dev.litefs.spring.routing;

import java.time.Duration;
import java.util.Locale;

import dev.litefs.spring.halt.LiteFsHaltException;
import dev.litefs.spring.internal.CauseChain;
import dev.litefs.spring.internal.ProblemResponses;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.core.Ordered;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.servlet.ModelAndView;

/**
 * Answers a request during which a write the application made under LiteFS's HALT lock
 * failed ({@link LiteFsHaltException}): {@code 503 Halted write failed}, its reason and
 * message in the problem detail, with {@code Retry-After} unless the block itself held
 * the lock too long. A response already committed is left alone.
 *
 * @since 0.2.0
 */
public class HaltFailureExceptionResolver implements HandlerExceptionResolver, Ordered {

	/** First of the starter's resolvers: a failed halted write is answered as such, whatever caused it. */
	static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 10;

	private static final Logger logger = LoggerFactory.getLogger(HaltFailureExceptionResolver.class);

	private final String hostname;

	private final Duration retryAfter;

	/**
	 * Creates the resolver.
	 * @param hostname this node's hostname, named in the answer
	 * @param retryAfter the {@code Retry-After} of an answer worth retrying
	 */
	public HaltFailureExceptionResolver(String hostname, Duration retryAfter) {
		this.hostname = hostname;
		this.retryAfter = retryAfter;
	}

	@Override
	public @Nullable ModelAndView resolveException(HttpServletRequest request, HttpServletResponse response,
			@Nullable Object handler, Exception ex) {
		LiteFsHaltException failure = CauseChain.find(ex, LiteFsHaltException.class);
		if (failure == null || response.isCommitted()) {
			return null;
		}
		// the write did not happen, or not all of it: the client may try again
		logger.debug("{} {}: {}", request.getMethod(), request.getRequestURI(), failure.getMessage());
		ProblemDetail problem = ProblemResponses.problem(request, HttpStatus.SERVICE_UNAVAILABLE,
				"Halted write failed", failure.getMessage());
		problem.setProperty("node", this.hostname);
		problem.setProperty("reason", failure.reason().name().toLowerCase(Locale.ROOT).replace('_', '-'));
		boolean retry = failure.reason() != LiteFsHaltException.Reason.HOLD_EXCEEDED;
		return ProblemAnswers.answer(request, response, problem, retry ? this.retryAfter : null);
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

}
