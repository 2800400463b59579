package dev.litefs.spring.internal;

import java.util.ArrayList;
import java.util.List;

import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;

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

	/** What a path must hold for each pattern to match it, one per pattern. */
	private final List<Literals> literals;

	/**
	 * Parses path patterns.
	 * @param patterns the patterns
	 * @throws IllegalArgumentException if one is not a valid pattern
	 */
	public RequestPathPatterns(List<String> patterns) {
		this.patterns = patterns.stream().map(RequestPathPatterns::parse).toList();
		this.literals = patterns.stream().map(Literals::of).toList();
	}

	/**
	 * What makes a list of patterns unusable, if anything.
	 * @param patterns the patterns
	 * @return why the first invalid pattern is invalid, or {@code null} if all are valid
	 */
	public static @Nullable String problem(List<String> patterns) {
		try {
			patterns.forEach(RequestPathPatterns::parse);
			return null;
		}
		catch (IllegalArgumentException ex) {
			return ex.getMessage();
		}
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
	 * it is parsed here, only if a pattern could match it, and not kept, so that no parse
	 * of this dispatch outlives it (an error or forward dispatch has another path).
	 * <p>
	 * Most requests match no pattern, and a pattern's literal parts rule most paths out
	 * without Spring's matching: a path matched by {@code /*}{@code /icon-*} holds
	 * {@code /icon-}, one matched by {@code /actuator/**} starts with {@code /actuator}.
	 * That shortcut is taken only for a path with no percent-encoding and no {@code ;}
	 * parameters, which Spring's matching decodes or drops: the path's characters are
	 * then those matched.
	 * @param request the request
	 * @return {@code true} when a pattern matches
	 */
	public boolean matches(HttpServletRequest request) {
		if (this.patterns.isEmpty()) {
			return false;
		}
		RequestPath parsed = ServletRequestPathUtils.hasParsedRequestPath(request)
				? ServletRequestPathUtils.getParsedRequestPath(request) : null;
		// the path within the application is the URI's from the end of the context path on
		String path = (parsed != null) ? parsed.pathWithinApplication().value() : request.getRequestURI();
		int start = (parsed != null) ? 0 : request.getContextPath().length();
		boolean plain = path.indexOf('%') < 0 && path.indexOf(';') < 0
				&& (parsed != null || path.startsWith(request.getContextPath()));
		for (int i = 0; i < this.patterns.size(); i++) {
			if (plain && !this.literals.get(i).couldMatch(path, start)) {
				continue;
			}
			if (parsed == null) {
				parsed = RequestPath.parse(request.getRequestURI(), request.getContextPath());
			}
			if (this.patterns.get(i).matches(parsed.pathWithinApplication())) {
				return true;
			}
		}
		return false;
	}

	/**
	 * The literal parts of a pattern, which every path it matches holds: its start up to
	 * the separator before its first variable or wildcard (since {@code /actuator/**} also
	 * matches {@code /actuator}), then each literal run after that, in order, less a
	 * trailing separator (which a wildcard after it may do without).
	 */
	private record Literals(String prefix, List<String> parts) {

		static Literals of(String pattern) {
			List<String> runs = new ArrayList<>();
			StringBuilder run = new StringBuilder();
			int firstWildcard = -1;
			for (int i = 0; i < pattern.length(); i++) {
				char c = pattern.charAt(i);
				if (c == '{' || c == '*' || c == '?') {
					firstWildcard = (firstWildcard < 0) ? i : firstWildcard;
					runs.add(run.toString());
					run.setLength(0);
					i = (c == '{') ? closingBrace(pattern, i) : i;
				}
				else {
					run.append(c);
				}
			}
			runs.add(run.toString());
			if (firstWildcard < 0) {
				return new Literals(pattern, List.of());
			}
			String prefix = pattern.substring(0, Math.max(0, pattern.lastIndexOf('/', firstWildcard)));
			List<String> parts = runs.subList(1, runs.size())
				.stream()
				.map((part) -> part.endsWith("/") ? part.substring(0, part.length() - 1) : part)
				.filter((part) -> !part.isEmpty())
				.toList();
			return new Literals(prefix, parts);
		}

		/** The index of the brace that closes the variable opened at this one, regular expressions' braces counted. */
		private static int closingBrace(String pattern, int open) {
			int depth = 0;
			for (int i = open; i < pattern.length(); i++) {
				depth += (pattern.charAt(i) == '{') ? 1 : (pattern.charAt(i) == '}') ? -1 : 0;
				if (depth == 0) {
					return i;
				}
			}
			return pattern.length();
		}

		/** Whether the path from this index on holds these literals, so that the pattern could match it. */
		boolean couldMatch(String path, int start) {
			if (!path.startsWith(this.prefix, start)) {
				return false;
			}
			int from = start + this.prefix.length();
			for (String part : this.parts) {
				int at = path.indexOf(part, from);
				if (at < 0) {
					return false;
				}
				from = at + part.length();
			}
			return true;
		}

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
