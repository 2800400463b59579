package dev.litefs.spring.session;

import java.time.Duration;

import dev.litefs.spring.halt.LiteFsHaltException;
import dev.litefs.spring.halt.LiteFsHaltException.Reason;
import org.junit.jupiter.api.Test;

import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Unit tests of {@link SessionWriteFilter}: what a request whose session change could
 * not reach the primary is answered.
 */
class SessionWriteFilterTests {

	private final SessionWriteFilter filter = new SessionWriteFilter("node-b", null, Duration.ofSeconds(2));

	private final MockHttpServletRequest request = new MockHttpServletRequest("POST", "/login");

	private final MockHttpServletResponse response = new MockHttpServletResponse();

	@Test
	void aSessionChangeThatCouldNotReachThePrimaryIsA503() throws Exception {
		this.filter.doFilter(this.request, this.response, (request, response) -> {
			throw new IllegalStateException(new LiteFsHaltException(Reason.REFUSED, "LiteFS refused the HALT lock", null));
		});
		assertThat(this.response.getStatus()).isEqualTo(503);
		assertThat(this.response.getHeader("Retry-After")).isEqualTo("2");
		assertThat(this.response.getContentAsString()).contains("Session change not saved")
			.contains("\"reason\":\"refused\"");
	}

	@Test
	void anotherFailureGoesOnItsWayEvenWhenItsCausesLoop() {
		IllegalStateException outer = new IllegalStateException("outer");
		IllegalArgumentException inner = new IllegalArgumentException("inner", outer);
		outer.initCause(inner);
		assertThatIllegalStateException().isThrownBy(() -> assertTimeoutPreemptively(Duration.ofSeconds(5),
				() -> this.filter.doFilter(this.request, this.response, (request, response) -> {
					throw outer;
				})))
			.isSameAs(outer);
		assertThat(this.response.getStatus()).isEqualTo(200);
	}

}
