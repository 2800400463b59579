package dev.litefs.spring.consistency;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;

import dev.litefs.spring.internal.ProblemResponses;
import dev.litefs.spring.internal.RequestPathPatterns;
import dev.litefs.spring.node.LiteFsFileException;
import dev.litefs.spring.node.LiteFsNode;
import dev.litefs.spring.node.NodeState;
import dev.litefs.spring.node.Position;
import dev.litefs.spring.routing.PrimaryRouter;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.util.DisconnectedClientHelper;
import org.springframework.web.util.WebUtils;

/**
 * Read-your-writes with the {@code __txid} cookie, on every node.
 * <ul>
 * <li>After a request that ensured the primary, the response carries {@code __txid}
 * with the database's TXID, read when the response commits.</li>
 * <li>On a replica, a request whose {@code __txid} is ahead of this node's TXID waits,
 * without holding a thread (Servlet async, one {@link LiteFsNode#await} each), until
 * the TXID arrives, then proceeds; after the timeout it is replayed to the primary by
 * the routing strategy, or answered {@code 504}, and its cookie deleted.</li>
 * <li>A malformed cookie is ignored and deleted; on the primary, a cookie ahead of the
 * primary itself cannot be honoured by anyone and is deleted too.</li>
 * <li>A write is answered with success only once LiteFS's position after it could be
 * read ({@link WriteConfirmation}, run by the {@link WriteConfirmingResponse} the filter
 * wraps the response in). This holds with read-your-writes off too
 * ({@code litefs.consistency.enabled=false}): the filter then only confirms writes.</li>
 * </ul>
 * Waiting requests continue on an {@code ASYNC} dispatch, as a {@code DeferredResult}
 * does, so the filter is registered for {@code REQUEST} and {@code ASYNC} dispatches
 * and is best placed after the application's other filters. Each wait is one
 * {@value #OBSERVATION} observation, as long as the wait, with the low-cardinality key
 * {@code outcome} ({@link WaitOutcome#id()}) and the high-cardinality key {@code txid},
 * the TXID waited for: an {@code ObservationHandler} of it is told of every wait.
 */
public class ConsistencyFilter implements Filter {

	/** The name of the observation of a wait (and of the timer made of it). */
	public static final String OBSERVATION = "litefs.consistency.wait";

	private static final String OUTCOME_ATTRIBUTE = ConsistencyFilter.class.getName() + ".outcome";

	/** Beyond the timeout, the container's own bound on an async request, a safety net. */
	private static final long CONTAINER_TIMEOUT_MARGIN_MILLIS = 10_000;

	private static final Logger logger = LoggerFactory.getLogger(ConsistencyFilter.class);

	private final LiteFsNode node;

	private final @Nullable PrimaryRouter router;

	private final Settings settings;

	private final ObservationRegistry observations;

	private final WriteConfirmation confirmation;

	/**
	 * Creates the filter.
	 * @param node this node, which waiting requests {@link LiteFsNode#await await}
	 * @param router the router replaying timed-out requests, or {@code null} to answer
	 * {@code 504} instead
	 * @param settings the cookie and wait settings
	 * @param observations where waits are observed
	 */
	public ConsistencyFilter(LiteFsNode node, @Nullable PrimaryRouter router, Settings settings,
			ObservationRegistry observations) {
		this.node = node;
		this.router = router;
		this.settings = settings;
		this.observations = observations;
		this.confirmation = new WriteConfirmation(node, settings, (router != null) ? router.retryAfter() : null);
	}

	/**
	 * The cookie and wait settings in force.
	 * @return the settings
	 */
	public Settings settings() {
		return this.settings;
	}

	/**
	 * Adds the {@code __txid} cookie naming the position LiteFS recorded, for a write the
	 * request made outside {@code @EnsurePrimary} (a change to its HTTP session written at
	 * commit). Does nothing with read-your-writes off, or when LiteFS cannot tell its
	 * position.
	 * @param request the request
	 * @param response its response, not yet committed
	 */
	public void addTxidCookie(HttpServletRequest request, HttpServletResponse response) {
		if (!this.settings.readYourWrites() || this.settings.exclude().matches(request)) {
			return;
		}
		try {
			String main = this.node.mount().database();
			response.addHeader(HttpHeaders.SET_COOKIE, TxidCookie.set(Map.of(main, this.node.recordedPosition().txid()),
					main, this.settings.cookieMaxAge(), this.settings.secure(request)));
		}
		catch (LiteFsFileException ex) {
			logger.debug("No __txid cookie after a session write: {}", ex.getMessage());
		}
	}

	@Override
	public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
			throws IOException, ServletException {
		if (!(req instanceof HttpServletRequest request) || !(res instanceof HttpServletResponse response)) {
			chain.doFilter(req, res);
			return;
		}
		if (request.getDispatcherType() == DispatcherType.ASYNC) {
			resume(request, response, chain);
			return;
		}
		if (request.getDispatcherType() != DispatcherType.REQUEST || this.settings.exclude().matches(request)) {
			chain.doFilter(request, response);
			return;
		}
		WriteConfirmingResponse wrapped = new WriteConfirmingResponse(request, response, this.confirmation);
		if (!this.settings.readYourWrites()) {
			proceed(request, wrapped, chain);
			return;
		}
		TxidCookie cookie = TxidCookie.of(request, this.node.mount().database());
		long txid = cookie.txids().getOrDefault(this.node.mount().database(), 0L);
		if (cookie.isMalformed()) {
			deleteCookie(request, wrapped);
		}
		else if (cookie.isValid() && !hasReached(txid)) {
			NodeState state = this.node.state();
			if (!state.isPrimary()) {
				waitFor(txid, request, wrapped, chain);
				return;
			}
			// the primary holds every write: no node will ever reach this TXID
			logger.debug("Deleting a __txid cookie ahead of the primary: {}", cookie);
			deleteCookie(request, wrapped);
		}
		proceed(request, wrapped, chain);
	}

	/**
	 * Whether this node has reached a TXID; when the mount has but no event said so yet,
	 * the node's reading catches up, so that what runs next (a TXID's ETag, a TXID-stamped
	 * cache) sees the TXID in {@link LiteFsNode#state()}.
	 */
	private boolean hasReached(long txid) {
		return this.node.state().position().hasReached(txid) || this.node.catchUp().position().hasReached(txid);
	}

	private void waitFor(long txid, HttpServletRequest request,
			WriteConfirmingResponse response, FilterChain chain) throws IOException, ServletException {
		Observation observation = Observation.createNotStarted(OBSERVATION, this.observations)
			.contextualName("litefs wait for txid")
			.highCardinalityKeyValue("txid", Long.toString(txid))
			.start();
		CompletableFuture<Boolean> reached = this.node.await(txid, this.settings.timeout());
		if (!request.isAsyncSupported()) {
			// a filter or servlet in the chain does not support async: a bounded blocking wait
			WaitOutcome outcome = reached.join() ? WaitOutcome.CAUGHT_UP : WaitOutcome.TIMED_OUT;
			ended(outcome, observation);
			continueAfter(outcome, txid, request, response, chain);
			return;
		}
		AsyncContext async = request.startAsync(request, response);
		async.setTimeout(this.settings.timeout().toMillis() + CONTAINER_TIMEOUT_MARGIN_MILLIS);
		async.addListener(new AbandonedWait(reached));
		reached.whenComplete((caughtUp, failure) -> {
			if (failure instanceof CancellationException) {
				ended(WaitOutcome.ABANDONED, observation);
				return;
			}
			WaitOutcome outcome = Boolean.TRUE.equals(caughtUp) ? WaitOutcome.CAUGHT_UP : WaitOutcome.TIMED_OUT;
			ended(outcome, observation);
			request.setAttribute(OUTCOME_ATTRIBUTE, new Resumption(outcome, txid));
			try {
				async.dispatch();
			}
			catch (IllegalStateException ex) {
				logger.debug("A request that waited for TXID {} had already ended", Position.toHex(txid), ex);
			}
		});
	}

	private void resume(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws IOException, ServletException {
		WriteConfirmingResponse wrapped = WebUtils.getNativeResponse(response, WriteConfirmingResponse.class);
		Object resumption = request.getAttribute(OUTCOME_ATTRIBUTE);
		if (!(resumption instanceof Resumption resumed) || wrapped == null) {
			// another async dispatch (a DeferredResult, a Callable) of a request that did not wait
			chain.doFilter(request, response);
			if (wrapped != null && !request.isAsyncStarted()) {
				wrapped.beforeCommit();
			}
			return;
		}
		request.removeAttribute(OUTCOME_ATTRIBUTE);
		continueAfter(resumed.outcome(), resumed.txid(), request, wrapped, chain);
	}

	private void continueAfter(WaitOutcome outcome, long txid, HttpServletRequest request,
			WriteConfirmingResponse response, FilterChain chain) throws IOException, ServletException {
		if (outcome == WaitOutcome.CAUGHT_UP) {
			// released by a reading of <db>-pos while the event stream was down: the node catches up
			hasReached(txid);
			proceed(request, response, chain);
			return;
		}
		NodeState state = this.node.state();
		if (state.isPrimary()) {
			// promoted while the request waited: the primary answers it itself
			proceed(request, response, chain);
			return;
		}
		// honoured once: a TXID this node could not reach in time costs the timeout only once
		deleteCookie(request, response);
		if (this.settings.onTimeout() == TimeoutAction.REPLAY && this.router != null) {
			this.router.route(request, response, state);
			return;
		}
		ProblemDetail problem = ProblemResponses.problem(request, HttpStatus.GATEWAY_TIMEOUT,
				"Replica behind your last write",
				"This replica has not reached the transaction of your last write (TXID " + Position.toHex(txid)
						+ "; it is at " + this.node.currentPosition().txidHex() + ") within litefs.consistency.timeout ("
						+ this.settings.timeout() + "). Retry the request.");
		problem.setProperty("node", state.hostname());
		problem.setProperty("txid", Position.toHex(txid));
		try {
			ProblemResponses.write(request, response, problem, null);
		}
		catch (IOException ex) {
			if (!DisconnectedClientHelper.isClientDisconnectedException(ex)) {
				throw ex;
			}
			logger.debug("The client of {} {} left while it waited: {}", request.getMethod(), request.getRequestURI(),
					ex.toString());
		}
	}

	private void proceed(HttpServletRequest request, WriteConfirmingResponse response, FilterChain chain)
			throws IOException, ServletException {
		chain.doFilter(request, response);
		if (!request.isAsyncStarted()) {
			response.beforeCommit();
		}
	}

	private void deleteCookie(HttpServletRequest request, HttpServletResponse response) {
		response.addHeader(HttpHeaders.SET_COOKIE, TxidCookie.delete(this.settings.secure(request)));
	}

	private static void ended(WaitOutcome outcome, Observation observation) {
		observation.lowCardinalityKeyValue("outcome", outcome.id()).stop();
	}

	/**
	 * The settings of the cookie and of waiting.
	 *
	 * @param readYourWrites whether the cookie is set and honoured
	 * ({@code litefs.consistency.enabled}): when not, writes are only confirmed, with no
	 * cookie and no wait
	 * @param timeout the longest a replica holds a request
	 * @param onTimeout what it does then
	 * @param cookieMaxAge the cookie's {@code Max-Age}
	 * @param cookieSecure whether the cookie is {@code Secure} on plain HTTP too
	 * @param exclude paths the cookie is neither set nor honoured on
	 */
	public record Settings(boolean readYourWrites, Duration timeout, TimeoutAction onTimeout, Duration cookieMaxAge,
			boolean cookieSecure, RequestPathPatterns exclude) {

		/**
		 * Whether the cookie goes out {@code Secure} on a request.
		 * @param request the request
		 * @return {@code true} when {@link #cookieSecure()} or the request came over HTTPS
		 */
		public boolean secure(HttpServletRequest request) {
			return this.cookieSecure || request.isSecure();
		}

	}

	private record Resumption(WaitOutcome outcome, long txid) {
	}

	/** Stops waiting when the client goes away or the container gives up. */
	private static final class AbandonedWait implements AsyncListener {

		private final CompletableFuture<Boolean> reached;

		AbandonedWait(CompletableFuture<Boolean> reached) {
			this.reached = reached;
		}

		@Override
		public void onTimeout(AsyncEvent event) throws IOException {
			this.reached.cancel(false);
			if (event.getSuppliedRequest() instanceof HttpServletRequest request
					&& event.getSuppliedResponse() instanceof HttpServletResponse response && !response.isCommitted()) {
				ProblemResponses.write(request, response, ProblemResponses.problem(request, HttpStatus.GATEWAY_TIMEOUT,
						"Replica behind your last write", "The wait for this replica to catch up did not end."), null);
			}
			event.getAsyncContext().complete();
		}

		@Override
		public void onError(AsyncEvent event) {
			this.reached.cancel(false);
		}

		@Override
		public void onComplete(AsyncEvent event) {
			this.reached.cancel(false);
		}

		@Override
		public void onStartAsync(AsyncEvent event) {
		}

	}

}
