package dev.litefs.spring.routing.forward;

import java.net.URI;
import java.util.Collections;
import java.util.Set;

import dev.litefs.spring.internal.PrimaryRequests;
import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.http.HttpHeaders;

/**
 * The request as it goes to the primary: its URL at the primary, and its headers with
 * the hop-by-hop ones left out, {@code X-Forwarded-*} and {@value PrimaryForwarder#HOP_HEADER}
 * added; and whether the primary's server would take headers that large.
 */
final class ForwardedRequest {

	private static final Logger logger = LoggerFactory.getLogger(ForwardedRequest.class);

	/** Bytes of headers the HTTP client may add beyond those counted ({@code User-Agent}, ...). */
	private static final int HEADER_ROOM = 128;

	private ForwardedRequest() {
	}

	/**
	 * The request's URL at the primary.
	 * @param request the request
	 * @param base the primary's base URL
	 * @return the URL, or {@code null} when the request's path or query cannot be part of
	 * one (the base URL was checked: what a URL cannot hold came with the client's request)
	 */
	static @Nullable URI uri(HttpServletRequest request, String base) {
		String query = request.getQueryString();
		try {
			return URI.create(base + request.getRequestURI() + ((query != null) ? "?" + query : ""));
		}
		catch (IllegalArgumentException ex) {
			logger.debug("Cannot forward {} {} to the primary at {}: {}", request.getMethod(), request.getRequestURI(),
					base, ex.getMessage());
			return null;
		}
	}

	/**
	 * The headers sent to the primary.
	 * @param request the request
	 * @param body its whole body, or {@code null} for none
	 * @param hostname this node's hostname, sent in {@value PrimaryForwarder#HOP_HEADER}
	 * @return the headers
	 */
	static HttpHeaders headers(HttpServletRequest request, byte @Nullable [] body, String hostname) {
		HttpHeaders headers = new HttpHeaders();
		Set<String> unforwarded = HopByHopHeaders.of(Collections.list(request.getHeaders(HttpHeaders.CONNECTION)));
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
		if (!headers.containsHeader(HttpHeaders.ACCEPT)) {
			// no Accept means any type: said outright, so that no client's default (HttpURLConnection
			// sends text/html first) makes the primary answer a page to a client that asked for none
			headers.set(HttpHeaders.ACCEPT, "*/*");
		}
		if (body != null && body.length > 0) {
			headers.setContentLength(body.length);
		}
		String forwardedFor = request.getHeader("X-Forwarded-For");
		headers.set("X-Forwarded-For", ((forwardedFor != null) ? forwardedFor + ", " : "") + request.getRemoteAddr());
		if (request.getHeader("X-Forwarded-Proto") == null) {
			headers.set("X-Forwarded-Proto", request.getScheme());
		}
		String host = request.getHeader(HttpHeaders.HOST);
		if (request.getHeader("X-Forwarded-Host") == null && host != null) {
			headers.set("X-Forwarded-Host", host);
		}
		headers.set(PrimaryForwarder.HOP_HEADER, hostname);
		if (PrimaryRequests.isRefusedWrite(request)) {
			headers.set(PrimaryRequests.REFUSED_WRITE_HEADER, "1");
		}
		return headers;
	}

	/**
	 * Whether the request line and headers fit in what the primary's server takes,
	 * counting those the client adds ({@code Host}, {@code User-Agent}, ...) with some room
	 * to spare.
	 * @param method the request's method
	 * @param uri its URL at the primary
	 * @param headers the headers sent
	 * @param maxBytes the most bytes the primary takes, zero or less for no limit
	 * @return whether they fit
	 */
	static boolean fits(String method, URI uri, HttpHeaders headers, long maxBytes) {
		if (maxBytes <= 0) {
			return true;
		}
		String target = uri.getRawPath() + ((uri.getRawQuery() != null) ? "?" + uri.getRawQuery() : "");
		long bytes = method.length() + 1 + target.length() + " HTTP/1.1\r\n".length();
		for (var header : headers.headerSet()) {
			for (String value : header.getValue()) {
				bytes += header.getKey().length() + 2 + value.length() + 2;
			}
		}
		bytes += "Host: ".length() + uri.getRawAuthority().length() + 2;
		return bytes + 2 + HEADER_ROOM <= maxBytes;
	}

	/** A value an HTTP/1.1 client can send: no control character but tab, nothing past Latin-1. */
	private static boolean isSendable(String value) {
		return value.chars().allMatch((c) -> c == '\t' || (c >= 0x20 && c != 0x7f && c <= 0xff));
	}

}
