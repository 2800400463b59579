package dev.litefs.spring.routing;

import dev.litefs.spring.node.LiteFsNode;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.web.servlet.HandlerInterceptor;

/**
 * Marks each request, before its handler runs, with how many times the node had lost
 * its database so far ({@link LiteFsNode#databaseLosses()}), so that the answer to a SQL
 * error can tell whether LiteFS went away while the handler ran, even if it is back by
 * the time the error surfaces: a write stuck in SQLite on a mount that went away fails
 * seconds later, sometimes with an error that looks like the application's own (in WAL
 * mode, {@code no such table}).
 *
 * @since 0.2.0
 */
public class DatabaseLossMark implements HandlerInterceptor {

	private static final String ATTRIBUTE = DatabaseLossMark.class.getName();

	private final LiteFsNode node;

	/**
	 * Creates the mark.
	 * @param node this node
	 */
	public DatabaseLossMark(LiteFsNode node) {
		this.node = node;
	}

	@Override
	public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
		request.setAttribute(ATTRIBUTE, this.node.databaseLosses());
		return true;
	}

	/**
	 * Whether the node lost its database after the request was marked.
	 * @param request the request
	 * @param node this node
	 * @return {@code true} when LiteFS went away while the request ran
	 */
	static boolean lostDuring(HttpServletRequest request, LiteFsNode node) {
		return request.getAttribute(ATTRIBUTE) instanceof Long before && node.databaseLosses() > before;
	}

}
