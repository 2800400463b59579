package dev.litefs.spring.routing;

import java.io.IOException;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import dev.litefs.spring.internal.PrimaryRequests;
import dev.litefs.spring.internal.RequestPathPatterns;
import dev.litefs.spring.node.LiteFsNode;
import dev.litefs.spring.node.NodeState;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Runs first on every request to do what must happen before anything reads it:
 * <ul>
 * <li>a request whose HTTP method is in {@code litefs.routing.methods} (and whose path
 * is not excluded) ensures the primary: on a node that is not the primary it is routed
 * at once, like LiteFS's proxy does; so does, on the primary, a write another node sent
 * there after SQLite refused it ({@link PrimaryRequests#isRoutedRefusedWrite});</li>
 * <li>on a node that is not the primary, under a strategy that needs the body later
 * ({@code forward}, and {@code fly-replay} for its size limit), the body is read ahead
 * up to the strategy's limit, so that a write found later (an {@link EnsurePrimary}
 * service method, a write refused by SQLite) can still be routed.</li>
 * </ul>
 *
 * @since 0.2.0
 */
public class PrimaryRoutingFilter extends OncePerRequestFilter {

	private final LiteFsNode node;

	private final PrimaryRouter router;

	private final Set<String> methods;

	private final RequestPathPatterns exclude;

	/**
	 * Creates the filter.
	 * @param node this node
	 * @param router the router
	 * @param methods HTTP methods whose requests all ensure the primary
	 * @param exclude paths the methods rule does not apply to
	 */
	public PrimaryRoutingFilter(LiteFsNode node, PrimaryRouter router, Set<String> methods,
			RequestPathPatterns exclude) {
		this.node = node;
		this.router = router;
		this.methods = Collections.unmodifiableSet(new LinkedHashSet<>(methods));
		this.exclude = exclude;
	}

	/**
	 * The HTTP methods whose requests all ensure the primary.
	 * @return the methods, upper case
	 */
	public Set<String> methods() {
		return this.methods;
	}

	/**
	 * The paths the methods rule does not apply to.
	 * @return the patterns, as configured
	 */
	public List<String> exclude() {
		return this.exclude.patterns();
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		NodeState state = this.node.state();
		boolean write = this.methods.contains(request.getMethod()) && !this.exclude.matches(request);
		if (state.isPrimary()) {
			if (write || PrimaryRequests.isRoutedRefusedWrite(request)) {
				PrimaryRequests.markEnsured(request);
			}
			chain.doFilter(request, response);
			return;
		}
		HttpServletRequest kept = KeptBody.keep(request, this.router.bodyLimit());
		if (write) {
			this.router.route(kept, response, state);
			return;
		}
		chain.doFilter(kept, response);
	}

}
