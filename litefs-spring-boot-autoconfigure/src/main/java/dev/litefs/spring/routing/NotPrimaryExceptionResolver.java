package dev.litefs.spring.routing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.SQLException;
import java.util.Collections;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.litefs.spring.internal.CauseChain;
import dev.litefs.spring.internal.PrimaryRequests;
import dev.litefs.spring.internal.SessionStoreWrites;
import dev.litefs.spring.internal.SqliteFaults;
import dev.litefs.spring.node.LiteFsNode;
import dev.litefs.spring.node.NodeState;
import dev.litefs.spring.routing.forward.PrimaryForwarder;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.core.Ordered;
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
 * wrapped (Spring's {@code DataAccessException}, the connection pool), while the
 * database is available. It logs a warning naming the handler to annotate, once per
 * handler.</li>
 * </ul>
 * A write of Spring Session's own repository refused on a replica is passed on: routing
 * cannot help it, and the session write filter answers it. The same error on the primary, or while LiteFS is down, is a fault, which
 * {@link DatabaseFaultExceptionResolver} answers. A response already committed cannot be
 * changed and is left alone. A forwarded answer cut short after part of it reached the
 * client fails the request, so that the connection is aborted and the cut answer never
 * looks complete.
 *
 * @since 0.2.0
 */
public class NotPrimaryExceptionResolver implements HandlerExceptionResolver, Ordered {

	/**
	 * Before Spring MVC's own resolvers and the application's {@code @ExceptionHandler}s
	 * ("not the primary" is not an application error), after the answer to a failed
	 * halted write.
	 */
	static final int ORDER = HaltFailureExceptionResolver.ORDER + 1;

	private static final int MAX_WARNED_HANDLERS = 1000;

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
		NodeState state;
		if (CauseChain.find(ex, NotPrimaryException.class) != null) {
			state = this.node.state();
		}
		else {
			SQLException sqlite = FailureCauses.sqliteError(ex);
			if (sqlite == null || !SqliteFaults.isWriteRefusal(sqlite)) {
				return null;
			}
			// SQLite's word is fresher than the last reading of the mount
			state = this.node.refresh();
			if (state.isPrimary() || !state.isDatabaseAvailable()) {
				return null;
			}
			if (SessionStoreWrites.refusedWrite(ex) != null) {
				// Spring Session's own repository (litefs.session.enabled=false) wrote the session here: it
				// writes it again as the request ends, wherever the answer came from. The session write
				// filter outside Spring Session's answers it, with the raw response.
				throw (ex instanceof RuntimeException runtime) ? runtime : new IllegalStateException(ex);
			}
			warnOnce(request, handler, state, sqlite);
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

	@Override
	public int getOrder() {
		return ORDER;
	}

}
