package dev.litefs.spring.session;

import java.io.IOException;
import java.time.Duration;
import java.util.Locale;

import dev.litefs.spring.consistency.ConsistencyFilter;
import dev.litefs.spring.halt.LiteFsHaltException;
import dev.litefs.spring.internal.CauseChain;
import dev.litefs.spring.internal.ProblemResponses;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Placed just outside Spring Session's {@code SessionRepositoryFilter}, which writes a
 * request's session as its response commits:
 * <ul>
 * <li>after a session write of {@link LiteFsSessionRepository}, adds the
 * {@code __txid} cookie of that write to the response, so that the same client sees the
 * change on any node at once;</li>
 * <li>when a session change could not reach the primary (a replica that could not take
 * the HALT lock), answers {@code 503 Session change not saved} as a problem detail with
 * {@code Retry-After}, instead of the container's error: nothing of the change was
 * written.</li>
 * <li>when that happens after the response was committed, leaves the answer as it was
 * sent and logs one WARN naming the request and the cause.</li>
 * </ul>
 *
 * @since 0.3.0
 */
public class SessionWriteFilter extends OncePerRequestFilter {

	private static final Logger logger = LoggerFactory.getLogger(SessionWriteFilter.class);

	private static final ThreadLocal<Exchange> current = new ThreadLocal<>();

	private final String hostname;

	private final @Nullable ConsistencyFilter consistency;

	private final Duration retryAfter;

	/**
	 * Creates the filter.
	 * @param hostname this node's hostname, named in a {@code 503}
	 * @param consistency the filter whose {@code __txid} cookie is added after a session
	 * write, or {@code null} for none
	 * @param retryAfter the {@code Retry-After} of a {@code 503}
	 */
	public SessionWriteFilter(String hostname, @Nullable ConsistencyFilter consistency, Duration retryAfter) {
		this.hostname = hostname;
		this.consistency = consistency;
		this.retryAfter = retryAfter;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		current.set(new Exchange(this, request, response));
		try {
			chain.doFilter(request, response);
		}
		catch (IOException | ServletException | RuntimeException ex) {
			LiteFsHaltException failure = CauseChain.find(ex, LiteFsHaltException.class);
			if (failure == null) {
				throw ex;
			}
			if (response.isCommitted()) {
				sentAlready(request, response, failure);
			}
			else {
				answer(request, response, failure);
			}
		}
		finally {
			current.remove();
		}
	}

	/** Called by the repository after it wrote a session during the current request. */
	static void sessionWritten() {
		Exchange exchange = current.get();
		if (exchange != null && exchange.filter.consistency != null && !exchange.response.isCommitted()) {
			exchange.filter.consistency.addTxidCookie(exchange.request, exchange.response);
		}
	}

	/**
	 * The answer went out before the session change failed (something committed the
	 * response past Spring Session's wrapper): it stays as it was sent, complete, since the
	 * request's own work is done and a cut-off answer would have the client repeat it. Only
	 * the session change is lost, which the log says.
	 */
	private void sentAlready(HttpServletRequest request, HttpServletResponse response, LiteFsHaltException failure) {
		logger.warn("{} {}: session change not saved after the response was sent (status {}), so the client "
				+ "was not told: {} ({})", request.getMethod(), request.getRequestURI(), response.getStatus(),
				failure.getMessage(), failure.reason().name().toLowerCase(Locale.ROOT).replace('_', '-'));
	}

	private void answer(HttpServletRequest request, HttpServletResponse response, LiteFsHaltException failure)
			throws IOException {
		logger.debug("{} {}: session change not saved: {}", request.getMethod(), request.getRequestURI(),
				failure.getMessage());
		ProblemDetail problem = ProblemResponses.problem(request, HttpStatus.SERVICE_UNAVAILABLE,
				"Session change not saved", "This request changed your session (signing in or out, a form's token, "
						+ "a message for the next page), and the change could not reach the primary: "
						+ failure.getMessage() + ". Nothing of it was saved; retry the request.");
		problem.setProperty("node", this.hostname);
		problem.setProperty("reason", failure.reason().name().toLowerCase(Locale.ROOT).replace('_', '-'));
		response.reset();
		ProblemResponses.write(request, response, problem, this.retryAfter);
	}

	private record Exchange(SessionWriteFilter filter, HttpServletRequest request, HttpServletResponse response) {
	}

}
