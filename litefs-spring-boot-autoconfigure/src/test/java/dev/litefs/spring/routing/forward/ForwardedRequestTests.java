package dev.litefs.spring.routing.forward;

import java.net.URI;

import dev.litefs.spring.internal.PrimaryRequests;
import org.junit.jupiter.api.Test;

import org.springframework.http.HttpHeaders;
import org.springframework.mock.web.MockHttpServletRequest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Unit tests of {@link ForwardedRequest}: the URL and headers sent to the primary.
 */
class ForwardedRequestTests {

	private final MockHttpServletRequest request = new MockHttpServletRequest("POST", "/posts/1");

	@Test
	void theUrlIsThePrimarysWithThePathAndQuery() {
		this.request.setQueryString("a=1&b=%20");
		assertThat(ForwardedRequest.uri(this.request, "http://node-a:8080"))
			.isEqualTo(URI.create("http://node-a:8080/posts/1?a=1&b=%20"));
		this.request.setQueryString(null);
		assertThat(ForwardedRequest.uri(this.request, "http://node-a:8080"))
			.isEqualTo(URI.create("http://node-a:8080/posts/1"));
	}

	@Test
	void aQueryNoUrlCanHoldIsNoUrl() {
		this.request.setQueryString("q=%zz");
		assertThat(ForwardedRequest.uri(this.request, "http://node-a:8080")).isNull();
	}

	@Test
	void headersAreSentButHopByHopOnesThoseConnectionNamesAndTheHost() {
		this.request.addHeader("Host", "app.example");
		this.request.addHeader("X-Custom", "kept");
		this.request.addHeader("Accept", "text/plain");
		this.request.addHeader("Accept", "application/json");
		this.request.addHeader("Keep-Alive", "timeout=5");
		this.request.addHeader("Transfer-Encoding", "chunked");
		this.request.addHeader("Connection", "close, X-Per-Hop");
		this.request.addHeader("X-Per-Hop", "dropped");
		this.request.addHeader(PrimaryForwarder.HOP_HEADER, "forged");
		HttpHeaders headers = ForwardedRequest.headers(this.request, null, "node-b");
		assertThat(headers.get("X-Custom")).containsExactly("kept");
		assertThat(headers.get("Accept")).containsExactly("text/plain", "application/json");
		assertThat(headers.containsHeader("Host")).isFalse();
		assertThat(headers.containsHeader("Keep-Alive")).isFalse();
		assertThat(headers.containsHeader("Transfer-Encoding")).isFalse();
		assertThat(headers.containsHeader("Connection")).isFalse();
		assertThat(headers.containsHeader("X-Per-Hop")).isFalse();
		assertThat(headers.get(PrimaryForwarder.HOP_HEADER)).containsExactly("node-b");
	}

	@Test
	void aRequestWithoutAcceptAsksForAnyTypeOutright() {
		// else the client's own default goes (HttpURLConnection's puts text/html first), and the
		// primary answers an API client that asked for nothing with an HTML error page
		HttpHeaders headers = ForwardedRequest.headers(this.request, null, "node-b");
		assertThat(headers.get("Accept")).containsExactly("*/*");
	}

	@Test
	void aValueWithAControlCharacterIsNotSent() {
		this.request.addHeader("X-Bad", "a\u0001b");
		this.request.addHeader("X-Tab", "a\tb");
		HttpHeaders headers = ForwardedRequest.headers(this.request, null, "node-b");
		assertThat(headers.containsHeader("X-Bad")).isFalse();
		assertThat(headers.get("X-Tab")).containsExactly("a\tb");
	}

	@Test
	void forwardingHeadersAreAddedOrExtended() {
		this.request.setRemoteAddr("10.0.0.9");
		this.request.setScheme("https");
		this.request.addHeader("Host", "app.example");
		HttpHeaders headers = ForwardedRequest.headers(this.request, null, "node-b");
		assertThat(headers.get("X-Forwarded-For")).containsExactly("10.0.0.9");
		assertThat(headers.get("X-Forwarded-Proto")).containsExactly("https");
		assertThat(headers.get("X-Forwarded-Host")).containsExactly("app.example");

		MockHttpServletRequest proxied = new MockHttpServletRequest("POST", "/posts");
		proxied.setRemoteAddr("10.0.0.9");
		proxied.addHeader("Host", "internal");
		proxied.addHeader("X-Forwarded-For", "203.0.113.7");
		proxied.addHeader("X-Forwarded-Proto", "https");
		proxied.addHeader("X-Forwarded-Host", "app.example");
		HttpHeaders extended = ForwardedRequest.headers(proxied, null, "node-b");
		assertThat(extended.get("X-Forwarded-For")).containsExactly("203.0.113.7, 10.0.0.9");
		assertThat(extended.get("X-Forwarded-Proto")).containsExactly("https");
		assertThat(extended.get("X-Forwarded-Host")).containsExactly("app.example");
	}

	@Test
	void theBodysLengthIsSentAndAWriteSqliteRefusedIsMarked() {
		this.request.addHeader("Content-Length", "999");
		PrimaryRequests.markRefusedWrite(this.request);
		HttpHeaders headers = ForwardedRequest.headers(this.request, new byte[] { 1, 2, 3 }, "node-b");
		assertThat(headers.getContentLength()).isEqualTo(3);
		assertThat(headers.get(PrimaryRequests.REFUSED_WRITE_HEADER)).containsExactly("1");
		assertThat(ForwardedRequest.headers(new MockHttpServletRequest("POST", "/"), new byte[0], "node-b")
			.containsHeader(HttpHeaders.CONTENT_LENGTH)).isFalse();
	}

	@Test
	void headersFitUnlessTheyAreOverThePrimarysLimitWithRoomForTheClients() {
		URI uri = URI.create("http://node-a:8080/posts?x=1");
		HttpHeaders headers = new HttpHeaders();
		headers.add("X-Big", "x".repeat(500));
		// POST /posts?x=1 HTTP/1.1, X-Big, Host and the blank line: 688 bytes with 128 to spare
		long needed = "POST /posts?x=1 HTTP/1.1\r\n".length() + "X-Big: ".length() + 500 + 2
				+ "Host: node-a:8080\r\n".length() + 2 + 128;
		assertThat(ForwardedRequest.fits("POST", uri, headers, needed)).isTrue();
		assertThat(ForwardedRequest.fits("POST", uri, headers, needed - 1)).isFalse();
		assertThat(ForwardedRequest.fits("POST", uri, headers, 0)).isTrue();
	}

}
