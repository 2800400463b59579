package dev.litefs.spring.routing.forward;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.function.Supplier;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.StreamingHttpOutputMessage;
import org.springframework.util.function.SingletonSupplier;
import org.springframework.util.unit.DataSize;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;

/**
 * Sends a request to the primary through Spring's {@link RestClient} and passes its
 * answer back to the client, as a reverse proxy would: the {@code forward} strategy's
 * exchange.
 * <p>
 * The request goes to the primary's URL with its method, path, query, headers (hop-by-hop
 * ones excepted), body, {@code X-Forwarded-*} and the {@value #HOP_HEADER} header that
 * stops a second hop. The primary's status, headers ({@code Set-Cookie} included; an
 * absolute {@code Location} at the primary rewritten to the address the client called)
 * and body come back, each part passed on as it arrives (a stream, such as server-sent
 * events, stays a stream). A forwarded request is never sent twice, since the primary may
 * have made the write before a failure.
 * <p>
 * The client is built on the first forward (only replicas forward, and start-up need not
 * pay for the HTTP client and its TLS set-up); it bounds connecting and the answer, never
 * follows redirects, reuses connections to the primary, and reports each exchange as an
 * {@code http.client.requests} observation, which carries a trace on to the primary.
 * <p>
 * Its parts: {@link ForwardedRequest} builds what is sent, {@link ForwardedAnswer}
 * passes the answer back, {@link ExchangeFailures} tells what a failure comes to.
 *
 * @since 0.2.0
 */
public class PrimaryForwarder implements AutoCloseable {

	/**
	 * The header that marks a forwarded request, naming the node that forwarded it. A
	 * node that is not the primary refuses such a request rather than forward it again.
	 */
	public static final String HOP_HEADER = "LiteFS-Forwarded-By";

	private static final Logger logger = LoggerFactory.getLogger(PrimaryForwarder.class);

	private final String hostname;

	private final Supplier<RestClient> clientSource;

	private final Supplier<RestClient> client;

	private final Duration connectTimeout;

	private final Duration responseTimeout;

	private final DataSize maxBodySize;

	private final DataSize maxHeaderSize;

	/**
	 * Creates a forwarder.
	 * @param hostname this node's LiteFS hostname, sent in {@value #HOP_HEADER}
	 * @param client builds the client, on the first forward: it must bound connecting by
	 * {@code connectTimeout} and the answer by {@code responseTimeout}, and not follow
	 * redirects; if it is {@link AutoCloseable} (it holds the client's threads), it is
	 * closed with this forwarder
	 * @param connectTimeout the bound on connecting to the primary
	 * @param responseTimeout the bound on the primary's whole answer
	 * @param maxBodySize the largest request body forwarded
	 * @param maxHeaderSize the most bytes of request line and headers the primary's server
	 * takes ({@code server.max-http-request-header-size}); zero or less for no limit
	 */
	public PrimaryForwarder(String hostname, Supplier<RestClient> client, Duration connectTimeout,
			Duration responseTimeout, DataSize maxBodySize, DataSize maxHeaderSize) {
		this.hostname = hostname;
		this.clientSource = client;
		this.client = SingletonSupplier.of(client);
		this.connectTimeout = connectTimeout;
		this.responseTimeout = responseTimeout;
		this.maxBodySize = maxBodySize;
		this.maxHeaderSize = maxHeaderSize;
	}

	/**
	 * The largest request body this forwarder sends.
	 * @return the limit
	 */
	public DataSize maxBodySize() {
		return this.maxBodySize;
	}

	/**
	 * The most bytes of request line and headers a forwarded request may have.
	 * @return the limit, zero or less for none
	 */
	public DataSize maxHeaderSize() {
		return this.maxHeaderSize;
	}

	/**
	 * The bound on connecting to the primary.
	 * @return the timeout
	 */
	public Duration connectTimeout() {
		return this.connectTimeout;
	}

	/**
	 * The bound on the primary's whole answer.
	 * @return the timeout
	 */
	public Duration responseTimeout() {
		return this.responseTimeout;
	}

	/**
	 * Forwards a request to the primary and writes its answer as the response, unless
	 * the exchange fails before the primary answered: the caller answers then.
	 * @param request the request, whose body is given separately
	 * @param body the request's whole body, or {@code null} for none
	 * @param response the response, not yet committed
	 * @param base the primary's base URL, from the primary LiteFS names
	 * @return {@link ForwardResult#FORWARDED} when the primary's answer was written,
	 * else, with nothing written: {@link ForwardResult#BAD_REQUEST} or
	 * {@link ForwardResult#HEADERS_TOO_LARGE}, both never sent, or
	 * {@link ForwardResult#UNREACHABLE}, {@link ForwardResult#TIMEOUT} or
	 * {@link ForwardResult#FAILED}
	 * @throws AnswerCutShortException if the primary's answer was cut short after part of
	 * it was sent to the client: the connection to the client must be aborted
	 * @throws IOException if the response cannot be written
	 */
	public ForwardResult forward(HttpServletRequest request, byte @Nullable [] body, HttpServletResponse response,
			String base) throws IOException {
		URI uri = ForwardedRequest.uri(request, base);
		if (uri == null) {
			return ForwardResult.BAD_REQUEST;
		}
		HttpHeaders headers = ForwardedRequest.headers(request, body, this.hostname);
		if (!ForwardedRequest.fits(request.getMethod(), uri, headers, this.maxHeaderSize.toBytes())) {
			return ForwardResult.HEADERS_TOO_LARGE;
		}
		ForwardedAnswer answer = new ForwardedAnswer(request, response, base, this.responseTimeout, System.nanoTime());
		// threads the client starts (its selector and workers, the JDK's delay scheduler of
		// the response timeout) inherit the context class loader: not the web application's,
		// which the server warns about, and would keep, when it stops
		Thread current = Thread.currentThread();
		ClassLoader previous = current.getContextClassLoader();
		current.setContextClassLoader(PrimaryForwarder.class.getClassLoader());
		try {
			RestClient.RequestBodySpec spec = this.client.get()
				.method(HttpMethod.valueOf(request.getMethod()))
				.uri(uri)
				.headers((outgoing) -> outgoing.addAll(headers));
			if (body != null && body.length > 0) {
				spec.body((StreamingHttpOutputMessage.Body) (out) -> out.write(body));
			}
			return spec.exchange((sent, primary) -> answer.copy(primary), true);
		}
		catch (ResourceAccessException ex) {
			if (ex.getCause() instanceof AnswerCutShortException cutShort) {
				throw cutShort;
			}
			ForwardResult result = ExchangeFailures.classify(ex);
			if (result == ForwardResult.UNREACHABLE) {
				logger.debug("Primary unreachable at {}: {}", base, String.valueOf(ex.getCause()));
			}
			else if (result == ForwardResult.FAILED) {
				logger.warn("Forwarding {} {} to the primary at {} failed: {}", request.getMethod(),
						request.getRequestURI(), base, String.valueOf(ex.getCause()));
			}
			return result;
		}
		finally {
			current.setContextClassLoader(previous);
		}
	}

	/**
	 * Releases what the client's supplier holds, when it is {@link AutoCloseable}.
	 * @throws Exception if closing it fails
	 */
	@Override
	public void close() throws Exception {
		if (this.clientSource instanceof AutoCloseable closeable) {
			closeable.close();
		}
	}

	/**
	 * The primary's answer broke off after part of it reached the client: the connection
	 * to the client must be aborted, whatever the cause says.
	 */
	public static final class AnswerCutShortException extends IOException {

		AnswerCutShortException(String message, @Nullable Throwable cause) {
			super(message, cause);
		}

	}

}
