package dev.litefs.spring.internal;

import java.util.List;

import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;

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

	/**
	 * Parses path patterns.
	 * @param patterns the patterns
	 * @throws IllegalArgumentException if one is not a valid pattern
	 */
	public RequestPathPatterns(List<String> patterns) {
		this.patterns = patterns.stream().map(RequestPathPatterns::parse).toList();
	}

	/**
	 * The patterns, as written.
	 * @return the patterns
	 */
	public List<String> patterns() {
		return this.patterns.stream().map(PathPattern::getPatternString).toList();
	}

	/**
	 * What makes a pattern invalid.
	 * @param pattern the pattern
	 * @return the reason, or {@code null} when it is valid
	 */
	public static @Nullable String problem(String pattern) {
		try {
			parse(pattern);
			return null;
		}
		catch (IllegalArgumentException ex) {
			return ex.getMessage();
		}
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
		RequestPath parsed = ServletRequestPathUtils.hasParsedRequestPath(request)
				? ServletRequestPathUtils.getParsedRequestPath(request)
				: RequestPath.parse(request.getRequestURI(), request.getContextPath());
		PathContainer path = parsed.pathWithinApplication();
		for (PathPattern pattern : this.patterns) {
			if (pattern.matches(path)) {
				return true;
			}
		}
		return false;
	}

	private static PathPattern parse(String pattern) {
		if (!pattern.startsWith("/")) {
			throw new IllegalArgumentException("'" + pattern + "' is not a path pattern: it must start with '/'");
		}
		try {
			return PathPatternParser.defaultInstance.parse(pattern);
		}
		catch (PatternParseException ex) {
			throw new IllegalArgumentException("'" + pattern + "' is not a path pattern: " + ex.getMessage(), ex);
		}
	}

	@Override
	public String toString() {
		return this.patterns.toString();
	}

}
