package dev.litefs.spring.routing;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.function.IntSupplier;

import dev.litefs.spring.node.Hostnames;
import dev.litefs.spring.node.NodeState;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.util.DisconnectedClientHelper;
import org.springframework.web.util.WebUtils;

/**
 * The one place that answers a request that must run on the primary, on a node that is
 * not the primary: by the {@link RoutingStrategy} in force, or with a problem detail when
 * the request cannot be routed (no primary known, a second hop, a body too large, the
 * primary unreachable).
 * <p>
 * Every caller goes through {@link #route}: the {@link EnsurePrimary} interceptor, the
 * {@code litefs.routing.methods} filter, the answer to a {@link NotPrimaryException} or a
 * write refused by SQLite, and a read-your-writes wait that timed out.
 */
public class PrimaryRouter implements DisposableBean {

	/** The response header that makes Fly.io's proxy replay a request elsewhere. */
	public static final String FLY_REPLAY_HEADER = "fly-replay";

	/** The request header Fly.io's proxy adds to a replayed request. */
	public static final String FLY_REPLAY_SRC_HEADER = "fly-replay-src";

	/** The largest request body Fly.io replays: 1 MB. */
	public static final long FLY_REPLAY_MAX_BODY_BYTES = 1024 * 1024;

	private static final String BODY_TOO_LARGE_ATTRIBUTE = PrimaryRouter.class.getName() + ".bodyTooLarge";

	private static final Logger logger = LoggerFactory.getLogger(PrimaryRouter.class);

	private final RoutingStrategy strategy;

	private final @Nullable PrimaryForwarder forwarder;

	private final PrimaryUrlTemplate forwardUrl;

	private final PrimaryUrlTemplate redirectUrl;

	private final IntSupplier localPort;

	private final Duration retryAfter;

	private final List<RoutingListener> listeners;

	/**
	 * Creates a router.
	 * @param strategy the strategy in force, not {@link RoutingStrategy#AUTO}
	 * @param forwarder the forwarder, required by {@link RoutingStrategy#FORWARD}
	 * @param forwardUrl the primary's URL for {@link RoutingStrategy#FORWARD}
	 * @param redirectUrl the primary's URL for {@link RoutingStrategy#REDIRECT}
	 * @param localPort this server's port, for {@code {port}} in URL templates
	 * @param retryAfter the {@code Retry-After} of {@code 503} answers worth retrying
	 * @param listeners told of every routed request
	 */
	public PrimaryRouter(RoutingStrategy strategy, @Nullable PrimaryForwarder forwarder,
			PrimaryUrlTemplate forwardUrl, PrimaryUrlTemplate redirectUrl, IntSupplier localPort, Duration retryAfter,
			List<RoutingListener> listeners) {
		if (strategy == RoutingStrategy.AUTO) {
			throw new IllegalArgumentException("Resolve the strategy before creating the router");
		}
		if (strategy == RoutingStrategy.FORWARD && forwarder == null) {
			throw new IllegalArgumentException("The forward strategy needs a forwarder");
		}
		this.strategy = strategy;
		this.forwarder = forwarder;
		this.forwardUrl = forwardUrl;
		this.redirectUrl = redirectUrl;
		this.localPort = localPort;
		this.retryAfter = retryAfter;
		this.listeners = List.copyOf(listeners);
	}

	/**
	 * The strategy in force.
	 * @return the strategy, never {@link RoutingStrategy#AUTO}
	 */
	public RoutingStrategy strategy() {
		return this.strategy;
	}

	/**
	 * The forwarder of the {@code forward} strategy.
	 * @return the forwarder, or {@code null} under another strategy
	 */
	public @Nullable PrimaryForwarder forwarder() {
		return this.forwarder;
	}

	/**
	 * The primary's URL for the {@code forward} strategy.
	 * @return the template
	 */
	public PrimaryUrlTemplate forwardUrl() {
		return this.forwardUrl;
	}

	/**
	 * The primary's URL for the {@code redirect} strategy.
	 * @return the template
	 */
	public PrimaryUrlTemplate redirectUrl() {
		return this.redirectUrl;
	}

	/**
	 * The {@code Retry-After} of {@code 503} answers worth retrying.
	 * @return the delay
	 */
	public Duration retryAfter() {
		return this.retryAfter;
	}

	/**
	 * The most bytes of a request body a node that is not the primary must keep so that
	 * this strategy can still route the request after the application read it.
	 * @return the limit, or {@code -1} when the strategy never needs the body
	 */
	long bodyLimit() {
		return switch (this.strategy) {
			case FORWARD -> this.forwarder.maxBodySize().toBytes();
			case FLY_REPLAY -> FLY_REPLAY_MAX_BODY_BYTES;
			default -> -1;
		};
	}

	/**
	 * Marks a request whose body is over {@link #bodyLimit()} and was not kept.
	 * @param request the request
	 */
	static void markBodyTooLarge(ServletRequest request) {
		request.setAttribute(BODY_TOO_LARGE_ATTRIBUTE, Boolean.TRUE);
	}

	/**
	 * Answers a request that must run on the primary, given that this node is not the
	 * primary.
	 * @param request the request
	 * @param response the response, not yet committed
	 * @param state the reading by which this node is not the primary
	 * @throws IOException if the response cannot be written (a client that left is only
	 * logged at DEBUG), or a forwarded answer was cut short after the response was
	 * committed
	 */
	public void route(HttpServletRequest request, HttpServletResponse response, NodeState state) throws IOException {
		RoutingOutcome outcome;
		try {
			outcome = answer(request, response, state);
		}
		catch (IOException ex) {
			notifyListeners(RoutingOutcome.FAILED);
			if (ex instanceof PrimaryForwarder.AnswerCutShortException
					|| !DisconnectedClientHelper.isClientDisconnectedException(ex)) {
				throw ex;
			}
			// a client leaving is normal: nobody is left to answer
			logger.debug("The client of {} {} left before it was answered: {}", request.getMethod(),
					request.getRequestURI(), ex.toString());
			return;
		}
		catch (RuntimeException ex) {
			notifyListeners(RoutingOutcome.FAILED);
			throw ex;
		}
		notifyListeners(outcome);
	}

	private RoutingOutcome answer(HttpServletRequest request, HttpServletResponse response, NodeState state)
			throws IOException {
		String hold = state.writeHold();
		if (hold != null && state.role().acceptsWrites()) {
			return refuse(request, response, state, RoutingOutcome.HELD, HttpStatus.SERVICE_UNAVAILABLE,
					"Primary not taking writes yet", "This node has just become the primary and takes no writes "
							+ "until it has finished " + hold + ". Retry it shortly.",
					this.retryAfter);
		}
		String primary = state.primary();
		if (state.isPrimary() || primary == null || !Hostnames.isValid(primary)) {
			return noPrimary(request, response, state);
		}
		String forwardedBy = request.getHeader(PrimaryForwarder.HOP_HEADER);
		if (forwardedBy != null) {
			return refuse(request, response, state, RoutingOutcome.LOOP, HttpStatus.SERVICE_UNAVAILABLE,
					"Forwarded to a node that is not the primary",
					"This request was forwarded here by another node, but this node is not the primary either: "
							+ "it is not forwarded a second time. Retry it.",
					this.retryAfter);
		}
		return switch (this.strategy) {
			case FLY_REPLAY -> flyReplay(request, response, state, primary);
			case FORWARD -> forward(request, response, state, primary);
			case REDIRECT -> redirect(request, response, state, primary);
			default -> refuse(request, response, state, RoutingOutcome.REJECTED, HttpStatus.SERVICE_UNAVAILABLE,
					"Not the primary", "This request writes to the database and must be sent to the primary, "
							+ primary + "; this node is a " + state.role().id() + ".",
					this.retryAfter);
		};
	}

	private RoutingOutcome flyReplay(HttpServletRequest request, HttpServletResponse response, NodeState state,
			String primary) throws IOException {
		if (request.getHeader(FLY_REPLAY_SRC_HEADER) != null) {
			return refuse(request, response, state, RoutingOutcome.LOOP, HttpStatus.SERVICE_UNAVAILABLE,
					"Replayed to a node that is not the primary",
					"Fly.io replayed this request here, but this node is not the primary (" + primary
							+ " is): it is not replayed a second time. Retry it.",
					this.retryAfter);
		}
		Body body = body(request);
		if (body == Body.TOO_LARGE || (body == Body.UNKNOWN
				&& request.getContentLengthLong() > FLY_REPLAY_MAX_BODY_BYTES)) {
			return refuse(request, response, state, RoutingOutcome.TOO_LARGE, HttpStatus.SERVICE_UNAVAILABLE,
					"Request too large to replay",
					"This request must run on the primary, " + primary + ", but Fly.io cannot replay a request "
							+ "whose body is over 1 MB there. Send it to the primary directly, or make it smaller.",
					null);
		}
		response.setStatus(HttpStatus.CONFLICT.value());
		response.setHeader(FLY_REPLAY_HEADER, "instance=" + primary
				+ (PrimaryRequests.isRefusedWrite(request) ? ";state=" + PrimaryRequests.REFUSED_WRITE_STATE : ""));
		response.setContentLength(0);
		response.flushBuffer();
		return RoutingOutcome.REPLAYED;
	}

	private RoutingOutcome forward(HttpServletRequest request, HttpServletResponse response, NodeState state,
			String primary) throws IOException {
		Body body = body(request);
		if (body == Body.TOO_LARGE) {
			return refuse(request, response, state, RoutingOutcome.TOO_LARGE, HttpStatus.CONTENT_TOO_LARGE,
					"Request too large to forward",
					"This request must run on the primary, " + primary + ", but its body is over "
							+ "litefs.routing.forward.max-body-size (" + this.forwarder.maxBodySize()
							+ "), the most this node forwards.",
					null);
		}
		if (body == Body.UNKNOWN) {
			return refuse(request, response, state, RoutingOutcome.FAILED, HttpStatus.SERVICE_UNAVAILABLE,
					"Request body not kept for forwarding",
					"This request must run on the primary, " + primary + ", but its body was read before it could "
							+ "be kept for forwarding (multipart bodies are not kept). Send it to the primary directly.",
					null);
		}
		String base;
		try {
			base = url(this.forwardUrl, primary);
		}
		catch (IllegalArgumentException ex) {
			return cannotBuildUrl(request, response, state, primary, ex);
		}
		RoutingOutcome outcome = this.forwarder.forward(request, body.bytes(request), response, base);
		return switch (outcome) {
			case BAD_REQUEST -> refuse(request, response, state, outcome, HttpStatus.BAD_REQUEST,
					"Request cannot be forwarded", "This request must run on the primary, " + primary
							+ ", but its path or query string cannot be sent on as it came (a malformed %-escape, "
							+ "for one). It was not sent; correct the URL.",
					null);
			case TOO_LARGE -> refuse(request, response, state, outcome, HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE,
					"Request headers too large to forward", "This request must run on the primary, " + primary
							+ ", but its headers, with the X-Forwarded-* and " + PrimaryForwarder.HOP_HEADER
							+ " headers forwarding adds, would be over server.max-http-request-header-size ("
							+ this.forwarder.maxHeaderSize() + "), the most the primary takes. It was not sent; "
							+ "send smaller headers (cookies, for one).",
					null);
			case UNREACHABLE -> refuse(request, response, state, outcome, HttpStatus.SERVICE_UNAVAILABLE,
					"Primary unreachable", "This request must run on the primary, " + primary
							+ ", which could not be reached at " + base + ". Retry it.",
					this.retryAfter);
			case TIMEOUT -> refuse(request, response, state, outcome, HttpStatus.GATEWAY_TIMEOUT,
					"Primary did not answer in time", "The primary, " + primary + ", did not answer within "
							+ "litefs.routing.forward.response-timeout (" + this.forwarder.responseTimeout()
							+ "). The request may or may not have taken effect there; it is not sent again.",
					null);
			case FAILED -> refuse(request, response, state, outcome, HttpStatus.BAD_GATEWAY,
					"Forwarding to the primary failed", "The exchange with the primary, " + primary
							+ ", at " + base + " failed before it answered. The request may or may not have taken "
							+ "effect there; it is not sent again.",
					null);
			default -> outcome;
		};
	}

	private RoutingOutcome redirect(HttpServletRequest request, HttpServletResponse response, NodeState state,
			String primary) throws IOException {
		String base;
		try {
			base = url(this.redirectUrl, primary);
		}
		catch (IllegalArgumentException ex) {
			return cannotBuildUrl(request, response, state, primary, ex);
		}
		String query = request.getQueryString();
		String location = base + request.getRequestURI() + ((query != null) ? "?" + query : "");
		response.setStatus(HttpStatus.TEMPORARY_REDIRECT.value());
		response.setHeader(HttpHeaders.LOCATION, location);
		response.setContentLength(0);
		response.flushBuffer();
		return RoutingOutcome.REDIRECTED;
	}

	private String url(PrimaryUrlTemplate template, String primary) {
		return template.expand(primary, this.localPort.getAsInt());
	}

	/** A primary whose URL cannot be built now may be one LiteFS names differently soon. */
	private RoutingOutcome cannotBuildUrl(HttpServletRequest request, HttpServletResponse response, NodeState state,
			String primary, IllegalArgumentException ex) throws IOException {
		logger.warn("Cannot route {} {} to the primary {}: {}", request.getMethod(), request.getRequestURI(), primary,
				ex.getMessage());
		return refuse(request, response, state, RoutingOutcome.NO_PRIMARY, HttpStatus.SERVICE_UNAVAILABLE,
				"Cannot forward now", "This request must run on the primary, " + primary + ", but " + ex.getMessage()
						+ " (from the " + this.strategy.id() + " URL template). It was not sent; retry it.",
				this.retryAfter);
	}

	private RoutingOutcome noPrimary(HttpServletRequest request, HttpServletResponse response, NodeState state)
			throws IOException {
		String detail = state.isPrimary()
				? "This node became the primary while the request ran. Retry it."
				: "This request writes to the database and must run on the primary, but this node ("
						+ state.role().id() + ") knows no primary to send it to. Retry it shortly.";
		return refuse(request, response, state, RoutingOutcome.NO_PRIMARY, HttpStatus.SERVICE_UNAVAILABLE,
				"No primary", detail, this.retryAfter);
	}

	private RoutingOutcome refuse(HttpServletRequest request, HttpServletResponse response, NodeState state,
			RoutingOutcome outcome, HttpStatus status, String title, String detail, @Nullable Duration retryAfter)
			throws IOException {
		ProblemDetail problem = ProblemResponses.problem(request, status, title, detail);
		problem.setProperty("node", state.hostname());
		problem.setProperty("role", state.role().id());
		if (state.primary() != null && Hostnames.isValid(state.primary())) {
			problem.setProperty("primary", state.primary());
		}
		ProblemResponses.write(response, problem, retryAfter);
		logger.debug("{} {} answered {}: {}", request.getMethod(), request.getRequestURI(), status.value(), detail);
		return outcome;
	}

	private void notifyListeners(RoutingOutcome outcome) {
		for (RoutingListener listener : this.listeners) {
			listener.routed(this.strategy, outcome);
		}
	}

	private static Body body(HttpServletRequest request) {
		BufferedBodyRequest buffered = WebUtils.getNativeRequest(request, BufferedBodyRequest.class);
		if (buffered != null) {
			return (buffered.body() != null) ? Body.KEPT : Body.TOO_LARGE;
		}
		if (request.getAttribute(BODY_TOO_LARGE_ATTRIBUTE) != null) {
			return Body.TOO_LARGE;
		}
		return hasBody(request) ? Body.UNKNOWN : Body.NONE;
	}

	/**
	 * Whether a request has a body: a non-zero {@code Content-Length} or a
	 * {@code Transfer-Encoding}.
	 * @param request the request
	 * @return {@code true} when it has a body
	 */
	static boolean hasBody(HttpServletRequest request) {
		return request.getContentLengthLong() > 0 || request.getHeader("Transfer-Encoding") != null;
	}

	@Override
	public void destroy() {
		if (this.forwarder != null) {
			this.forwarder.destroy();
		}
	}

	@Override
	public String toString() {
		return this.strategy.id();
	}

	/** What became of a request's body. */
	private enum Body {

		/** No body. */
		NONE,

		/** Kept whole. */
		KEPT,

		/** Over the limit, not kept. */
		TOO_LARGE,

		/** Not kept, possibly read already. */
		UNKNOWN;

		byte @Nullable [] bytes(HttpServletRequest request) {
			return (this == KEPT) ? WebUtils.getNativeRequest(request, BufferedBodyRequest.class).body() : null;
		}

	}

}
