package dev.litefs.spring.routing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Collections;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.litefs.spring.halt.LiteFsHaltException;
import dev.litefs.spring.internal.PrimaryRequests;
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
import org.springframework.transaction.TransactionSystemException;
import org.springframework.util.ClassUtils;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.servlet.ModelAndView;

/**
 * Answers, by the routing strategy, a request during which a write was refused because
 * this node is not the primary:
 * <ul>
 * <li>a {@link NotPrimaryException} (an {@link EnsurePrimary} service method called on
 * a replica);</li>
 * <li>the safety net: SQLite refusing a write on a replica, {@code SQLITE_READONLY}
 * (code 8, rollback-journal mode) or {@code SQLITE_IOERR} (code 10, WAL mode), however
 * wrapped (Spring's {@code DataAccessException}, the connection pool). It logs a
 * warning naming the handler to annotate, once per handler.</li>
 * </ul>
 * A SQLite error of the files under SQLite rather than of the application's SQL,
 * {@code SQLITE_BUSY}, {@code SQLITE_PROTOCOL}, {@code SQLITE_CANTOPEN} or any
 * {@code SQLITE_IOERR} that is not a replica's refusal (LiteFS went away or restarted
 * under a request, which may fail seconds later, once LiteFS is back), is answered
 * {@code 503 Database fault} with {@code Retry-After}, and {@code "stored": false}: SQLite
 * rolled the change back, so it is safe to retry. It is logged at WARN in one line. Any
 * other SQL error (a constraint violated, a syntax error, {@code SQLITE_READONLY} on the
 * primary) is left to the application's error handling.
 * Any SQL error while LiteFS is down or restarting under the application (the mount
 * unreadable, or no longer a LiteFS mount) is answered {@code 503 Database unavailable}
 * with {@code Retry-After}, a read as well as a write. A write the application made
 * under LiteFS's HALT lock that failed ({@link LiteFsHaltException}) is answered
 * {@code 503 Halted write failed}, its reason and message in the problem detail, with
 * {@code Retry-After} unless the block itself held the lock too long. A response already committed
 * cannot be changed and is left alone. A forwarded answer cut short after part of it
 * reached the client fails the request, so that the connection is aborted and the cut
 * answer never looks complete.
 */
public class NotPrimaryExceptionResolver implements HandlerExceptionResolver, Ordered {

	private static final int MAX_WARNED_HANDLERS = 1000;

	private static final boolean TRANSACTIONS_PRESENT = ClassUtils.isPresent(
			"org.springframework.transaction.TransactionSystemException",
			NotPrimaryExceptionResolver.class.getClassLoader());

	private static final Logger logger = LoggerFactory.getLogger(NotPrimaryExceptionResolver.class);

	private final LiteFsNode node;

	private final PrimaryRouter router;

	private final Set<String> warnedHandlers = Collections.newSetFromMap(new ConcurrentHashMap<>());

	/**
	 * Creates the resolver.
	 * @param node this node
	 * @param router the router
	 */
	public NotPrimaryExceptionResolver(LiteFsNode node, PrimaryRouter router) {
		this.node = node;
		this.router = router;
	}

	@Override
	public @Nullable ModelAndView resolveException(HttpServletRequest request, HttpServletResponse response,
			@Nullable Object handler, Exception ex) {
		LiteFsHaltException haltFailure = findCause(ex, LiteFsHaltException.class);
		if (haltFailure != null && !response.isCommitted()) {
			return haltFailed(request, response, haltFailure);
		}
		boolean notPrimary = findCause(ex, NotPrimaryException.class) != null;
		if (!notPrimary && findCause(ex, SQLException.class) != null && !response.isCommitted()) {
			NodeState state = this.node.refresh();
			if (!state.isDatabaseAvailable()) {
				return databaseUnavailable(request, response, state);
			}
		}
		SQLException sqlite = notPrimary ? null : sqliteError(ex);
		SQLException refusedWrite = (sqlite != null && isRefusal(sqlite)) ? sqlite : null;
		if (!notPrimary && refusedWrite == null) {
			return (sqlite != null) ? mountFault(request, response, sqlite) : null;
		}
		// SQLite's word is fresher than the last reading of the mount
		NodeState state = (refusedWrite != null) ? this.node.refresh() : this.node.state();
		if (refusedWrite != null && state.isPrimary()) {
			return mountFault(request, response, refusedWrite);
		}
		if (refusedWrite != null) {
			warnOnce(request, handler, state, refusedWrite);
			PrimaryRequests.markRefusedWrite(request);
		}
		if (response.isCommitted()) {
			logger.warn("{} {} needed the primary, but its response was already committed: it cannot be routed",
					request.getMethod(), request.getRequestURI());
			return null;
		}
		try {
			response.reset();
			this.router.route(request, response, state);
		}
		catch (PrimaryForwarder.AnswerCutShortException cutShort) {
			// part of the primary's answer reached the client: only a failed request aborts the connection
			throw new UncheckedIOException(cutShort);
		}
		catch (IOException routingFailure) {
			logger.warn("Routing {} {} to the primary failed", request.getMethod(), request.getRequestURI(),
					routingFailure);
		}
		return new ModelAndView();
	}

	/** A write under the HALT lock did not happen, or not all of it: the client may try again. */
	private ModelAndView haltFailed(HttpServletRequest request, HttpServletResponse response,
			LiteFsHaltException failure) {
		logger.debug("{} {}: {}", request.getMethod(), request.getRequestURI(), failure.getMessage());
		ProblemDetail problem = ProblemResponses.problem(request, HttpStatus.SERVICE_UNAVAILABLE,
				"Halted write failed", failure.getMessage());
		problem.setProperty("node", this.node.hostname());
		problem.setProperty("reason", failure.reason().name().toLowerCase(Locale.ROOT).replace('_', '-'));
		boolean retry = failure.reason() != LiteFsHaltException.Reason.HOLD_EXCEEDED;
		return answer(request, response, problem, retry ? this.router.retryAfter() : null);
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
		return answer(request, response, problem, this.router.retryAfter());
	}

	/**
	 * SQLite failed under the application with an error of its files, not of its SQL
	 * (LiteFS went away or restarted, perhaps seconds before and over by now): the
	 * statement's transaction was rolled back, so the write may be sent again. Anything
	 * else, a constraint violated, a syntax error, is the application's to answer.
	 */
	private @Nullable ModelAndView mountFault(HttpServletRequest request, HttpServletResponse response,
			SQLException error) {
		if (!SqliteFaults.isMountFault(error)) {
			return null;
		}
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
		return answer(request, response, problem, this.router.retryAfter());
	}

	private static ModelAndView answer(HttpServletRequest request, HttpServletResponse response,
			ProblemDetail problem, @Nullable Duration retryAfter) {
		try {
			response.reset();
			ProblemResponses.write(response, problem, retryAfter);
		}
		catch (IOException writeFailure) {
			logger.debug("Answering {} {} failed: {}", request.getMethod(), request.getRequestURI(),
					writeFailure.toString());
		}
		return new ModelAndView();
	}

	private void warnOnce(HttpServletRequest request, @Nullable Object handler, NodeState state,
			SQLException refusedWrite) {
		String name = (handler instanceof HandlerMethod method) ? method.getShortLogMessage()
				: request.getMethod() + " " + request.getRequestURI();
		if (this.warnedHandlers.size() < MAX_WARNED_HANDLERS && this.warnedHandlers.add(name)) {
			logger.warn("A write reached SQLite on {} node {} in {} and was refused ({}). Annotate it with "
					+ "@EnsurePrimary, or add its HTTP method to litefs.routing.methods; until then such requests "
					+ "are sent to the primary only after failing here", state.role().id(), state.hostname(), name,
					refusedWrite.getMessage());
		}
	}

	/** What SQLite answers a write on a replica: {@code SQLITE_READONLY} or, in WAL mode, {@code SQLITE_IOERR}. */
	private static boolean isRefusal(SQLException sqlite) {
		int code = SqliteFaults.code(sqlite);
		return code == SqliteFaults.READONLY || code == SqliteFaults.IOERR;
	}

	/**
	 * The SQLite error behind a failure, also when rolling the transaction back failed
	 * after it and Spring's {@code TransactionSystemException} replaced it.
	 */
	private static @Nullable SQLException sqliteError(Throwable ex) {
		SQLException sqlite = SqliteFaults.find(ex);
		if (sqlite == null && TRANSACTIONS_PRESENT) {
			Throwable original = RolledBack.applicationException(ex);
			return (original != null) ? SqliteFaults.find(original) : null;
		}
		return sqlite;
	}

	private static <T extends Throwable> @Nullable T findCause(Throwable ex, Class<T> type) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (type.isInstance(cause)) {
				return type.cast(cause);
			}
			if (cause.getCause() == cause) {
				break;
			}
		}
		return null;
	}

	/**
	 * Before Spring MVC's own resolvers and the application's {@code @ExceptionHandler}s:
	 * "not the primary" is not an application error.
	 */
	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE + 10;
	}

	/** Spring's transactions, only touched when they are on the class path. */
	private static final class RolledBack {

		static @Nullable Throwable applicationException(Throwable ex) {
			TransactionSystemException failed = findCause(ex, TransactionSystemException.class);
			return (failed != null) ? failed.getApplicationException() : null;
		}

	}

}
