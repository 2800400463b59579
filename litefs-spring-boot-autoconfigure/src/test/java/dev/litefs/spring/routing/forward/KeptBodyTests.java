package dev.litefs.spring.routing.forward;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import org.junit.jupiter.api.Test;

import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.util.StreamUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Unit tests of {@link KeptBody}: what a node keeps of a body the application read, and
 * what it says when it could not.
 */
class KeptBodyTests {

	@Test
	void aBodyTheApplicationReadPartOfIsKeptWhole() throws IOException {
		HttpServletRequest kept = KeptBody.keep(post("hello, primary"), 100);
		assertThat(kept.getInputStream().readNBytes(5)).asString(StandardCharsets.UTF_8).isEqualTo("hello");
		KeptBody body = KeptBody.of(kept);
		assertThat(body.kind()).isEqualTo(KeptBody.Kind.KEPT);
		assertThat(body.bytes()).asString(StandardCharsets.UTF_8).isEqualTo("hello, primary");
	}

	@Test
	void aBodyTheApplicationNeverReadIsKeptWhole() throws IOException {
		KeptBody body = KeptBody.of(KeptBody.keep(post("unread"), 100));
		assertThat(body.kind()).isEqualTo(KeptBody.Kind.KEPT);
		assertThat(body.bytes()).asString(StandardCharsets.UTF_8).isEqualTo("unread");
	}

	@Test
	void aBodyReadThroughTheReaderIsKeptWhole() throws IOException {
		HttpServletRequest kept = KeptBody.keep(post("by the reader"), 100);
		assertThat(StreamUtils.copyToString(new ReaderStream(kept), StandardCharsets.UTF_8)).isEqualTo("by the reader");
		KeptBody body = KeptBody.of(kept);
		assertThat(body.kind()).isEqualTo(KeptBody.Kind.KEPT);
		assertThat(body.bytes()).asString(StandardCharsets.UTF_8).isEqualTo("by the reader");
	}

	@Test
	void noBodyIsNone() throws IOException {
		MockHttpServletRequest request = new MockHttpServletRequest("POST", "/posts");
		assertThat(KeptBody.keep(request, 100)).isSameAs(request);
		assertThat(KeptBody.of(request).kind()).isEqualTo(KeptBody.Kind.NONE);
		assertThat(KeptBody.of(request).bytes()).isNull();
	}

	@Test
	void aBodyWhoseLengthIsOverTheLimitIsOnlyMarkedTooLarge() throws IOException {
		MockHttpServletRequest request = post("0123456789");
		assertThat(KeptBody.keep(request, 9)).isSameAs(request);
		assertThat(KeptBody.of(request).kind()).isEqualTo(KeptBody.Kind.TOO_LARGE);
	}

	@Test
	void aChunkedBodyThatOutgrowsTheLimitIsTooLarge() throws IOException {
		HttpServletRequest request = new UnknownLength(post("0123456789abcdef"));
		KeptBody body = KeptBody.of(KeptBody.keep(request, 8));
		assertThat(body.kind()).isEqualTo(KeptBody.Kind.TOO_LARGE);
		assertThat(body.bytes()).isNull();
	}

	@Test
	void aChunkedBodyWithinTheLimitIsKept() throws IOException {
		KeptBody body = KeptBody.of(KeptBody.keep(new UnknownLength(post("chunked")), 100));
		assertThat(body.kind()).isEqualTo(KeptBody.Kind.KEPT);
		assertThat(body.bytes()).asString(StandardCharsets.UTF_8).isEqualTo("chunked");
	}

	@Test
	void aStrategyThatNeverNeedsTheBodyKeepsNone() throws IOException {
		MockHttpServletRequest request = post("body");
		assertThat(KeptBody.keep(request, -1)).isSameAs(request);
		assertThat(KeptBody.of(request).kind()).isEqualTo(KeptBody.Kind.UNKNOWN);
	}

	@Test
	void aMultipartBodyIsNotKept() throws IOException {
		MockHttpServletRequest request = post("--b\r\n\r\nx\r\n--b--");
		request.setContentType("multipart/form-data; boundary=b");
		assertThat(KeptBody.keep(request, 100)).isSameAs(request);
		assertThat(KeptBody.of(request).kind()).isEqualTo(KeptBody.Kind.UNKNOWN);
	}

	@Test
	void aFormTheContainerParsedIsKeptAsItsParameters() throws IOException {
		KeptBody body = KeptBody.of(KeptBody.keep(parsedForm(null), 100));
		assertThat(body.kind()).isEqualTo(KeptBody.Kind.KEPT);
		assertThat(body.bytes()).asString(StandardCharsets.UTF_8).isEqualTo("title=tea&tag=green");
	}

	@Test
	void aFormTheContainerParsedWithAQueryStringIsUnknown() throws IOException {
		assertThat(KeptBody.of(KeptBody.keep(parsedForm("page=2"), 100)).kind()).isEqualTo(KeptBody.Kind.UNKNOWN);
	}

	private static MockHttpServletRequest post(String body) {
		MockHttpServletRequest request = new MockHttpServletRequest("POST", "/posts");
		request.setContentType("text/plain");
		request.setContent(body.getBytes(StandardCharsets.UTF_8));
		return request;
	}

	/**
	 * A form whose body the container read to parse its parameters: the stream is empty,
	 * the length is the body's.
	 */
	private static HttpServletRequest parsedForm(String query) {
		MockHttpServletRequest request = new MockHttpServletRequest("POST", "/posts");
		request.setContentType("application/x-www-form-urlencoded");
		request.setQueryString(query);
		request.addParameter("title", "tea");
		request.addParameter("tag", "green");
		return new HttpServletRequestWrapper(request) {

			@Override
			public long getContentLengthLong() {
				return "title=tea&tag=green".length();
			}

			@Override
			public int getContentLength() {
				return "title=tea&tag=green".length();
			}

		};
	}

	/** A chunked request: no {@code Content-Length}, a {@code Transfer-Encoding}. */
	private static final class UnknownLength extends HttpServletRequestWrapper {

		UnknownLength(MockHttpServletRequest request) {
			super(request);
			request.addHeader("Transfer-Encoding", "chunked");
		}

		@Override
		public long getContentLengthLong() {
			return -1;
		}

		@Override
		public int getContentLength() {
			return -1;
		}

	}

	/** Reads a request through its reader, as an application may. */
	private static final class ReaderStream extends InputStream {

		private final java.io.BufferedReader reader;

		ReaderStream(HttpServletRequest request) throws IOException {
			this.reader = request.getReader();
		}

		@Override
		public int read() throws IOException {
			return this.reader.read();
		}

	}

}
