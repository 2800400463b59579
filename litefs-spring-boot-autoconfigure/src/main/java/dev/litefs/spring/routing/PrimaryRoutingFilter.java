package dev.litefs.spring.routing;

import java.io.IOException;
import java.util.List;
import java.util.Set;

import dev.litefs.spring.internal.PrimaryRequests;
import dev.litefs.spring.internal.RequestPathPatterns;
import dev.litefs.spring.node.LiteFsNode;
import dev.litefs.spring.node.NodeState;
import dev.litefs.spring.routing.forward.KeptBody;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;

import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.servlet.handler.HandlerMappingIntrospector;

/**
 * Runs first on every request, and is the one place that decides, before anything reads
 * the request, whether it must run on the primary ({@link EnsurePrimaryRequests}: an HTTP
 * method in {@code litefs.routing.methods}, or an {@link EnsurePrimary} handler):
 * <ul>
 * <li>on a node that is not the primary, such a request is routed at once, like LiteFS's
 * proxy does: before any other filter, the read-your-writes wait among them (a write
 * never waits for a replica to catch up), and before its handler runs;</li>
 * <li>on the primary, it is marked as one that ensured the primary, and so is a write
 * another node sent there after SQLite refused it
 * ({@link PrimaryRequests#isRoutedRefusedWrite});</li>
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

	private final EnsurePrimaryRequests requests;

	/**
	 * Creates the filter.
	 * @param node this node
	 * @param router the router
	 * @param methods HTTP methods whose requests all ensure the primary, upper case
	 * @param exclude paths the methods rule does not apply to
	 * @param introspector Spring MVC's handler mappings, to find {@link EnsurePrimary}
	 * handlers; {@code null} when there are none
	 */
	public PrimaryRoutingFilter(LiteFsNode node, PrimaryRouter router, Set<String> methods,
			RequestPathPatterns exclude, @Nullable HandlerMappingIntrospector introspector) {
		this.node = node;
		this.router = router;
		this.requests = new EnsurePrimaryRequests(methods, exclude, introspector);
	}

	/**
	 * The HTTP methods whose requests all ensure the primary.
	 * @return the methods, upper case
	 */
	public Set<String> methods() {
		return this.requests.methods();
	}

	/**
	 * The paths the methods rule does not apply to.
	 * @return the patterns, as configured
	 */
	public List<String> exclude() {
		return this.requests.exclude().patterns();
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		NodeState state = this.node.state();
		if (state.isPrimary()) {
			if (PrimaryRequests.isRoutedRefusedWrite(request) || this.requests.mustRunOnPrimary(request)) {
				PrimaryRequests.markEnsured(request);
			}
			chain.doFilter(request, response);
			return;
		}
		HttpServletRequest kept = KeptBody.keep(request, this.router.bodyLimit());
		if (this.requests.mustRunOnPrimary(kept)) {
			this.router.route(kept, response, state);
			return;
		}
		chain.doFilter(kept, response);
	}

}
