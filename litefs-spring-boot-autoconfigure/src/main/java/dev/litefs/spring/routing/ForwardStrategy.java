package dev.litefs.spring.routing;

import java.io.IOException;
import java.util.Map;

import dev.litefs.spring.routing.forward.ForwardResult;
import dev.litefs.spring.routing.forward.KeptBody;
import dev.litefs.spring.routing.forward.PrimaryForwarder;

import org.springframework.http.HttpStatus;

/**
 * The {@code forward} strategy: the {@link PrimaryForwarder} sends the request to the
 * primary and its answer back to the client, for docker-compose, Kubernetes or nginx,
 * where nobody reads {@code fly-replay}.
 * <p>
 * Refused with a problem detail, never sent: a body over the limit ({@code 413}) or not
 * kept ({@code 503}), an {@code Upgrade} request (forwarding carries no upgraded
 * connection: {@code 503} naming the primary to connect to), a URL the request cannot be
 * sent on with ({@code 400}), headers the primary would refuse ({@code 431}). The
 * primary unreachable is a {@code 503}, no answer in time a {@code 504}, a broken
 * exchange a {@code 502}.
 */
public class ForwardStrategy implements RoutingStrategy {

	private final PrimaryForwarder forwarder;

	private final PrimaryUrlTemplate url;

	/**
	 * Creates the strategy.
	 * @param forwarder the forwarder
	 * @param url the primary's URL
	 */
	public ForwardStrategy(PrimaryForwarder forwarder, PrimaryUrlTemplate url) {
		this.forwarder = forwarder;
		this.url = url;
	}

	/**
	 * The forwarder.
	 * @return the forwarder
	 */
	public PrimaryForwarder forwarder() {
		return this.forwarder;
	}

	/**
	 * The primary's URL.
	 * @return the template
	 */
	public PrimaryUrlTemplate url() {
		return this.url;
	}

	@Override
	public String name() {
		return FORWARD;
	}

	@Override
	public long bodyLimit() {
		return this.forwarder.maxBodySize().toBytes();
	}

	@Override
	public RoutingOutcome route(RoutedRequest routed) throws IOException {
		String primary = routed.primary();
		String base;
		try {
			base = routed.url(this.url);
		}
		catch (IllegalArgumentException ex) {
			return routed.cannotBuildUrl(FORWARD, ex);
		}
		if (routed.isUpgrade()) {
			return routed.answer(RoutingOutcome.UPGRADE_REFUSED, HttpStatus.SERVICE_UNAVAILABLE,
					"Upgrade cannot be forwarded",
					"This request asks to upgrade its connection (Upgrade: " + routed.request().getHeader("Upgrade")
							+ ") and must run on the primary, " + primary + ", but forwarding carries no upgraded "
							+ "connection. Connect to the primary, " + primary + ", directly.",
					false, Map.of("primaryUrl", base));
		}
		KeptBody body = routed.body();
		if (body.kind() == KeptBody.Kind.TOO_LARGE) {
			return routed.refuse(RoutingOutcome.TOO_LARGE, HttpStatus.CONTENT_TOO_LARGE, "Request too large to forward",
					"This request must run on the primary, " + primary + ", but its body is over "
							+ "litefs.routing.forward.max-body-size (" + this.forwarder.maxBodySize()
							+ "), the most this node forwards.");
		}
		if (body.kind() == KeptBody.Kind.UNKNOWN) {
			return routed.refuse(RoutingOutcome.FAILED, HttpStatus.SERVICE_UNAVAILABLE,
					"Request body not kept for forwarding",
					"This request must run on the primary, " + primary + ", but its body was read before it could "
							+ "be kept for forwarding (multipart bodies are not kept, nor forms this node parsed for "
							+ "a URL with a query string). Send it to the primary directly.");
		}
		ForwardResult result = this.forwarder.forward(routed.request(), body.bytes(), routed.response(), base);
		return switch (result) {
			case FORWARDED -> RoutingOutcome.FORWARDED;
			case BAD_REQUEST -> routed.refuse(RoutingOutcome.BAD_REQUEST, HttpStatus.BAD_REQUEST,
					"Request cannot be forwarded", "This request must run on the primary, " + primary
							+ ", but its path or query string cannot be sent on as it came (a malformed %-escape, "
							+ "for one). It was not sent; correct the URL.");
			case HEADERS_TOO_LARGE -> routed.refuse(RoutingOutcome.TOO_LARGE, HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE,
					"Request headers too large to forward", "This request must run on the primary, " + primary
							+ ", but its headers, with the X-Forwarded-* and " + PrimaryForwarder.HOP_HEADER
							+ " headers forwarding adds, would be over server.max-http-request-header-size ("
							+ this.forwarder.maxHeaderSize() + "), the most the primary takes. It was not sent; "
							+ "send smaller headers (cookies, for one).");
			case UNREACHABLE -> routed.refuseForNow(RoutingOutcome.UNREACHABLE, HttpStatus.SERVICE_UNAVAILABLE,
					"Primary unreachable", "This request must run on the primary, " + primary
							+ ", which could not be reached at " + base + ". Retry it.");
			case TIMEOUT -> routed.refuse(RoutingOutcome.TIMEOUT, HttpStatus.GATEWAY_TIMEOUT,
					"Primary did not answer in time", "The primary, " + primary
							+ ", did not answer within litefs.routing.forward.response-timeout ("
							+ this.forwarder.responseTimeout()
							+ "). The request may or may not have taken effect there; it is not sent again.");
			case FAILED -> routed.refuse(RoutingOutcome.FAILED, HttpStatus.BAD_GATEWAY,
					"Forwarding to the primary failed", "The exchange with the primary, " + primary + ", at " + base
							+ " failed before it answered. The request may or may not have taken effect there; it "
							+ "is not sent again.");
		};
	}

}
