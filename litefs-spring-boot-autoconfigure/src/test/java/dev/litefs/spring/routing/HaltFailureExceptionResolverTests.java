package dev.litefs.spring.routing;

import java.time.Duration;

import dev.litefs.spring.halt.LiteFsHaltException;
import dev.litefs.spring.halt.LiteFsHaltException.Reason;
import org.junit.jupiter.api.Test;

import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.web.servlet.ModelAndView;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Unit tests of {@link HaltFailureExceptionResolver}: a failed halted write is a
 * {@code 503} naming its reason.
 */
class HaltFailureExceptionResolverTests {

	private final HaltFailureExceptionResolver resolver = new HaltFailureExceptionResolver("node-b",
			Duration.ofSeconds(2));

	private final MockHttpServletRequest request = new MockHttpServletRequest("POST", "/posts");

	private final MockHttpServletResponse response = new MockHttpServletResponse();

	@Test
	void aFailedHaltedWriteIsA503WithItsReasonAndRetryAfter() throws Exception {
		this.response.setHeader("X-Partial", "yes");
		ModelAndView answer = resolve(new IllegalStateException(
				new LiteFsHaltException(Reason.REFUSED, "LiteFS refused the HALT lock", null)));
		assertThat(answer).isNotNull();
		assertThat(this.response.getStatus()).isEqualTo(503);
		assertThat(this.response.getContentType()).isEqualTo("application/problem+json");
		assertThat(this.response.getHeader("Retry-After")).isEqualTo("2");
		assertThat(this.response.getHeader("X-Partial")).isNull();
		assertThat(this.response.getContentAsString()).contains("\"title\":\"Halted write failed\"")
			.contains("\"detail\":\"LiteFS refused the HALT lock\"")
			.contains("\"node\":\"node-b\"")
			.contains("\"reason\":\"refused\"");
	}

	@Test
	void aBlockThatHeldTheLockTooLongIsNotToBeRetried() throws Exception {
		resolve(new LiteFsHaltException(Reason.HOLD_EXCEEDED, "held too long", null));
		assertThat(this.response.getStatus()).isEqualTo(503);
		assertThat(this.response.getHeader("Retry-After")).isNull();
		assertThat(this.response.getContentAsString()).contains("\"reason\":\"hold-exceeded\"");
	}

	@Test
	void otherFailuresAreNotItsToAnswer() {
		assertThat(resolve(new NotPrimaryException(dev.litefs.spring.node.NodeRole.REPLICA, "node-a", "create")))
			.isNull();
		assertThat(resolve(new IllegalStateException("no"))).isNull();
		assertThat(this.response.getStatus()).isEqualTo(200);
	}

	@Test
	void aCommittedResponseIsLeftAlone() throws Exception {
		this.response.getWriter().write("partial");
		this.response.flushBuffer();
		assertThat(resolve(new LiteFsHaltException(Reason.BUSY, "busy", null))).isNull();
		assertThat(this.response.getContentAsString()).isEqualTo("partial");
	}

	private ModelAndView resolve(Exception ex) {
		return this.resolver.resolveException(this.request, this.response, null, ex);
	}

}
