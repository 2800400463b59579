package dev.litefs.spring.routing.forward;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.web.client.MockRestServiceServer;
import org.springframework.util.unit.DataSize;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.client.match.MockRestRequestMatchers.content;
import static org.springframework.test.web.client.match.MockRestRequestMatchers.header;
import static org.springframework.test.web.client.match.MockRestRequestMatchers.method;
import static org.springframework.test.web.client.match.MockRestRequestMatchers.requestTo;
import static org.springframework.test.web.client.response.MockRestResponseCreators.withException;
import static org.springframework.test.web.client.response.MockRestResponseCreators.withStatus;
import static org.springframework.test.web.client.response.MockRestResponseCreators.withSuccess;

/**
 * Unit tests of {@link PrimaryForwarder}: one exchange with the primary, on Spring's
 * {@code MockRestServiceServer}.
 */
class PrimaryForwarderTests {

	private static final String BASE = "http://node-a:8080";

	private final RestClient.Builder builder = RestClient.builder();

	private final MockRestServiceServer primary = MockRestServiceServer.bindTo(this.builder).build();

	private final AtomicInteger built = new AtomicInteger();

	private PrimaryForwarder forwarder;

	private final MockHttpServletRequest request = new MockHttpServletRequest("POST", "/posts");

	private final MockHttpServletResponse response = new MockHttpServletResponse();

	@BeforeEach
	void forwarder() {
		this.forwarder = forwarder(DataSize.ofKilobytes(8), () -> {
			this.built.incrementAndGet();
			return this.builder.build();
		});
	}

	@Test
	void theRequestGoesToThePrimaryAndItsAnswerBackToTheClient() throws Exception {
		this.request.setQueryString("draft=1");
		this.request.addHeader("Content-Type", "application/json");
		byte[] body = "{\"title\":\"tea\"}".getBytes(StandardCharsets.UTF_8);
		this.primary.expect(requestTo(BASE + "/posts?draft=1"))
			.andExpect(method(HttpMethod.POST))
			.andExpect(header(PrimaryForwarder.HOP_HEADER, "node-b"))
			.andExpect(header("Content-Type", "application/json"))
			.andExpect(content().bytes(body))
			.andRespond(withStatus(HttpStatus.CREATED).header("Set-Cookie", "__txid=9").body("made"));
		assertThat(this.forwarder.forward(this.request, body, this.response, BASE)).isEqualTo(ForwardResult.FORWARDED);
		this.primary.verify();
		assertThat(this.response.getStatus()).isEqualTo(201);
		assertThat(this.response.getHeader("Set-Cookie")).isEqualTo("__txid=9");
		assertThat(this.response.getContentAsString()).isEqualTo("made");
	}

	@Test
	void theClientIsBuiltOnTheFirstForwardOnly() throws Exception {
		assertThat(this.built).hasValue(0);
		this.primary.expect(requestTo(BASE + "/posts")).andRespond(withSuccess());
		this.primary.expect(requestTo(BASE + "/posts")).andRespond(withSuccess());
		this.forwarder.forward(this.request, null, this.response, BASE);
		this.forwarder.forward(this.request, null, new MockHttpServletResponse(), BASE);
		assertThat(this.built).hasValue(1);
	}

	@Test
	void aRequestNoUrlCanHoldIsNeverSent() throws Exception {
		this.request.setQueryString("q=%zz");
		assertThat(this.forwarder.forward(this.request, null, this.response, BASE))
			.isEqualTo(ForwardResult.BAD_REQUEST);
		this.primary.verify();
		assertThat(this.built).hasValue(0);
	}

	@Test
	void headersOverThePrimarysLimitAreNeverSent() throws Exception {
		PrimaryForwarder small = forwarder(DataSize.ofBytes(300), this.builder::build);
		this.request.addHeader("Cookie", "c=" + "x".repeat(200));
		assertThat(small.forward(this.request, null, this.response, BASE))
			.isEqualTo(ForwardResult.HEADERS_TOO_LARGE);
		this.primary.verify();
		assertThat(this.response.getStatus()).isEqualTo(200);
	}

	@Test
	void aPrimaryThatCannotBeReachedIsUnreachableWithNothingWritten() throws Exception {
		this.primary.expect(requestTo(BASE + "/posts")).andRespond(withException(new ConnectException("refused")));
		assertThat(this.forwarder.forward(this.request, null, this.response, BASE))
			.isEqualTo(ForwardResult.UNREACHABLE);
		assertThat(this.response.isCommitted()).isFalse();
	}

	@Test
	void noAnswerInTimeIsATimeout() throws Exception {
		this.primary.expect(requestTo(BASE + "/posts"))
			.andRespond(withException(new SocketTimeoutException("Read timed out")));
		assertThat(this.forwarder.forward(this.request, null, this.response, BASE)).isEqualTo(ForwardResult.TIMEOUT);
	}

	@Test
	void theClientRunsUnderTheStartersClassLoaderAndTheCallersIsRestored() throws Exception {
		ClassLoader webApplication = new URLClassLoader(new URL[0], getClass().getClassLoader());
		AtomicReference<ClassLoader> during = new AtomicReference<>();
		this.primary.expect(requestTo(BASE + "/posts")).andRespond((request) -> {
			during.set(Thread.currentThread().getContextClassLoader());
			return withSuccess().createResponse(request);
		});
		Thread current = Thread.currentThread();
		ClassLoader previous = current.getContextClassLoader();
		current.setContextClassLoader(webApplication);
		try {
			this.forwarder.forward(this.request, null, this.response, BASE);
			assertThat(current.getContextClassLoader()).isSameAs(webApplication);
		}
		finally {
			current.setContextClassLoader(previous);
		}
		assertThat(during.get()).isSameAs(PrimaryForwarder.class.getClassLoader());
	}

	@Test
	void closingItClosesAClientSourceThatHoldsThreads() throws Exception {
		AtomicBoolean closed = new AtomicBoolean();
		new PrimaryForwarder("node-b", new ClosingSource(closed), Duration.ofSeconds(1), Duration.ofSeconds(1),
				DataSize.ofMegabytes(1), DataSize.ofKilobytes(8))
			.close();
		assertThat(closed).isTrue();
	}

	private PrimaryForwarder forwarder(DataSize maxHeaderSize, Supplier<RestClient> client) {
		return new PrimaryForwarder("node-b", client, Duration.ofSeconds(1), Duration.ofSeconds(5),
				DataSize.ofMegabytes(1), maxHeaderSize);
	}

	private record ClosingSource(AtomicBoolean closed) implements Supplier<RestClient>, AutoCloseable {

		@Override
		public RestClient get() {
			return RestClient.create();
		}

		@Override
		public void close() {
			this.closed.set(true);
		}

	}

}
