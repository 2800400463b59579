package dev.litefs.spring.routing.forward;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Set;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.http.HttpHeaders;
import org.springframework.http.client.ClientHttpResponse;

/**
 * The primary's answer passed back to the client: its status, its headers (hop-by-hop
 * ones excepted; an absolute {@code Location} at the primary rewritten to the address
 * the client called) and its body, each part passed on as it arrives.
 */
final class ForwardedAnswer {

	private static final Logger logger = LoggerFactory.getLogger(ForwardedAnswer.class);

	private final HttpServletRequest request;

	private final HttpServletResponse response;

	private final String base;

	private final Duration responseTimeout;

	private final long start;

	/**
	 * Creates the copy of one answer.
	 * @param request the client's request
	 * @param response the client's response, not yet committed
	 * @param base the primary's base URL
	 * @param responseTimeout the bound on the primary's whole answer
	 * @param start when the exchange began ({@link System#nanoTime()})
	 */
	ForwardedAnswer(HttpServletRequest request, HttpServletResponse response, String base, Duration responseTimeout,
			long start) {
		this.request = request;
		this.response = response;
		this.base = base;
		this.responseTimeout = responseTimeout;
		this.start = start;
	}

	/**
	 * Writes the primary's answer as the response.
	 * @param answer the primary's answer
	 * @return {@link ForwardResult#FORWARDED} when it was passed on (or the client left),
	 * else, with the response reset, {@link ForwardResult#TIMEOUT} or
	 * {@link ForwardResult#FAILED}
	 * @throws PrimaryForwarder.AnswerCutShortException if the answer broke off after part
	 * of it reached the client
	 */
	ForwardResult copy(ClientHttpResponse answer) throws IOException {
		this.response.setStatus(answer.getStatusCode().value());
		HttpHeaders headers = answer.getHeaders();
		Set<String> unforwarded = HopByHopHeaders.of(headers.getOrEmpty(HttpHeaders.CONNECTION));
		for (var header : headers.headerSet()) {
			String name = header.getKey();
			if (!name.startsWith(":") && !unforwarded.contains(name)) {
				for (String value : header.getValue()) {
					this.response.addHeader(name, name.equalsIgnoreCase(HttpHeaders.LOCATION) ? ownLocation(value) : value);
				}
			}
		}
		if (headers.getContentLength() >= 0) {
			this.response.setContentLengthLong(headers.getContentLength());
		}
		IOException failure;
		try (InputStream in = answer.getBody()) {
			relay(in, this.response.getOutputStream());
			return ForwardResult.FORWARDED;
		}
		catch (ClientGoneException ex) {
			// a client leaving is normal: nobody is left to tell
			logger.debug("The client of {} {} left before the primary's answer was passed on: {}",
					this.request.getMethod(), this.request.getRequestURI(), ex.getCause().toString());
			return ForwardResult.FORWARDED;
		}
		catch (IOException ex) {
			failure = ex;
		}
		// the client closes the answer's stream when the response timeout is over
		boolean timedOut = System.nanoTime() - this.start >= this.responseTimeout.toNanos();
		String what = "The answer of the primary at " + this.base + " to " + this.request.getMethod() + " "
				+ this.request.getRequestURI() + " was cut short"
				+ (timedOut ? ": it took longer than " + this.responseTimeout : "");
		if (this.response.isCommitted()) {
			// part of it reached the client: only an aborted connection tells the client so
			throw new PrimaryForwarder.AnswerCutShortException(what, failure);
		}
		logger.warn("{}: {}", what, failure.toString());
		this.response.reset();
		return timedOut ? ForwardResult.TIMEOUT : ForwardResult.FAILED;
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
	private String ownLocation(String location) {
		String host = this.request.getHeader(HttpHeaders.HOST);
		if (host == null || !location.regionMatches(true, 0, this.base, 0, this.base.length())
				|| (location.length() > this.base.length() && "/?#".indexOf(location.charAt(this.base.length())) < 0)) {
			return location;
		}
		return this.request.getScheme() + "://" + host + location.substring(this.base.length());
	}

	/** Writing the primary's answer to the client failed: the client left. */
	private static final class ClientGoneException extends IOException {

		ClientGoneException(IOException cause) {
			super(cause);
		}

	}

}
