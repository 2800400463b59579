package dev.litefs.spring.routing;

import java.sql.SQLException;
import java.time.Duration;
import java.util.Objects;

import dev.litefs.spring.internal.CauseChain;
import dev.litefs.spring.internal.ProblemResponses;
import dev.litefs.spring.internal.SqliteFaults;
import dev.litefs.spring.node.LiteFsNode;
import dev.litefs.spring.node.NodeState;
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
 * Answers a request during which the database failed under the application, rather than
 * the application's SQL:
 * <ul>
 * <li>any SQL error while LiteFS is down or restarting under the application (the mount
 * unreadable, or no longer a LiteFS mount), a read as well as a write:
 * {@code 503 Database unavailable} with {@code Retry-After};</li>
 * <li>a SQLite error of the files under SQLite, {@code SQLITE_BUSY},
 * {@code SQLITE_PROTOCOL}, {@code SQLITE_CANTOPEN} or any {@code SQLITE_IOERR} that is
 * not a replica's refusal (LiteFS went away or restarted under a request, which may fail
 * seconds later, once LiteFS is back): {@code 503 Database fault} with
 * {@code Retry-After} and {@code "stored": false}, since SQLite rolled the change back
 * and it is safe to retry. It is logged at WARN in one line.</li>
 * <li>any other SQLite error of a request during which LiteFS went away, even if it is
 * back by then ({@link DatabaseLossMark}): a statement stuck on the mount that went away
 * fails seconds later, in WAL mode sometimes with {@code no such table}: the same
 * {@code 503 Database fault}.</li>
 * </ul>
 * Any other SQL error (a constraint violated, a syntax error, {@code SQLITE_READONLY} on
 * the primary) is left to the application's error handling, and a write refused on a
 * replica, or a {@link NotPrimaryException}, to the routing's. A response already
 * committed is left alone.
 *
 * @since 0.2.0
 */
public class DatabaseFaultExceptionResolver implements HandlerExceptionResolver, Ordered {

	/** After the routing's answer to a write refused on a replica. */
	static final int ORDER = NotPrimaryExceptionResolver.ORDER + 1;

	private static final Logger logger = LoggerFactory.getLogger(DatabaseFaultExceptionResolver.class);

	private final LiteFsNode node;

	private final Duration retryAfter;

	/**
	 * Creates the resolver.
	 * @param node this node
	 * @param retryAfter the {@code Retry-After} of its answers
	 */
	public DatabaseFaultExceptionResolver(LiteFsNode node, Duration retryAfter) {
		this.node = node;
		this.retryAfter = retryAfter;
	}

	@Override
	public @Nullable ModelAndView resolveException(HttpServletRequest request, HttpServletResponse response,
			@Nullable Object handler, Exception ex) {
		if (CauseChain.find(ex, NotPrimaryException.class) != null) {
			return null;
		}
		if (CauseChain.find(ex, SQLException.class) != null && !response.isCommitted()) {
			NodeState state = this.node.refresh();
			if (!state.isDatabaseAvailable()) {
				return databaseUnavailable(request, response, state);
			}
		}
		SQLException sqlite = FailureCauses.sqliteError(ex);
		if (sqlite == null) {
			return null;
		}
		if (!SqliteFaults.isMountFault(sqlite)) {
			// whatever SQLite said, LiteFS went away under the statement: the change did not commit
			return DatabaseLossMark.lostDuring(request, this.node) ? mountFault(request, response, sqlite) : null;
		}
		if (SqliteFaults.isWriteRefusal(sqlite) && !this.node.refresh().isPrimary()) {
			// a replica's refusal: the routing's to answer
			return null;
		}
		return mountFault(request, response, sqlite);
	}

	/** LiteFS is down or restarting under the application: any SQLite error then says so. */
	private ModelAndView databaseUnavailable(HttpServletRequest request, HttpServletResponse response,
			NodeState state) {
		logger.debug("{} {} failed while the LiteFS database is unavailable: {}", request.getMethod(),
				request.getRequestURI(), state.problems());
		ProblemDetail problem = ProblemResponses.problem(request, HttpStatus.SERVICE_UNAVAILABLE,
				"Database unavailable", "The LiteFS database of node " + state.hostname()
						+ " cannot be used right now (" + String.join("; ", state.problems()) + "). Retry shortly.");
		problem.setProperty("node", state.hostname());
		problem.setProperty("role", state.role().id());
		return ProblemAnswers.answer(request, response, problem, this.retryAfter);
	}

	/**
	 * SQLite failed under the application with an error of its files, not of its SQL
	 * (LiteFS went away or restarted, perhaps seconds before and over by now): the
	 * statement's transaction was rolled back, so the write may be sent again.
	 */
	private @Nullable ModelAndView mountFault(HttpServletRequest request, HttpServletResponse response,
			SQLException error) {
		if (response.isCommitted()) {
			logger.warn("{} {} failed in SQLite ({}), but its response was already committed", request.getMethod(),
					request.getRequestURI(), error.getMessage());
			return null;
		}
		String code = Objects.requireNonNullElse(SqliteFaults.extendedName(error), "SQLITE_" + SqliteFaults.code(error));
		logger.warn("{} {} failed in SQLite on node {} ({}): answered 503, the change was rolled back",
				request.getMethod(), request.getRequestURI(), this.node.hostname(), error.getMessage());
		ProblemDetail problem = ProblemResponses.problem(request, HttpStatus.SERVICE_UNAVAILABLE,
				"Database fault", "The LiteFS database of node " + this.node.hostname() + " failed (" + code
						+ "): SQLite rolled the change back, nothing of it was stored. It is safe to retry.");
		problem.setProperty("node", this.node.hostname());
		problem.setProperty("sqliteError", code);
		problem.setProperty("stored", false);
		return ProblemAnswers.answer(request, response, problem, this.retryAfter);
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

}
