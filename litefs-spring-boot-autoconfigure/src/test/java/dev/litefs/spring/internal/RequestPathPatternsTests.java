package dev.litefs.spring.internal;

import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.http.server.PathContainer;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.web.util.ServletRequestPathUtils;
import org.springframework.web.util.pattern.PathPatternParser;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The exclude patterns of the starter's filters, matched against the path within the
 * application, reusing a path an earlier filter kept on the request and keeping none.
 */
class RequestPathPatternsTests {

	private final RequestPathPatterns patterns = new RequestPathPatterns(List.of("/actuator/**", "/api/{id}/raw"));

	@Test
	void matchesThePathWithinTheApplication() {
		MockHttpServletRequest request = new MockHttpServletRequest("GET", "/app/actuator/health");
		request.setContextPath("/app");

		assertThat(this.patterns.matches(request)).isTrue();
		assertThat(this.patterns.matches(new MockHttpServletRequest("GET", "/api/7/raw"))).isTrue();
		assertThat(this.patterns.matches(new MockHttpServletRequest("GET", "/api/7"))).isFalse();
	}

	@Test
	void keepsNoParsedPathOnTheRequest() {
		MockHttpServletRequest request = new MockHttpServletRequest("GET", "/actuator/health");

		this.patterns.matches(request);

		// a later dispatch of the same request (an error page, a forward) has another path
		assertThat(ServletRequestPathUtils.hasParsedRequestPath(request)).isFalse();
	}

	@Test
	void reusesAPathAnEarlierFilterKept() {
		MockHttpServletRequest request = new MockHttpServletRequest("GET", "/actuator/health");
		ServletRequestPathUtils.parseAndCache(request);
		// the kept parse is what counts, as for Spring MVC's own matching
		request.setRequestURI("/elsewhere");

		assertThat(this.patterns.matches(request)).isTrue();
	}

	/**
	 * Most paths are ruled out by the patterns' literal parts without being parsed: the
	 * answer must be Spring's own matching, for a path ruled out and for one that is not
	 * (a trailing wildcard matching nothing, literals after a wildcard, a regular
	 * expression's braces, encoded characters, path parameters).
	 */
	@ParameterizedTest(name = "{0} {1}")
	@MethodSource("patternsAndPaths")
	void answersAsSpringsOwnMatchingDoes(String pattern, String path) {
		boolean spring = PathPatternParser.defaultInstance.parse(pattern)
			.matches(PathContainer.parsePath(path).subPath(0));

		assertThat(new RequestPathPatterns(List.of(pattern)).matches(new MockHttpServletRequest("GET", path)))
			.as("%s against %s", pattern, path)
			.isEqualTo(spring);
	}

	static Stream<String[]> patternsAndPaths() {
		List<String> patterns = List.of("/actuator/**", "/api/{id}/raw", "/api/v{version}/posts", "/static/*.css",
				"/health", "/{*rest}", "/files/{*path}", "/a?c", "/*/icon-*", "/**/b", "/api/{id:\\d{2}}/raw",
				"/**/*.css");
		List<String> paths = List.of("/actuator", "/actuator/", "/actuator/health", "/actuatorx", "/act%75ator/health",
				"/actuator;v=1/health", "/api/7/raw", "/api/7", "/api/v2/posts", "/api/x/posts", "/static/site.css",
				"/static/site.js", "/health", "/health/", "/healthz", "/files", "/files/a/b", "/abc", "/ac", "/", "",
				"/site/icon-192.png", "/icon-1", "/site/ic%6Fn-1", "/a/b", "/a/x/y/b", "/a/bc", "/ab", "/api/12/raw",
				"/static/x/site.css", "/static/site.css/x");
		return patterns.stream().flatMap((pattern) -> paths.stream().map((path) -> new String[] { pattern, path }));
	}

	@Test
	void noPatternsMatchNothing() {
		assertThat(new RequestPathPatterns(List.of()).matches(new MockHttpServletRequest("GET", "/"))).isFalse();
	}

}
