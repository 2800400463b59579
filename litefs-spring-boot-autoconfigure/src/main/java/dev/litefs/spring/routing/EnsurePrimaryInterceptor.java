package dev.litefs.spring.routing;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.litefs.spring.internal.PrimaryRequests;
import dev.litefs.spring.node.LiteFsNode;
import dev.litefs.spring.node.NodeState;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.core.MethodClassKey;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;

/**
 * Routes a request to an {@link EnsurePrimary} handler (the method or its class
 * annotated) on a node that is not the primary, before Spring MVC reads any of its
 * arguments: the handler never runs there. On the primary it marks the request as one
 * that ensured the primary.
 */
public class EnsurePrimaryInterceptor implements HandlerInterceptor {

	private final LiteFsNode node;

	private final PrimaryRouter router;

	private final Map<MethodClassKey, Boolean> annotated = new ConcurrentHashMap<>();

	/**
	 * Creates the interceptor.
	 * @param node this node
	 * @param router the router
	 */
	public EnsurePrimaryInterceptor(LiteFsNode node, PrimaryRouter router) {
		this.node = node;
		this.router = router;
	}

	@Override
	public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler)
			throws Exception {
		if (!(handler instanceof HandlerMethod handlerMethod) || PrimaryRequests.isEnsured(request)
				|| !isAnnotated(handlerMethod)) {
			return true;
		}
		NodeState state = this.node.state();
		if (state.isPrimary()) {
			PrimaryRequests.markEnsured(request);
			return true;
		}
		this.router.route(request, response, state);
		return false;
	}

	private boolean isAnnotated(HandlerMethod handler) {
		return this.annotated.computeIfAbsent(new MethodClassKey(handler.getMethod(), handler.getBeanType()),
				(key) -> handler.hasMethodAnnotation(EnsurePrimary.class)
						|| AnnotatedElementUtils.hasAnnotation(handler.getBeanType(), EnsurePrimary.class));
	}

}
