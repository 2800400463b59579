package dev.litefs.spring.routing;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.HashSet;
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
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerExecutionChain;
import org.springframework.web.servlet.HandlerMapping;
import org.springframework.web.servlet.handler.AbstractHandlerMethodMapping;
import org.springframework.web.servlet.handler.HandlerMappingIntrospector;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.util.ServletRequestPathUtils;

/**
 * Which requests must run on the primary, as far as it is known before any filter or
 * handler reads them: those whose HTTP method is in {@code litefs.routing.methods} (and
 * whose path is not excluded), and those whose handler is {@link EnsurePrimary} (the
 * method or its class annotated). The handler is looked up the way the
 * {@code DispatcherServlet} will look it up, through Spring MVC's
 * {@link HandlerMappingIntrospector}'s handler mappings, on a view of the request whose
 * attributes are its own, so that the lookup leaves the request as it found it. Only a
 * request whose HTTP method some {@link EnsurePrimary} handler method is mapped to is
 * looked up: in an application without such methods there is no lookup at all, and where
 * only {@code POST} handlers are, no {@code GET} is looked up.
 */
final class EnsurePrimaryRequests {

	/** Spring MVC's own flag that keeps a lookup that is not the dispatch out of its logs. */
	private static final String SUPPRESS_LOGGING_ATTRIBUTE = "org.springframework.web.servlet.handler."
			+ "AbstractHandlerMapping.SUPPRESS_LOGGING";

	private final Set<String> methods;

	private final RequestPathPatterns exclude;

	private final Supplier<Lookup> lookup;

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
		this.lookup = SingletonSupplier.of(() -> lookup(introspector));
	}

	/**
	 * The handler mappings to look requests up in, and the HTTP methods of the requests
	 * worth looking up: those some {@link EnsurePrimary} handler method is mapped to
	 * (most requests of most applications then cost no lookup).
	 */
	private Lookup lookup(@Nullable HandlerMappingIntrospector introspector) {
		if (introspector == null) {
			return Lookup.NONE;
		}
		List<HandlerMapping> mappings = List.copyOf(introspector.getHandlerMappings());
		Set<String> methods = new HashSet<>();
		for (HandlerMapping mapping : mappings) {
			if (mapping instanceof AbstractHandlerMethodMapping<?> handlerMethods) {
				handlerMethods.getHandlerMethods().forEach((info, handler) -> {
					if (isAnnotated(handler)) {
						methods.addAll(httpMethods(info));
					}
				});
			}
		}
		return methods.isEmpty() ? Lookup.NONE : new Lookup(mappings, methods);
	}

	/** The HTTP methods a mapping takes: all when it names none, and HEAD with GET. */
	private static Set<String> httpMethods(Object info) {
		Set<RequestMethod> mapped = (info instanceof RequestMappingInfo requestMapping)
				? requestMapping.getMethodsCondition().getMethods() : Set.of();
		Set<String> methods = new HashSet<>();
		for (RequestMethod method : mapped.isEmpty() ? EnumSet.allOf(RequestMethod.class) : mapped) {
			methods.add(method.name());
			if (method == RequestMethod.GET) {
				methods.add(RequestMethod.HEAD.name());
			}
		}
		return methods;
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
		Lookup lookup = this.lookup.get();
		if (!lookup.methods().contains(request.getMethod())) {
			return null;
		}
		HttpServletRequest view = new OwnAttributesRequest(request);
		ServletRequestPathUtils.parseAndCache(view);
		for (HandlerMapping mapping : lookup.mappings()) {
			HandlerExecutionChain chain;
			try {
				chain = mapping.getHandler(view);
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
	 * Where handlers are looked up, and for which HTTP methods.
	 * @param mappings Spring MVC's handler mappings
	 * @param methods the HTTP methods of {@link EnsurePrimary} handler methods
	 */
	private record Lookup(List<HandlerMapping> mappings, Set<String> methods) {

		static final Lookup NONE = new Lookup(List.of(), Set.of());

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
