package dev.litefs.spring.consistency;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import dev.litefs.spring.internal.PrimaryRequests;
import jakarta.servlet.http.HttpServletResponse;
import org.junit.jupiter.api.Test;

import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Unit tests of {@link WriteConfirmingResponse}: the confirmation runs once, for a request
 * that ensured the primary, at whichever moment its response commits and before anything
 * of it reaches the client; an answer the confirmation gives instead replaces the
 * application's.
 */
class WriteConfirmingResponseTests {

	private final MockHttpServletRequest request = new MockHttpServletRequest("POST", "/posts");

	private final MockHttpServletResponse target = new MockHttpServletResponse();

	/** What the response held, and the status passed, at each confirmation. */
	private final List<String> confirmations = new ArrayList<>();

	private boolean answerInstead;

	private WriteConfirmingResponse response() {
		return new WriteConfirmingResponse(this.request, this.target, (request, response, status) -> {
			MockHttpServletResponse mock = (MockHttpServletResponse) response;
			this.confirmations.add(status + ":" + mock.getContentAsByteArray().length + ":" + mock.isCommitted());
			if (this.answerInstead) {
				try {
					response.getOutputStream().write("instead".getBytes(StandardCharsets.UTF_8));
				}
				catch (IOException ex) {
					throw new IllegalStateException(ex);
				}
				return false;
			}
			response.addHeader("Set-Cookie", "__txid=0000000000000001");
			return true;
		});
	}

	@Test
	void confirmsOnceAtTheFirstByteBeforeItReachesTheClient() throws IOException {
		PrimaryRequests.markEnsured(this.request);
		WriteConfirmingResponse response = response();
		response.setStatus(201);
		response.getOutputStream().write("{".getBytes(StandardCharsets.UTF_8));
		response.getOutputStream().write('}');
		response.getOutputStream().flush();
		assertThat(this.confirmations).containsExactly("201:0:false");
		assertThat(this.target.getContentAsString()).isEqualTo("{}");
		assertThat(this.target.getHeader("Set-Cookie")).isEqualTo("__txid=0000000000000001");
	}

	@Test
	void confirmsAtTheFirstCharacterOfTheWriter() throws IOException {
		PrimaryRequests.markEnsured(this.request);
		WriteConfirmingResponse response = response();
		response.getWriter().write("page");
		response.getWriter().flush();
		assertThat(this.confirmations).containsExactly("200:0:false");
		assertThat(this.target.getContentAsString()).isEqualTo("page");
	}

	@Test
	void confirmsAtTheEndOfARequestThatWroteNothing() {
		PrimaryRequests.markEnsured(this.request);
		WriteConfirmingResponse response = response();
		response.setStatus(204);
		assertThat(response.beforeCommit()).isTrue();
		assertThat(response.beforeCommit()).isTrue();
		assertThat(this.confirmations).containsExactly("204:0:false");
	}

	@Test
	void confirmsARedirectAndAnErrorWithTheirStatus() throws IOException {
		PrimaryRequests.markEnsured(this.request);
		response().sendRedirect("/posts/1");
		assertThat(this.confirmations).containsExactly("302:0:false");
		assertThat(this.target.getRedirectedUrl()).isEqualTo("/posts/1");
		this.confirmations.clear();
		MockHttpServletResponse failed = new MockHttpServletResponse();
		new WriteConfirmingResponse(this.request, failed, (request, response, status) -> this.confirmations
			.add(Integer.toString(status))).sendError(HttpServletResponse.SC_CONFLICT);
		assertThat(this.confirmations).containsExactly("409");
		assertThat(failed.getStatus()).isEqualTo(409);
	}

	@Test
	void confirmsOnFlushBuffer() throws IOException {
		PrimaryRequests.markEnsured(this.request);
		response().flushBuffer();
		assertThat(this.confirmations).containsExactly("200:0:false");
		assertThat(this.target.isCommitted()).isTrue();
	}

	@Test
	void leavesARequestThatDidNotEnsureThePrimaryAlone() throws IOException {
		WriteConfirmingResponse response = response();
		response.getOutputStream().write("read".getBytes(StandardCharsets.UTF_8));
		response.sendError(404);
		assertThat(response.beforeCommit()).isTrue();
		assertThat(this.confirmations).isEmpty();
		assertThat(this.target.getHeader("Set-Cookie")).isNull();
	}

	@Test
	void dropsTheApplicationsOutputOnceTheConfirmationAnsweredInstead() throws IOException {
		PrimaryRequests.markEnsured(this.request);
		this.answerInstead = true;
		WriteConfirmingResponse response = response();
		response.getOutputStream().write("application".getBytes(StandardCharsets.UTF_8));
		response.getOutputStream().flush();
		response.sendRedirect("/elsewhere");
		response.sendError(500);
		response.flushBuffer();
		assertThat(response.beforeCommit()).isFalse();
		assertThat(this.confirmations).hasSize(1);
		assertThat(this.target.getContentAsString()).isEqualTo("instead");
		assertThat(this.target.getRedirectedUrl()).isNull();
		assertThat(this.target.getStatus()).isEqualTo(200);
	}

	@Test
	void aResponseAlreadyCommittedIsNotConfirmed() throws IOException {
		PrimaryRequests.markEnsured(this.request);
		this.target.setCommitted(true);
		WriteConfirmingResponse response = response();
		assertThat(response.beforeCommit()).isTrue();
		assertThat(this.confirmations).isEmpty();
	}

}
