package dev.litefs.spring.test.autoconfigure;

import java.nio.charset.StandardCharsets;

import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.assertj.MockMvcTester;
import org.springframework.test.web.servlet.assertj.MvcTestResult;
import org.springframework.test.web.servlet.client.ExchangeResult;
import org.springframework.web.context.WebApplicationContext;
import org.springframework.web.servlet.support.RequestContextUtils;

/**
 * AssertJ entry points for what a LiteFS node answered: replayed, forwarded, refused as
 * not primary, a {@code __txid} cookie, a wait for a TXID.
 * <pre class="code">
 * assertThat(mvc.post().uri("/posts")).wasReplayedTo("node-a");
 * assertThat(restTestClient.get().uri("/").exchange().returnResult(), recorder).waitedForTxid(9);
 * </pre>
 * What a client can see (status, headers, body) is read from the answer; what it cannot
 * (a forward, a wait) from the node's {@link LiteFsRecorder}: a MockMvc result finds it
 * in its application context, other answers are given it.
 *
 * @since 0.2.0
 */
public final class LiteFsAssertions {

	private LiteFsAssertions() {
	}

	/**
	 * Performs a request of {@code MockMvcTester} and makes assertions on its answer.
	 * @param request the request
	 * @return the assertions
	 */
	public static LiteFsResponseAssert assertThat(MockMvcTester.MockMvcRequestBuilder request) {
		return assertThat(request.exchange());
	}

	/**
	 * Assertions on an answer of {@code MockMvcTester}.
	 * @param result the result
	 * @return the assertions
	 */
	public static LiteFsResponseAssert assertThat(MvcTestResult result) {
		if (result.getUnresolvedException() != null) {
			throw new AssertionError("The request failed with an exception the application did not answer",
					result.getUnresolvedException());
		}
		MvcResult mvc = result.getMvcResult();
		MockHttpServletResponse response = mvc.getResponse();
		HttpHeaders headers = new HttpHeaders();
		for (String name : response.getHeaderNames()) {
			headers.addAll(name, response.getHeaders(name));
		}
		HttpServletRequest request = mvc.getRequest();
		return new LiteFsResponseAssert(new LiteFsResponseAssert.Answer(response.getStatus(), headers,
				response.getContentAsByteArray(), request.getMethod(), request.getRequestURI(), recorderOf(request)));
	}

	/**
	 * Assertions on an answer of {@code RestTestClient} ({@code exchange().returnResult()}),
	 * without a recorder: {@code wasForwarded()} and {@code waitedForTxid()} need
	 * {@link #assertThat(ExchangeResult, LiteFsRecorder)}.
	 * @param result the result
	 * @return the assertions
	 */
	public static LiteFsResponseAssert assertThat(ExchangeResult result) {
		return assertThat(result, null);
	}

	/**
	 * Assertions on an answer of {@code RestTestClient}, with the recorder of the node
	 * that answered.
	 * @param result the result
	 * @param recorder the node's recorder
	 * @return the assertions
	 */
	public static LiteFsResponseAssert assertThat(ExchangeResult result, @Nullable LiteFsRecorder recorder) {
		return new LiteFsResponseAssert(new LiteFsResponseAssert.Answer(result.getStatus().value(),
				result.getResponseHeaders(), result.getResponseBodyContent(), result.getMethod().name(),
				result.getUrl().getRawPath(), recorder));
	}

	/**
	 * Assertions on a {@link ResponseEntity}, e.g. of {@code TestRestTemplate}, without a
	 * recorder.
	 * @param response the response
	 * @return the assertions
	 */
	public static LiteFsResponseAssert assertThat(ResponseEntity<?> response) {
		return assertThat(response, null);
	}

	/**
	 * Assertions on a {@link ResponseEntity}, with the recorder of the node that answered;
	 * an entity names no request, so the node's latest routed request is the one asserted.
	 * @param response the response, its body a {@code String} or {@code byte[]} when it is
	 * read
	 * @param recorder the node's recorder
	 * @return the assertions
	 */
	public static LiteFsResponseAssert assertThat(ResponseEntity<?> response, @Nullable LiteFsRecorder recorder) {
		Object body = response.getBody();
		byte[] bytes = (body instanceof byte[] raw) ? raw
				: (body != null) ? body.toString().getBytes(StandardCharsets.UTF_8) : new byte[0];
		return new LiteFsResponseAssert(new LiteFsResponseAssert.Answer(response.getStatusCode().value(),
				response.getHeaders(), bytes, null, null, recorder));
	}

	private static @Nullable LiteFsRecorder recorderOf(HttpServletRequest request) {
		WebApplicationContext context = RequestContextUtils.findWebApplicationContext(request);
		if (context == null) {
			return null;
		}
		return context.getBeanProvider(LiteFsRecorder.class).getIfAvailable();
	}

}
