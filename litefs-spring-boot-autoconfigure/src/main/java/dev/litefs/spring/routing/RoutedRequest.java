package dev.litefs.spring.routing;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.function.IntSupplier;

import dev.litefs.spring.internal.ProblemResponses;
import dev.litefs.spring.node.Hostnames;
import dev.litefs.spring.node.NodeState;
import dev.litefs.spring.routing.forward.KeptBody;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.util.StringUtils;

/**
 * A request that must run on the primary, received by a node that is not the primary,
 * as a {@link RoutingStrategy} sees it: the request and its response, this node's
 * reading, the primary's hostname, and the one way every strategy refuses a request (an
 * RFC 9457 problem detail naming this node, its role and the primary).
 *
 * @since 0.2.0
 */
public final class RoutedRequest {

	private static final Logger logger = LoggerFactory.getLogger(RoutedRequest.class);

	private final HttpServletRequest request;

	private final HttpServletResponse response;

	private final NodeState state;

	private final IntSupplier localPort;

	private final Duration retryAfter;

	private @Nullable KeptBody body;

	RoutedRequest(HttpServletRequest request, HttpServletResponse response, NodeState state, IntSupplier localPort,
			Duration retryAfter) {
		this.request = request;
		this.response = response;
		this.state = state;
		this.localPort = localPort;
		this.retryAfter = retryAfter;
	}

	/**
	 * The request.
	 * @return the request
	 */
	public HttpServletRequest request() {
		return this.request;
	}

	/**
	 * The response, not yet committed.
	 * @return the response
	 */
	public HttpServletResponse response() {
		return this.response;
	}

	/**
	 * The reading by which this node is not the primary.
	 * @return the node's state
	 */
	public NodeState state() {
		return this.state;
	}

	/**
	 * The primary's LiteFS hostname, checked to be a valid hostname (it can go in a
	 * header or a URL).
	 * @return the hostname
	 */
	public String primary() {
		String primary = this.state.primary();
		if (primary == null || !Hostnames.isValid(primary)) {
			throw new IllegalStateException("No valid primary: the router answers such requests itself");
		}
		return primary;
	}

	/**
	 * The primary's base URL by a template.
	 * @param template the template
	 * @return the base URL, without a trailing slash
	 * @throws IllegalArgumentException if the template and the primary's hostname make no
	 * URL (see {@link #cannotBuildUrl})
	 */
	public String url(PrimaryUrlTemplate template) {
		return template.expand(primary(), this.localPort.getAsInt());
	}

	/**
	 * What this node kept of the request's body (read once, on first call).
	 * @return the body
	 * @throws IOException if the rest of the body cannot be read
	 */
	public KeptBody body() throws IOException {
		if (this.body == null) {
			this.body = KeptBody.of(this.request);
		}
		return this.body;
	}

	/**
	 * Whether the request asks to upgrade its connection to another protocol (a
	 * WebSocket, for one). An offer of {@code h2c} alone does not count: it is the
	 * client's optional offer of HTTP/2 (the JDK's client makes it on every plain HTTP
	 * request), which the server may ignore and answer in HTTP/1.1.
	 * @return {@code true} when its {@code Upgrade} header names another protocol
	 */
	public boolean isUpgrade() {
		String upgrade = this.request.getHeader("Upgrade");
		if (upgrade == null) {
			return false;
		}
		for (String protocol : StringUtils.commaDelimitedListToStringArray(upgrade)) {
			if (!protocol.isBlank() && !protocol.trim().equalsIgnoreCase("h2c")) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Answers with a problem detail and no {@code Retry-After}.
	 * @param outcome the outcome to report
	 * @param status the status
	 * @param title a short summary
	 * @param detail what happened and what to do
	 * @return {@code outcome}
	 * @throws IOException if the response cannot be written
	 */
	public RoutingOutcome refuse(RoutingOutcome outcome, HttpStatus status, String title, String detail)
			throws IOException {
		return answer(outcome, status, title, detail, false, Map.of());
	}

	/**
	 * Answers with a problem detail and {@code Retry-After}: retrying soon may succeed.
	 * @param outcome the outcome to report
	 * @param status the status
	 * @param title a short summary
	 * @param detail what happened and what to do
	 * @return {@code outcome}
	 * @throws IOException if the response cannot be written
	 */
	public RoutingOutcome refuseForNow(RoutingOutcome outcome, HttpStatus status, String title, String detail)
			throws IOException {
		return answer(outcome, status, title, detail, true, Map.of());
	}

	/**
	 * Answers with a problem detail.
	 * @param outcome the outcome to report
	 * @param status the status
	 * @param title a short summary
	 * @param detail what happened and what to do
	 * @param retry whether to add {@code Retry-After}
	 * @param properties more properties of the problem detail
	 * @return {@code outcome}
	 * @throws IOException if the response cannot be written
	 */
	public RoutingOutcome answer(RoutingOutcome outcome, HttpStatus status, String title, String detail,
			boolean retry, Map<String, Object> properties) throws IOException {
		ProblemDetail problem = ProblemResponses.problem(this.request, status, title, detail);
		problem.setProperty("node", this.state.hostname());
		problem.setProperty("role", this.state.role().id());
		String primary = this.state.primary();
		if (primary != null && Hostnames.isValid(primary)) {
			problem.setProperty("primary", primary);
		}
		properties.forEach(problem::setProperty);
		ProblemResponses.write(this.request, this.response, problem, retry ? this.retryAfter : null);
		logger.debug("{} {} answered {}: {}", this.request.getMethod(), this.request.getRequestURI(), status.value(),
				detail);
		return outcome;
	}

	/**
	 * Answers a request whose primary URL cannot be built now: the primary may be one
	 * LiteFS names differently soon.
	 * @param strategy the strategy whose URL template failed
	 * @param ex why {@link #url} failed
	 * @return {@link RoutingOutcome#NO_PRIMARY}
	 * @throws IOException if the response cannot be written
	 */
	public RoutingOutcome cannotBuildUrl(String strategy, IllegalArgumentException ex) throws IOException {
		logger.warn("Cannot route {} {} to the primary {}: {}", this.request.getMethod(), this.request.getRequestURI(),
				primary(), ex.getMessage());
		return refuseForNow(RoutingOutcome.NO_PRIMARY, HttpStatus.SERVICE_UNAVAILABLE, "Cannot forward now",
				"This request must run on the primary, " + primary() + ", but " + ex.getMessage() + " (from the "
						+ strategy + " URL template). It was not sent; retry it.");
	}

}
