package dev.litefs.spring.routing.forward;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponseWrapper;
import org.junit.jupiter.api.Test;

import org.springframework.http.HttpStatus;
import org.springframework.mock.http.client.MockClientHttpResponse;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Unit tests of {@link ForwardedAnswer}: the primary's answer as the client gets it.
 */
class ForwardedAnswerTests {

	private static final String BASE = "http://node-a:8080";

	private final MockHttpServletRequest request = new MockHttpServletRequest("POST", "/posts");

	private final MockHttpServletResponse response = new MockHttpServletResponse();

	@Test
	void theStatusHeadersAndBodyArePassedOnButHopByHopHeaders() throws IOException {
		MockClientHttpResponse answer = new MockClientHttpResponse("created".getBytes(StandardCharsets.UTF_8),
				HttpStatus.CREATED);
		answer.getHeaders().add("Set-Cookie", "__txid=7");
		answer.getHeaders().add("Set-Cookie", "session=s");
		answer.getHeaders().add("X-Custom", "kept");
		answer.getHeaders().add("Connection", "keep-alive, X-Per-Hop");
		answer.getHeaders().add("X-Per-Hop", "dropped");
		answer.getHeaders().add("Keep-Alive", "timeout=5");
		answer.getHeaders().setContentLength(7);
		assertThat(copy(answer)).isEqualTo(ForwardResult.FORWARDED);
		assertThat(this.response.getStatus()).isEqualTo(201);
		assertThat(this.response.getHeaders("Set-Cookie")).containsExactly("__txid=7", "session=s");
		assertThat(this.response.getHeader("X-Custom")).isEqualTo("kept");
		assertThat(this.response.getHeader("X-Per-Hop")).isNull();
		assertThat(this.response.getHeader("Keep-Alive")).isNull();
		assertThat(this.response.getHeader("Connection")).isNull();
		assertThat(this.response.getContentLengthLong()).isEqualTo(7);
		assertThat(this.response.getContentAsString()).isEqualTo("created");
	}

	@Test
	void aLocationAtThePrimaryPointsAtTheAddressTheClientCalled() throws IOException {
		this.request.addHeader("Host", "app.example");
		this.request.setScheme("https");
		assertThat(location(BASE + "/posts/1")).isEqualTo("https://app.example/posts/1");
		assertThat(location("HTTP://NODE-A:8080?x=1")).isEqualTo("https://app.example?x=1");
		assertThat(location(BASE)).isEqualTo("https://app.example");
		assertThat(location(BASE + "1/posts")).isEqualTo(BASE + "1/posts");
		assertThat(location("https://elsewhere.example/x")).isEqualTo("https://elsewhere.example/x");
		assertThat(location("/posts/1")).isEqualTo("/posts/1");
	}

	@Test
	void anAnswerCutShortBeforeAnyOfItReachedTheClientIsAFailureWithNothingWritten() throws IOException {
		MockClientHttpResponse answer = new MockClientHttpResponse(failingAfter(new byte[0]), HttpStatus.OK);
		answer.getHeaders().add("X-Custom", "kept");
		assertThat(copy(answer)).isEqualTo(ForwardResult.FAILED);
		assertThat(this.response.isCommitted()).isFalse();
		assertThat(this.response.getStatus()).isEqualTo(200);
		assertThat(this.response.getHeader("X-Custom")).isNull();
	}

	@Test
	void anAnswerCutShortOnceTheResponseTimeoutIsOverIsATimeout() throws IOException {
		ForwardedAnswer late = new ForwardedAnswer(this.request, this.response, BASE, Duration.ofSeconds(1),
				System.nanoTime() - Duration.ofSeconds(2).toNanos());
		assertThat(late.copy(new MockClientHttpResponse(failingAfter(new byte[0]), HttpStatus.OK)))
			.isEqualTo(ForwardResult.TIMEOUT);
	}

	@Test
	void anAnswerCutShortAfterPartOfItReachedTheClientAbortsTheConnection() {
		MockClientHttpResponse answer = new MockClientHttpResponse(failingAfter("data: 1\n\n".getBytes()),
				HttpStatus.OK);
		assertThatExceptionOfType(PrimaryForwarder.AnswerCutShortException.class).isThrownBy(() -> copy(answer))
			.withMessageContaining("was cut short");
		assertThat(this.response.isCommitted()).isTrue();
	}

	@Test
	void aClientThatLeftIsNoFailure() throws IOException {
		HttpServletResponseWrapper gone = new HttpServletResponseWrapper(this.response) {

			@Override
			public ServletOutputStream getOutputStream() {
				return new ServletOutputStream() {

					@Override
					public void write(int b) throws IOException {
						throw new IOException("Broken pipe");
					}

					@Override
					public boolean isReady() {
						return true;
					}

					@Override
					public void setWriteListener(WriteListener listener) {
					}

				};
			}

		};
		ForwardedAnswer answer = new ForwardedAnswer(this.request, gone, BASE, Duration.ofSeconds(5), System.nanoTime());
		assertThat(answer.copy(new MockClientHttpResponse("body".getBytes(), HttpStatus.OK)))
			.isEqualTo(ForwardResult.FORWARDED);
	}

	private ForwardResult copy(MockClientHttpResponse answer) throws IOException {
		return new ForwardedAnswer(this.request, this.response, BASE, Duration.ofSeconds(5), System.nanoTime())
			.copy(answer);
	}

	private String location(String location) throws IOException {
		MockHttpServletResponse response = new MockHttpServletResponse();
		MockClientHttpResponse answer = new MockClientHttpResponse(new byte[0], HttpStatus.SEE_OTHER);
		answer.getHeaders().add("Location", location);
		new ForwardedAnswer(this.request, response, BASE, Duration.ofSeconds(5), System.nanoTime()).copy(answer);
		return response.getHeader("Location");
	}

	/** A body that gives some bytes, then breaks off. */
	private static InputStream failingAfter(byte[] bytes) {
		return new InputStream() {

			private final InputStream first = new ByteArrayInputStream(bytes);

			@Override
			public int read() throws IOException {
				int read = this.first.read();
				if (read < 0) {
					throw new IOException("Connection reset");
				}
				return read;
			}

			@Override
			public int read(byte[] buffer, int offset, int length) throws IOException {
				int read = this.first.read(buffer, offset, length);
				if (read <= 0) {
					throw new IOException("Connection reset");
				}
				return read;
			}

			@Override
			public int available() throws IOException {
				return this.first.available();
			}

		};
	}

}
