package dev.litefs.spring.internal;

import java.util.List;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.server.PathContainer;
import org.springframework.http.server.RequestPath;
import org.springframework.web.util.ServletRequestPathUtils;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;
import org.springframework.web.util.pattern.PatternParseException;

/**
 * Spring path patterns ({@code /actuator/**}, {@code /api/{id}}) matched against the
 * path of a request within the application (without the context path).
 *
 * @since 0.2.0
 */
public final class RequestPathPatterns {

	private final List<PathPattern> patterns;

	/** What every path a pattern matches starts with, one per pattern. */
	private final List<String> prefixes;

	/**
	 * Parses path patterns.
	 * @param patterns the patterns
	 * @throws IllegalArgumentException if one is not a valid pattern
	 */
	public RequestPathPatterns(List<String> patterns) {
		this.patterns = patterns.stream().map(RequestPathPatterns::parse).toList();
		this.prefixes = patterns.stream().map(RequestPathPatterns::literalPrefix).toList();
	}

	/**
	 * The patterns, as written.
	 * @return the patterns
	 */
	public List<String> patterns() {
		return this.patterns.stream().map(PathPattern::getPatternString).toList();
	}

	/**
	 * Whether the request's path matches any pattern. A path an earlier filter parsed and
	 * kept on the request (Spring's {@code ServletRequestPathFilter}) is reused; otherwise
	 * it is parsed here and not kept, so that no parse of this dispatch outlives it (an
	 * error or forward dispatch has another path).
	 * @param request the request
	 * @return {@code true} when a pattern matches
	 */
	public boolean matches(HttpServletRequest request) {
		if (this.patterns.isEmpty()) {
			return false;
		}
		boolean parsedBefore = ServletRequestPathUtils.hasParsedRequestPath(request);
		if (!parsedBefore && startsWithNoPrefix(request)) {
			return false;
		}
		RequestPath parsed = parsedBefore ? ServletRequestPathUtils.getParsedRequestPath(request)
				: RequestPath.parse(request.getRequestURI(), request.getContextPath());
		PathContainer path = parsed.pathWithinApplication();
		for (PathPattern pattern : this.patterns) {
			if (pattern.matches(path)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Whether the request's path starts with none of the patterns' literal prefixes, so
	 * that no pattern can match it. Most requests are not excluded, and this spares them
	 * parsing their path (a {@code RequestPath} per request, on every read). It answers
	 * only for a path with no percent-encoding and no {@code ;} parameters, which Spring's
	 * matching decodes or drops: the path's characters are then those matched.
	 */
	private boolean startsWithNoPrefix(HttpServletRequest request) {
		String uri = request.getRequestURI();
		String contextPath = request.getContextPath();
		if (uri.indexOf('%') >= 0 || uri.indexOf(';') >= 0 || !uri.startsWith(contextPath)) {
			return false;
		}
		for (String prefix : this.prefixes) {
			if (uri.startsWith(prefix, contextPath.length())) {
				return false;
			}
		}
		return true;
	}

	/**
	 * The literal start of a pattern, which every path it matches begins with: up to its
	 * first variable or wildcard, and then up to the separator before it, since
	 * {@code /actuator/**} also matches {@code /actuator}.
	 */
	private static String literalPrefix(String pattern) {
		int wildcard = -1;
		for (int i = 0; i < pattern.length() && wildcard < 0; i++) {
			char c = pattern.charAt(i);
			wildcard = (c == '{' || c == '*' || c == '?') ? i : -1;
		}
		return (wildcard < 0) ? pattern : pattern.substring(0, Math.max(0, pattern.lastIndexOf('/', wildcard)));
	}

	private static PathPattern parse(String pattern) {
		if (!pattern.startsWith("/")) {
			throw new IllegalArgumentException("'" + pattern + "' is not a valid path pattern: it must start with '/'");
		}
		try {
			return PathPatternParser.defaultInstance.parse(pattern);
		}
		catch (PatternParseException ex) {
			throw new IllegalArgumentException("'" + pattern + "' is not a valid path pattern: " + ex.getMessage(), ex);
		}
	}

	@Override
	public String toString() {
		return this.patterns.toString();
	}

}
