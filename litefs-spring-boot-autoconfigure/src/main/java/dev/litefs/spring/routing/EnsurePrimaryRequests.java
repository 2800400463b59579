package dev.litefs.spring.routing;

import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import dev.litefs.spring.internal.RequestPathPatterns;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import org.jspecify.annotations.Nullable;

import org.springframework.core.MethodClassKey;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.function.SingletonSupplier;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerExecutionChain;
import org.springframework.web.servlet.HandlerMapping;
import org.springframework.web.servlet.handler.AbstractHandlerMethodMapping;
import org.springframework.web.servlet.handler.HandlerMappingIntrospector;
import org.springframework.web.util.ServletRequestPathUtils;

/**
 * Which requests must run on the primary, as far as it is known before any filter or
 * handler reads them: those whose HTTP method is in {@code litefs.routing.methods} (and
 * whose path is not excluded), and those whose handler is {@link EnsurePrimary} (the
 * method or its class annotated). The handler is looked up the way the
 * {@code DispatcherServlet} will look it up, through Spring MVC's
 * {@link HandlerMappingIntrospector}'s handler mappings, on a view of the request whose
 * attributes are its own, so that the lookup leaves the request as it found it; in an
 * application without {@link EnsurePrimary} handler methods, there is no lookup.
 */
final class EnsurePrimaryRequests {

	/** Spring MVC's own flag that keeps a lookup that is not the dispatch out of its logs. */
	private static final String SUPPRESS_LOGGING_ATTRIBUTE = "org.springframework.web.servlet.handler."
			+ "AbstractHandlerMapping.SUPPRESS_LOGGING";

	private final Set<String> methods;

	private final RequestPathPatterns exclude;

	private final Supplier<List<HandlerMapping>> handlerMappings;

	private final Map<MethodClassKey, Boolean> annotated = new ConcurrentHashMap<>();

	/**
	 * Creates the rules.
	 * @param methods HTTP methods whose requests all run on the primary, upper case
	 * @param exclude paths the methods rule does not apply to
	 * @param introspector Spring MVC's handler mappings, or {@code null} when there are
	 * none (then only the methods rule applies before the handler runs)
	 */
	EnsurePrimaryRequests(Set<String> methods, RequestPathPatterns exclude,
			@Nullable HandlerMappingIntrospector introspector) {
		this.methods = Collections.unmodifiableSet(new LinkedHashSet<>(methods));
		this.exclude = exclude;
		this.handlerMappings = SingletonSupplier.of(() -> handlerMappings(introspector));
	}

	/**
	 * The handler mappings to look requests up in: none when no handler method is
	 * {@link EnsurePrimary} (most requests of most applications then cost no lookup).
	 */
	private List<HandlerMapping> handlerMappings(@Nullable HandlerMappingIntrospector introspector) {
		if (introspector == null) {
			return List.of();
		}
		List<HandlerMapping> mappings = List.copyOf(introspector.getHandlerMappings());
		boolean anyAnnotated = mappings.stream()
			.filter(AbstractHandlerMethodMapping.class::isInstance)
			.flatMap((mapping) -> ((AbstractHandlerMethodMapping<?>) mapping).getHandlerMethods().values().stream())
			.anyMatch(this::isAnnotated);
		return anyAnnotated ? mappings : List.of();
	}

	/**
	 * The HTTP methods whose requests all run on the primary.
	 * @return the methods, upper case
	 */
	Set<String> methods() {
		return this.methods;
	}

	/**
	 * The paths the methods rule does not apply to.
	 * @return the patterns
	 */
	RequestPathPatterns exclude() {
		return this.exclude;
	}

	/**
	 * Whether a request must run on the primary: its HTTP method is one of
	 * {@link #methods()} on a path not excluded, or its handler is {@link EnsurePrimary}.
	 * @param request the request, before any filter or handler read it
	 * @return {@code true} for a request that must run on the primary
	 */
	boolean mustRunOnPrimary(HttpServletRequest request) {
		if (this.methods.contains(request.getMethod()) && !this.exclude.matches(request)) {
			return true;
		}
		return handler(request) instanceof HandlerMethod method && isAnnotated(method);
	}

	private @Nullable Object handler(HttpServletRequest request) {
		List<HandlerMapping> mappings = this.handlerMappings.get();
		if (mappings.isEmpty()) {
			return null;
		}
		HttpServletRequest lookup = new OwnAttributesRequest(request);
		ServletRequestPathUtils.parseAndCache(lookup);
		for (HandlerMapping mapping : mappings) {
			HandlerExecutionChain chain;
			try {
				chain = mapping.getHandler(lookup);
			}
			catch (Exception ex) {
				// no handler takes it (a method or media type not supported): the dispatch answers that
				return null;
			}
			if (chain != null) {
				return chain.getHandler();
			}
		}
		return null;
	}

	private boolean isAnnotated(HandlerMethod handler) {
		return this.annotated.computeIfAbsent(new MethodClassKey(handler.getMethod(), handler.getBeanType()),
				(key) -> handler.hasMethodAnnotation(EnsurePrimary.class)
						|| AnnotatedElementUtils.hasAnnotation(handler.getBeanType(), EnsurePrimary.class));
	}

	/**
	 * The request with attributes of its own: what a handler mapping records of its
	 * match stays out of the request the dispatch sees, as in Spring MVC's own
	 * {@link HandlerMappingIntrospector}.
	 */
	private static final class OwnAttributesRequest extends HttpServletRequestWrapper {

		private final Map<String, Object> attributes = new HashMap<>();

		OwnAttributesRequest(HttpServletRequest request) {
			super(request);
			for (Enumeration<String> names = request.getAttributeNames(); names.hasMoreElements();) {
				String name = names.nextElement();
				this.attributes.put(name, request.getAttribute(name));
			}
			this.attributes.put(SUPPRESS_LOGGING_ATTRIBUTE, Boolean.TRUE);
		}

		@Override
		public @Nullable Object getAttribute(String name) {
			return this.attributes.get(name);
		}

		@Override
		public Enumeration<String> getAttributeNames() {
			return Collections.enumeration(this.attributes.keySet());
		}

		@Override
		public void setAttribute(String name, Object value) {
			this.attributes.put(name, value);
		}

		@Override
		public void removeAttribute(String name) {
			this.attributes.remove(name);
		}

	}

}
