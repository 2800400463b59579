package dev.litefs.spring.consistency;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import dev.litefs.spring.internal.PrimaryRequests;
import dev.litefs.spring.internal.ProblemResponses;
import dev.litefs.spring.jdbc.DatabaseWrites;
import dev.litefs.spring.node.LiteFsFileException;
import dev.litefs.spring.node.LiteFsNode;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;

/**
 * Confirms, as the response of a request that ensured the primary (or whose connections
 * committed a write) commits, that LiteFS recorded its writes: reads the position LiteFS
 * recorded for each database the request wrote (the main database when none was seen)
 * and, with read-your-writes on, adds the {@code __txid} cookie naming them, merged with
 * the other entries of the cookie the request came with. When LiteFS cannot tell (its mount broke as
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

	/** A request that ensured the primary, or whose connections committed a write. */
	@Override
	public boolean applies(HttpServletRequest request) {
		return PrimaryRequests.isEnsured(request) || !written(request).isEmpty();
	}

	@Override
	public boolean beforeCommit(HttpServletRequest request, HttpServletResponse response, int status) {
		Map<String, Long> recorded;
		try {
			recorded = recorded(request);
		}
		catch (LiteFsFileException ex) {
			if (status < HttpServletResponse.SC_BAD_REQUEST) {
				answerUnrecorded(request, response, ex);
				return false;
			}
			return true;
		}
		if (this.settings.readYourWrites()) {
			addCookie(request, response, recorded);
		}
		return true;
	}

	/**
	 * The TXID LiteFS recorded for each database the request wrote (the main database
	 * when its connections recorded no write: a write they could not see).
	 * @param request the request
	 * @return the TXIDs, by database
	 * @throws LiteFsFileException if a database's position cannot be read
	 */
	Map<String, Long> recorded(HttpServletRequest request) {
		Set<String> written = written(request);
		Map<String, Long> recorded = new TreeMap<>();
		for (String db : written.isEmpty() ? Set.of(this.node.mount().database()) : written) {
			try {
				recorded.put(db, this.node.recordedPosition(db).txid());
			}
			catch (IllegalArgumentException ex) {
				logger.debug("No __txid entry for {}: {}", db, ex.getMessage());
			}
		}
		return recorded;
	}

	/**
	 * Adds the {@code __txid} cookie of a request's writes, merged with the other entries
	 * of the cookie it came with.
	 * @param request the request
	 * @param response its response, not committed
	 * @param recorded the TXID of each database written
	 */
	void addCookie(HttpServletRequest request, HttpServletResponse response, Map<String, Long> recorded) {
		String main = this.node.mount().database();
		response.addHeader(HttpHeaders.SET_COOKIE, TxidCookie.set(TxidCookie.merge(recorded, incoming(request)), main,
				this.settings.cookieMaxAge(), this.settings.secure(request)));
	}

	/** The databases the request's connections committed writes to. */
	private static Set<String> written(HttpServletRequest request) {
		return (request.getAttribute(ConsistencyFilter.WRITES_ATTRIBUTE) instanceof DatabaseWrites.Scope scope)
				? scope.databases() : Set.of();
	}

	/** The entries of the cookie the request came with that still hold. */
	@SuppressWarnings("unchecked")
	private static Map<String, Long> incoming(HttpServletRequest request) {
		return (request.getAttribute(ConsistencyFilter.INCOMING_ATTRIBUTE) instanceof Map<?, ?> txids)
				? (Map<String, Long>) txids : Map.of();
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
