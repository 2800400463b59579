package dev.litefs.spring.routing;

import java.io.IOException;

import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;

/**
 * The {@code redirect} strategy: answers {@code 307 Temporary Redirect} to the same path
 * and query on the primary, for clients that can reach every node.
 */
public class RedirectStrategy implements RoutingStrategy {

	private final PrimaryUrlTemplate url;

	/**
	 * Creates the strategy.
	 * @param url the primary's URL as clients reach it
	 */
	public RedirectStrategy(PrimaryUrlTemplate url) {
		this.url = url;
	}

	/**
	 * The primary's URL as clients reach it.
	 * @return the template
	 */
	public PrimaryUrlTemplate url() {
		return this.url;
	}

	@Override
	public String name() {
		return REDIRECT;
	}

	@Override
	public RoutingOutcome route(RoutedRequest routed) throws IOException {
		String base;
		try {
			base = routed.url(this.url);
		}
		catch (IllegalArgumentException ex) {
			return routed.cannotBuildUrl(REDIRECT, ex);
		}
		String query = routed.request().getQueryString();
		HttpServletResponse response = routed.response();
		response.setStatus(HttpStatus.TEMPORARY_REDIRECT.value());
		response.setHeader(HttpHeaders.LOCATION,
				base + routed.request().getRequestURI() + ((query != null) ? "?" + query : ""));
		response.setContentLength(0);
		response.flushBuffer();
		return RoutingOutcome.REDIRECTED;
	}

}
