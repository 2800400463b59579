package dev.litefs.spring.consistency;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;

import dev.litefs.spring.internal.ProblemResponses;
import dev.litefs.spring.node.LiteFsFileException;
import dev.litefs.spring.node.LiteFsNode;
import dev.litefs.spring.node.Position;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;

/**
 * Confirms, as the response of a request that ensured the primary commits, that LiteFS
 * recorded its write: reads the position LiteFS recorded and, with read-your-writes on,
 * adds the {@code __txid} cookie naming it. When LiteFS cannot tell (its mount broke as
 * the write committed: in WAL mode SQLite reports the commit done before LiteFS has
 * turned it into a transaction of its own, and a LiteFS killed then drops it as it
 * starts again), a successful answer is replaced by a {@code 503 Write not confirmed}
 * that says the write may or may not be stored; an answer that is an error already says
 * nothing was done and goes through.
 */
final class WriteConfirmation implements WriteConfirmingResponse.Confirmation {

	private static final Logger logger = LoggerFactory.getLogger(WriteConfirmation.class);

	private final LiteFsNode node;

	private final ConsistencyFilter.Settings settings;

	private final @Nullable Duration retryAfter;

	/**
	 * Creates the confirmation.
	 * @param node this node, which reads the recorded position
	 * @param settings the cookie's settings, and whether read-your-writes is on
	 * @param retryAfter the {@code Retry-After} of the {@code 503}, or {@code null} for none
	 */
	WriteConfirmation(LiteFsNode node, ConsistencyFilter.Settings settings, @Nullable Duration retryAfter) {
		this.node = node;
		this.settings = settings;
		this.retryAfter = retryAfter;
	}

	@Override
	public boolean beforeCommit(HttpServletRequest request, HttpServletResponse response, int status) {
		Position recorded;
		try {
			recorded = this.node.recordedPosition();
		}
		catch (LiteFsFileException ex) {
			if (status < HttpServletResponse.SC_BAD_REQUEST) {
				answerUnrecorded(request, response, ex);
				return false;
			}
			return true;
		}
		if (this.settings.readYourWrites()) {
			response.addHeader(HttpHeaders.SET_COOKIE,
					TxidCookie.set(Map.of(this.node.mount().database(), recorded.txid()), this.node.mount().database(),
							this.settings.cookieMaxAge(), this.settings.secure(request)));
		}
		return true;
	}

	private void answerUnrecorded(HttpServletRequest request, HttpServletResponse response,
			LiteFsFileException reason) {
		String node = this.node.hostname();
		logger.warn("{} {} on node {}: LiteFS cannot confirm that it recorded the write ({}); answered 503",
				request.getMethod(), request.getRequestURI(), node, reason.getMessage());
		ProblemDetail problem = ProblemResponses.problem(request, HttpStatus.SERVICE_UNAVAILABLE,
				"Write not confirmed", "LiteFS on node " + node + " went away as this request's write committed, "
						+ "and cannot confirm that it recorded it: the write may or may not be stored. Check before "
						+ "you retry it.");
		problem.setProperty("node", node);
		try {
			response.reset();
			ProblemResponses.write(request, response, problem, this.retryAfter);
		}
		catch (IOException | IllegalStateException ex) {
			logger.debug("Answering {} {} failed: {}", request.getMethod(), request.getRequestURI(), ex.toString());
		}
	}

}
