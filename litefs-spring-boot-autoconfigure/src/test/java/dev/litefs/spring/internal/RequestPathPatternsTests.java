package dev.litefs.spring.internal;

import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.web.util.ServletRequestPathUtils;

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

	@Test
	void noPatternsMatchNothing() {
		assertThat(new RequestPathPatterns(List.of()).matches(new MockHttpServletRequest("GET", "/"))).isFalse();
	}

}
