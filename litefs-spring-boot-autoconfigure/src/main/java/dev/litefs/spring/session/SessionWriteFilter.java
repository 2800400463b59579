package dev.litefs.spring.session;

import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.litefs.spring.consistency.ConsistencyFilter;
import dev.litefs.spring.halt.LiteFsHaltException;
import dev.litefs.spring.internal.CauseChain;
import dev.litefs.spring.internal.ProblemResponses;
import dev.litefs.spring.internal.SessionStoreWrites;
import dev.litefs.spring.node.LiteFsNode;
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
 * <li>with Spring Session's own repository ({@code litefs.session.enabled=false}), a
 * session write SQLite refused on a replica is answered {@code 503 Session not saved on a
 * replica}, a problem detail naming the property, with one WARN;</li>
 * <li>when a session change fails after the response was committed, leaves the answer as it was
 * sent and logs one WARN naming the request and the cause.</li>
 * </ul>
 *
 * @since 0.3.0
 */
public class SessionWriteFilter extends OncePerRequestFilter {

	private static final Logger logger = LoggerFactory.getLogger(SessionWriteFilter.class);

	private static final ThreadLocal<Exchange> current = new ThreadLocal<>();

	private final String hostname;

	private final @Nullable LiteFsNode node;

	private final AtomicBoolean warnedUnmanaged = new AtomicBoolean();

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
		this.node = null;
		this.consistency = consistency;
		this.retryAfter = retryAfter;
	}

	/**
	 * Creates the filter for Spring Session's own repository, with the starter's session
	 * support off ({@code litefs.session.enabled=false}): a session write SQLite refused on
	 * a replica is answered {@code 503 Session not saved on a replica}, naming the property.
	 * @param node this node
	 * @param retryAfter the {@code Retry-After} of a {@code 503} of a failed HALT lock
	 */
	public SessionWriteFilter(LiteFsNode node, Duration retryAfter) {
		this.hostname = node.hostname();
		this.node = node;
		this.consistency = null;
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
				SQLException refused = unmanagedWriteRefused(ex);
				if (refused == null) {
					throw ex;
				}
				unmanagedSessionWrite(request, response, refused);
				return;
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

	/** A write of Spring Session's own repository that SQLite refused on a replica. */
	private @Nullable SQLException unmanagedWriteRefused(Throwable ex) {
		if (this.node == null) {
			return null;
		}
		SQLException refused = SessionStoreWrites.refusedWrite(ex);
		return (refused != null && !this.node.refresh().isPrimary()) ? refused : null;
	}

	private void unmanagedSessionWrite(HttpServletRequest request, HttpServletResponse response,
			SQLException refused) throws IOException {
		if (this.warnedUnmanaged.compareAndSet(false, true)) {
			logger.warn("Spring Session's own repository wrote a session on replica {} ({}) and SQLite refused it "
					+ "({}): with litefs.session.enabled=false, Spring Session writes a signed-in user's last-access "
					+ "time in every request, on the node that serves it. Such requests on a replica are answered "
					+ "503; set litefs.session.enabled=true (the default) to read sessions on every node and write "
					+ "them through the primary", this.hostname, databaseName(), refused.getMessage());
		}
		if (response.isCommitted()) {
			logger.warn("{} {}: session change not saved after the response was sent (status {}): SQLite refused "
					+ "Spring Session's write on replica {}", request.getMethod(), request.getRequestURI(),
					response.getStatus(), this.hostname);
			return;
		}
		ProblemDetail problem = ProblemResponses.problem(request, HttpStatus.SERVICE_UNAVAILABLE,
				"Session not saved on a replica",
				"Spring Session wrote this request's session on replica " + this.hostname
						+ ", which takes no writes: the starter's session support, which writes sessions through "
						+ "the primary, is off (litefs.session.enabled=false).");
		problem.setProperty("node", this.hostname);
		problem.setProperty("property", "litefs.session.enabled");
		response.reset();
		// not the error page: Spring Session's filter wraps the error dispatch too, and writes the session again
		ProblemResponses.writeJson(response, problem);
	}

	private String databaseName() {
		return (this.node != null) ? this.node.mount().databaseFile().getFileName().toString() : "?";
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
