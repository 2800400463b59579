package dev.litefs.spring.routing;

import dev.litefs.spring.internal.PrimaryRequests;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.StreamingHttpOutputMessage;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.util.StringUtils;
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

	/** Headers meaningful for one connection only (RFC 9110 7.6.1), and those the client sets itself. */
	private static final Set<String> UNFORWARDED_HEADERS = caseInsensitive("connection", "keep-alive",
			"proxy-authenticate", "proxy-authorization", "proxy-connection", "te", "trailer", "transfer-encoding",
			"upgrade", "http2-settings", "host", "content-length", "expect", HOP_HEADER);

	/** Bytes of headers the HTTP client may add beyond those counted ({@code User-Agent}, ...). */
	private static final int HEADER_ROOM = 128;

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
	 * @return {@link RoutingOutcome#FORWARDED} when the primary's answer was written,
	 * else, with nothing written: {@link RoutingOutcome#BAD_REQUEST} (the request cannot
	 * be expressed as a URL) or {@link RoutingOutcome#TOO_LARGE} (its headers, with those
	 * forwarding adds, are over {@link #maxHeaderSize()}), both never sent, or
	 * {@link RoutingOutcome#UNREACHABLE}, {@link RoutingOutcome#TIMEOUT} or
	 * {@link RoutingOutcome#FAILED}
	 * @throws IOException if the primary's answer was cut short after part of it was
	 * sent to the client: the connection to the client must be aborted
	 */
	public RoutingOutcome forward(HttpServletRequest request, byte @Nullable [] body, HttpServletResponse response,
			String base) throws IOException {
		URI uri;
		try {
			String query = request.getQueryString();
			uri = URI.create(base + request.getRequestURI() + ((query != null) ? "?" + query : ""));
		}
		catch (IllegalArgumentException ex) {
			// the base URL was checked: what a URL cannot hold came with the client's request
			logger.debug("Cannot forward {} {} to the primary at {}: {}", request.getMethod(),
					request.getRequestURI(), base, ex.getMessage());
			return RoutingOutcome.BAD_REQUEST;
		}
		HttpHeaders headers = outgoingHeaders(request, body);
		if (this.maxHeaderSize.toBytes() > 0 && headerBytes(request.getMethod(), uri, headers) > this.maxHeaderSize.toBytes()) {
			return RoutingOutcome.TOO_LARGE;
		}
		long start = System.nanoTime();
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
			return spec.exchange((sent, answer) -> copyAnswer(request, answer, response, base, start), true);
		}
		catch (ResourceAccessException ex) {
			if (ex.getCause() instanceof AnswerCutShortException cutShort) {
				throw cutShort;
			}
			return failure(request, base, ex);
		}
		finally {
			current.setContextClassLoader(previous);
		}
	}

	private HttpHeaders outgoingHeaders(HttpServletRequest request, byte @Nullable [] body) {
		HttpHeaders headers = new HttpHeaders();
		Set<String> unforwarded = unforwardedHeaders(Collections.list(request.getHeaders("Connection")));
		for (String name : Collections.list(request.getHeaderNames())) {
			if (!unforwarded.contains(name)) {
				for (String value : Collections.list(request.getHeaders(name))) {
					if (isSendable(value)) {
						headers.add(name, value);
					}
					else {
						logger.debug("Header {} not forwarded: its value holds a control character", name);
					}
				}
			}
		}
		if (body != null && body.length > 0) {
			headers.setContentLength(body.length);
		}
		String forwardedFor = request.getHeader("X-Forwarded-For");
		headers.set("X-Forwarded-For", ((forwardedFor != null) ? forwardedFor + ", " : "") + request.getRemoteAddr());
		if (request.getHeader("X-Forwarded-Proto") == null) {
			headers.set("X-Forwarded-Proto", request.getScheme());
		}
		String host = request.getHeader("Host");
		if (request.getHeader("X-Forwarded-Host") == null && host != null) {
			headers.set("X-Forwarded-Host", host);
		}
		headers.set(HOP_HEADER, this.hostname);
		if (PrimaryRequests.isRefusedWrite(request)) {
			headers.set(PrimaryRequests.REFUSED_WRITE_HEADER, "1");
		}
		return headers;
	}

	/** A value an HTTP/1.1 client can send: no control character but tab, nothing past Latin-1. */
	private static boolean isSendable(String value) {
		return value.chars().allMatch((c) -> c == '\t' || (c >= 0x20 && c != 0x7f && c <= 0xff));
	}

	/**
	 * The request line and headers as the primary's server counts them, with those the
	 * client adds ({@code Host}, {@code User-Agent}, ...) and some room to spare.
	 */
	private static long headerBytes(String method, URI uri, HttpHeaders headers) {
		String target = uri.getRawPath() + ((uri.getRawQuery() != null) ? "?" + uri.getRawQuery() : "");
		long bytes = method.length() + 1 + target.length() + " HTTP/1.1\r\n".length();
		for (var header : headers.headerSet()) {
			for (String value : header.getValue()) {
				bytes += header.getKey().length() + 2 + value.length() + 2;
			}
		}
		bytes += "Host: ".length() + uri.getRawAuthority().length() + 2;
		return bytes + 2 + HEADER_ROOM;
	}

	private RoutingOutcome failure(HttpServletRequest request, String base, ResourceAccessException ex) {
		for (Throwable cause = ex.getCause(); cause != null; cause = cause.getCause()) {
			if (cause instanceof HttpConnectTimeoutException || cause instanceof ConnectException
					|| cause instanceof UnresolvedAddressException || cause instanceof UnknownHostException
					|| cause instanceof NoRouteToHostException || isConnectTimeout(cause)) {
				logger.debug("Primary unreachable at {}: {}", base, cause.toString());
				return RoutingOutcome.UNREACHABLE;
			}
			if (cause instanceof HttpTimeoutException || cause instanceof SocketTimeoutException
					|| cause instanceof TimeoutException) {
				return RoutingOutcome.TIMEOUT;
			}
		}
		logger.warn("Forwarding {} {} to the primary at {} failed: {}", request.getMethod(), request.getRequestURI(),
				base, String.valueOf(ex.getCause()));
		return RoutingOutcome.FAILED;
	}

	/**
	 * {@code HttpURLConnection} (and other blocking clients) report a connect timeout as
	 * a {@link SocketTimeoutException} that only its message tells from a read timeout.
	 */
	private static boolean isConnectTimeout(Throwable cause) {
		return cause instanceof SocketTimeoutException && cause.getMessage() != null
				&& cause.getMessage().toLowerCase(Locale.ROOT).contains("connect timed out");
	}

	private RoutingOutcome copyAnswer(HttpServletRequest request, ClientHttpResponse answer,
			HttpServletResponse response, String base, long start) throws IOException {
		response.setStatus(answer.getStatusCode().value());
		HttpHeaders headers = answer.getHeaders();
		Set<String> unforwarded = unforwardedHeaders(headers.getOrEmpty(HttpHeaders.CONNECTION));
		for (var header : headers.headerSet()) {
			String name = header.getKey();
			if (!name.startsWith(":") && !unforwarded.contains(name)) {
				for (String value : header.getValue()) {
					response.addHeader(name,
							name.equalsIgnoreCase(HttpHeaders.LOCATION) ? ownLocation(value, base, request) : value);
				}
			}
		}
		if (headers.getContentLength() >= 0) {
			response.setContentLengthLong(headers.getContentLength());
		}
		IOException failure;
		try (InputStream in = answer.getBody()) {
			relay(in, response.getOutputStream());
			return RoutingOutcome.FORWARDED;
		}
		catch (ClientGoneException ex) {
			// a client leaving is normal: nobody is left to tell
			logger.debug("The client of {} {} left before the primary's answer was passed on: {}",
					request.getMethod(), request.getRequestURI(), ex.getCause().toString());
			return RoutingOutcome.FORWARDED;
		}
		catch (IOException ex) {
			failure = ex;
		}
		// the client closes the answer's stream when the response timeout is over
		boolean timedOut = System.nanoTime() - start >= this.responseTimeout.toNanos();
		String what = "The answer of the primary at " + base + " to " + request.getMethod() + " "
				+ request.getRequestURI() + " was cut short"
				+ (timedOut ? ": it took longer than " + this.responseTimeout : "");
		if (response.isCommitted()) {
			// part of it reached the client: only an aborted connection tells the client so
			throw new AnswerCutShortException(what, failure);
		}
		logger.warn("{}: {}", what, failure.toString());
		response.reset();
		return timedOut ? RoutingOutcome.TIMEOUT : RoutingOutcome.FAILED;
	}

	/**
	 * Copies the answer, passing on each part as soon as it arrives (streams stay
	 * streams).
	 * @throws ClientGoneException if writing to the client failed
	 * @throws IOException if reading the primary's answer failed
	 */
	private static void relay(InputStream in, OutputStream out) throws IOException {
		byte[] buffer = new byte[8192];
		int read;
		while ((read = in.read(buffer)) >= 0) {
			try {
				out.write(buffer, 0, read);
				if (in.available() == 0) {
					out.flush();
				}
			}
			catch (IOException ex) {
				throw new ClientGoneException(ex);
			}
		}
		try {
			out.flush();
		}
		catch (IOException ex) {
			throw new ClientGoneException(ex);
		}
	}

	/**
	 * An absolute {@code Location} pointing at the primary's internal URL is rewritten to
	 * point at this node, the address the client used (like a reverse proxy does).
	 */
	private static String ownLocation(String location, String base, HttpServletRequest request) {
		String host = request.getHeader("Host");
		if (host == null || !location.regionMatches(true, 0, base, 0, base.length())
				|| (location.length() > base.length() && "/?#".indexOf(location.charAt(base.length())) < 0)) {
			return location;
		}
		return request.getScheme() + "://" + host + location.substring(base.length());
	}

	private static Set<String> unforwardedHeaders(List<String> connection) {
		if (connection.isEmpty()) {
			return UNFORWARDED_HEADERS;
		}
		Set<String> unforwarded = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
		unforwarded.addAll(UNFORWARDED_HEADERS);
		for (String value : connection) {
			for (String token : StringUtils.commaDelimitedListToStringArray(value)) {
				unforwarded.add(token.trim());
			}
		}
		return unforwarded;
	}

	private static Set<String> caseInsensitive(String... names) {
		Set<String> set = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
		set.addAll(List.of(names));
		return Collections.unmodifiableSet(set);
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
	static final class AnswerCutShortException extends IOException {

		AnswerCutShortException(String message, @Nullable Throwable cause) {
			super(message, cause);
		}

	}

	/** Writing the primary's answer to the client failed: the client left. */
	private static final class ClientGoneException extends IOException {

		ClientGoneException(IOException cause) {
			super(cause);
		}

	}

}
