package dev.litefs.spring.routing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.util.StringUtils;
import org.springframework.util.unit.DataSize;

/**
 * The {@code forward} strategy: sends a request to the primary over HTTP and its answer
 * back to the client, as a reverse proxy would.
 * <p>
 * The request goes to the primary's URL (built from a {@link PrimaryUrlTemplate}: the
 * host is always the primary LiteFS names), with its method, path, query, headers
 * (hop-by-hop ones excepted), body and the {@value #HOP_HEADER} header that stops a
 * second hop. The primary's status, headers ({@code Set-Cookie} included) and body come
 * back as they are. Connecting and answering are bounded; a forwarded request is never
 * sent twice, since the primary may have made the write before the failure.
 */
public class PrimaryForwarder {

	/**
	 * The header that marks a forwarded request, naming the node that forwarded it. A
	 * node that is not the primary refuses such a request rather than forward it again.
	 */
	public static final String HOP_HEADER = "LiteFS-Forwarded-By";

	private static final Logger logger = LoggerFactory.getLogger(PrimaryForwarder.class);

	/** Headers meaningful for one connection only (RFC 9110 7.6.1), and the JDK's restricted ones. */
	private static final Set<String> UNFORWARDED_HEADERS = caseInsensitive("connection", "keep-alive",
			"proxy-authenticate", "proxy-authorization", "proxy-connection", "te", "trailer", "transfer-encoding",
			"upgrade", "http2-settings", "host", "content-length", "expect", HOP_HEADER);

	/** Bytes of headers the JDK client may add beyond those counted. */
	private static final int HEADER_ROOM = 64;

	private final String hostname;

	private final Duration connectTimeout;

	private final Duration responseTimeout;

	private final DataSize maxBodySize;

	private final DataSize maxHeaderSize;

	private final ExecutorService executor;

	private volatile @Nullable HttpClient client;

	private final ScheduledExecutorService watchdog;

	/**
	 * Creates a forwarder.
	 * @param hostname this node's LiteFS hostname, sent in {@value #HOP_HEADER}
	 * @param connectTimeout the bound on connecting to the primary
	 * @param responseTimeout the bound on the primary's whole answer
	 * @param maxBodySize the largest request body forwarded
	 * @param maxHeaderSize the most bytes of request line and headers the primary's server
	 * takes ({@code server.max-http-request-header-size}); zero or less for no limit
	 */
	public PrimaryForwarder(String hostname, Duration connectTimeout, Duration responseTimeout,
			DataSize maxBodySize, DataSize maxHeaderSize) {
		this.hostname = hostname;
		this.connectTimeout = connectTimeout;
		this.responseTimeout = responseTimeout;
		this.maxBodySize = maxBodySize;
		this.maxHeaderSize = maxHeaderSize;
		this.executor = Executors.newCachedThreadPool(threads("litefs-forward"));
		this.watchdog = Executors.newSingleThreadScheduledExecutor(threads("litefs-forward-watchdog"));
	}

	/**
	 * The HTTP client, built on the first forward: only replicas ever forward, and
	 * building the JVM's first JDK {@code HttpClient} sets up TLS (about 200 ms), which
	 * start-up need not pay.
	 */
	private HttpClient client() {
		HttpClient client = this.client;
		if (client == null) {
			synchronized (this) {
				client = this.client;
				if (client == null) {
					client = buildClient();
					this.client = client;
				}
			}
		}
		return client;
	}

	private HttpClient buildClient() {
		// the client's selector thread inherits the context class loader: not the web application's
		Thread current = Thread.currentThread();
		ClassLoader previous = current.getContextClassLoader();
		current.setContextClassLoader(PrimaryForwarder.class.getClassLoader());
		try {
			return HttpClient.newBuilder()
				.version(HttpClient.Version.HTTP_1_1)
				.connectTimeout(this.connectTimeout)
				.followRedirects(HttpClient.Redirect.NEVER)
				.executor(this.executor)
				.build();
		}
		finally {
			current.setContextClassLoader(previous);
		}
	}

	private static ThreadFactory threads(String name) {
		AtomicInteger count = new AtomicInteger();
		return (task) -> {
			Thread thread = new Thread(task, name + "-" + count.incrementAndGet());
			thread.setDaemon(true);
			thread.setContextClassLoader(PrimaryForwarder.class.getClassLoader());
			return thread;
		};
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
	RoutingOutcome forward(HttpServletRequest request, byte @Nullable [] body, HttpServletResponse response,
			String base) throws IOException {
		HttpRequest outgoing;
		try {
			outgoing = outgoingRequest(request, body, base);
		}
		catch (IllegalArgumentException ex) {
			// the base URL was checked: what a URL cannot hold came with the client's request
			logger.debug("Cannot forward {} {} to the primary at {}: {}", request.getMethod(),
					request.getRequestURI(), base, ex.getMessage());
			return RoutingOutcome.BAD_REQUEST;
		}
		if (this.maxHeaderSize.toBytes() > 0 && headerBytes(outgoing, body) > this.maxHeaderSize.toBytes()) {
			return RoutingOutcome.TOO_LARGE;
		}
		long deadline = System.nanoTime() + this.responseTimeout.toNanos();
		HttpResponse<InputStream> answer;
		try {
			answer = client().send(outgoing, HttpResponse.BodyHandlers.ofInputStream());
		}
		catch (HttpConnectTimeoutException | ConnectException | UnresolvedAddressException ex) {
			logger.debug("Primary unreachable at {}", base, ex);
			return RoutingOutcome.UNREACHABLE;
		}
		catch (HttpTimeoutException ex) {
			return RoutingOutcome.TIMEOUT;
		}
		catch (IOException ex) {
			if (ex.getCause() instanceof ConnectException || ex.getCause() instanceof UnresolvedAddressException) {
				return RoutingOutcome.UNREACHABLE;
			}
			logger.warn("Forwarding {} {} to the primary at {} failed: {}", request.getMethod(),
					request.getRequestURI(), base, ex.toString());
			return RoutingOutcome.FAILED;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return RoutingOutcome.FAILED;
		}
		return copyAnswer(request, answer, response, base, deadline);
	}

	private HttpRequest outgoingRequest(HttpServletRequest request, byte @Nullable [] body, String base) {
		String query = request.getQueryString();
		URI uri = URI.create(base + request.getRequestURI() + ((query != null) ? "?" + query : ""));
		HttpRequest.BodyPublisher publisher = (body != null && body.length > 0)
				? HttpRequest.BodyPublishers.ofByteArray(body) : HttpRequest.BodyPublishers.noBody();
		HttpRequest.Builder builder = HttpRequest.newBuilder(uri)
			.timeout(this.responseTimeout)
			.method(request.getMethod(), publisher);
		Set<String> unforwarded = unforwardedHeaders(request.getHeaders("Connection"));
		for (String name : Collections.list(request.getHeaderNames())) {
			if (!unforwarded.contains(name)) {
				for (String value : Collections.list(request.getHeaders(name))) {
					addHeader(builder, name, value);
				}
			}
		}
		String forwardedFor = request.getHeader("X-Forwarded-For");
		builder.setHeader("X-Forwarded-For", ((forwardedFor != null) ? forwardedFor + ", " : "") + request.getRemoteAddr());
		if (request.getHeader("X-Forwarded-Proto") == null) {
			builder.setHeader("X-Forwarded-Proto", request.getScheme());
		}
		String host = request.getHeader("Host");
		if (request.getHeader("X-Forwarded-Host") == null && host != null) {
			builder.setHeader("X-Forwarded-Host", host);
		}
		builder.setHeader(HOP_HEADER, this.hostname);
		if (PrimaryRequests.isRefusedWrite(request)) {
			builder.setHeader(PrimaryRequests.REFUSED_WRITE_HEADER, "1");
		}
		return builder.build();
	}

	/**
	 * The request line and headers as the primary's server counts them, with those the
	 * JDK client adds ({@code Host}, {@code Content-Length}, {@code User-Agent}) and some
	 * room to spare.
	 */
	private static long headerBytes(HttpRequest outgoing, byte @Nullable [] body) {
		URI uri = outgoing.uri();
		String target = uri.getRawPath() + ((uri.getRawQuery() != null) ? "?" + uri.getRawQuery() : "");
		long bytes = outgoing.method().length() + 1 + target.length() + " HTTP/1.1\r\n".length();
		for (var header : outgoing.headers().map().entrySet()) {
			for (String value : header.getValue()) {
				bytes += header.getKey().length() + 2 + value.length() + 2;
			}
		}
		bytes += "Host: ".length() + uri.getRawAuthority().length() + 2;
		bytes += "Content-Length: ".length() + Integer.toString((body != null) ? body.length : 0).length() + 2;
		bytes += "User-Agent: Java-http-client/".length() + Runtime.version().toString().length() + 2;
		return bytes + 2 + HEADER_ROOM;
	}

	private static void addHeader(HttpRequest.Builder builder, String name, String value) {
		try {
			builder.header(name, value);
		}
		catch (IllegalArgumentException ex) {
			logger.debug("Header {} not forwarded: {}", name, ex.getMessage());
		}
	}

	private RoutingOutcome copyAnswer(HttpServletRequest request, HttpResponse<InputStream> answer,
			HttpServletResponse response, String base, long deadline) throws IOException {
		response.setStatus(answer.statusCode());
		HttpHeaders headers = answer.headers();
		Set<String> unforwarded = unforwardedHeaders(Collections.enumeration(headers.allValues("Connection")));
		headers.map().forEach((name, values) -> {
			if (!name.startsWith(":") && !unforwarded.contains(name)) {
				for (String value : values) {
					response.addHeader(name, name.equalsIgnoreCase("Location") ? ownLocation(value, base, request) : value);
				}
			}
		});
		headers.firstValueAsLong("Content-Length").ifPresent(response::setContentLengthLong);
		AtomicBoolean stopped = new AtomicBoolean();
		IOException failure = null;
		try (InputStream in = answer.body()) {
			ScheduledFuture<?> stop = this.watchdog.schedule(() -> {
				stopped.set(true);
				closeQuietly(in);
			}, Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
			try {
				relay(in, response.getOutputStream());
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
			finally {
				stop.cancel(false);
			}
		}
		if (failure == null && !stopped.get()) {
			return RoutingOutcome.FORWARDED;
		}
		String what = "The answer of the primary at " + base + " to " + request.getMethod() + " "
				+ request.getRequestURI() + " was cut short"
				+ (stopped.get() ? ": it took longer than " + this.responseTimeout : "");
		if (response.isCommitted()) {
			// part of it reached the client: only an aborted connection tells the client so
			throw new AnswerCutShortException(what, failure);
		}
		logger.warn(what, failure);
		response.reset();
		return stopped.get() ? RoutingOutcome.TIMEOUT : RoutingOutcome.FAILED;
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

	private static Set<String> unforwardedHeaders(java.util.Enumeration<String> connection) {
		Set<String> unforwarded = null;
		while (connection != null && connection.hasMoreElements()) {
			for (String token : StringUtils.commaDelimitedListToStringArray(connection.nextElement())) {
				if (unforwarded == null) {
					unforwarded = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
					unforwarded.addAll(UNFORWARDED_HEADERS);
				}
				unforwarded.add(token.trim());
			}
		}
		return (unforwarded != null) ? unforwarded : UNFORWARDED_HEADERS;
	}

	private static Set<String> caseInsensitive(String... names) {
		Set<String> set = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
		set.addAll(List.of(names));
		return Collections.unmodifiableSet(set);
	}

	private static void closeQuietly(InputStream in) {
		try {
			in.close();
		}
		catch (IOException ex) {
			// closing only to stop a stalled transfer
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

	/**
	 * Stops the forwarder's threads.
	 */
	public void destroy() {
		this.watchdog.shutdownNow();
		this.executor.shutdownNow();
	}

}
