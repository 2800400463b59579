package dev.litefs.spring.consistency;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import dev.litefs.spring.internal.ProblemResponses;
import dev.litefs.spring.internal.RequestPathPatterns;
import dev.litefs.spring.jdbc.DatabaseWrites;
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
 * Read-your-writes with the {@code __txid} cookie, on every node, per database.
 * <ul>
 * <li>After a request that ensured the primary or whose connections committed a write
 * ({@link DatabaseWrites}, in a scope this filter opens around the chain), the response
 * carries {@code __txid} with the TXID of each database the request wrote (the main
 * database when none was seen), read when the response commits, merged with the other
 * entries of the cookie the request came with ({@link TxidCookie}).</li>
 * <li>On a replica, a request whose {@code __txid} has entries ahead of this node waits,
 * without holding a thread (Servlet async, one {@link LiteFsNode#await} per database,
 * one deadline), until every one arrives, then proceeds; after the timeout it is
 * replayed to the primary by the routing strategy, or answered {@code 504} naming the
 * databases behind, and its cookie deleted. An entry of a database this replica does
 * not serve (LiteFS's {@code lease.databases} filter, or not replicated yet) is never
 * waited for: the request goes to the primary by the routing strategy, or without one
 * is answered {@code 504} naming the database.</li>
 * <li>A malformed cookie is ignored and deleted; on the primary, entries ahead of the
 * primary itself, or of a database it does not serve, cannot be honoured by anyone and
 * are dropped (the cookie rewritten, or deleted when none is left).</li>
 * <li>A write is answered with success only once LiteFS's position after it could be
 * read ({@link WriteConfirmation}, run by the {@link WriteConfirmingResponse} the filter
 * wraps the response in). This holds with read-your-writes off too
 * ({@code litefs.consistency.enabled=false}): the filter then only confirms writes.</li>
 * </ul>
 * Waiting requests continue on an {@code ASYNC} dispatch, as a {@code DeferredResult}
 * does, so the filter is registered for {@code REQUEST} and {@code ASYNC} dispatches
 * and is best placed after the application's other filters. Each wait is one
 * {@value #OBSERVATION} observation, as long as the wait, with the low-cardinality key
 * {@code outcome} ({@link WaitOutcome#id()}) and the high-cardinality keys {@code txid},
 * the TXID waited for (of the main database when it is among those waited for, else of
 * the first by name), and {@code db}, the databases waited for, comma-separated: an
 * {@code ObservationHandler} of it is told of every wait.
 */
public class ConsistencyFilter implements Filter {

	/** The name of the observation of a wait (and of the timer made of it). */
	public static final String OBSERVATION = "litefs.consistency.wait";

	private static final String OUTCOME_ATTRIBUTE = ConsistencyFilter.class.getName() + ".outcome";

	/** The request's {@link DatabaseWrites.Scope}. */
	static final String WRITES_ATTRIBUTE = ConsistencyFilter.class.getName() + ".writes";

	/** The entries of the request's cookie that still hold, kept in the cookie after a write. */
	static final String INCOMING_ATTRIBUTE = ConsistencyFilter.class.getName() + ".incoming";

	/** Beyond the timeout, the container's own bound on an async request, a safety net. */
	private static final long CONTAINER_TIMEOUT_MARGIN_MILLIS = 10_000;

	private static final Logger logger = LoggerFactory.getLogger(ConsistencyFilter.class);

	private final LiteFsNode node;

	private final @Nullable PrimaryRouter router;

	private final Settings settings;

	private final ObservationRegistry observations;

	private final WriteConfirmation confirmation;

	private final @Nullable DatabaseWrites writes;

	/**
	 * Creates the filter, which names the main database in the cookie after every write.
	 * @param node this node, which waiting requests {@link LiteFsNode#await await}
	 * @param router the router replaying timed-out requests, or {@code null} to answer
	 * {@code 504} instead
	 * @param settings the cookie and wait settings
	 * @param observations where waits are observed
	 */
	public ConsistencyFilter(LiteFsNode node, @Nullable PrimaryRouter router, Settings settings,
			ObservationRegistry observations) {
		this(node, router, settings, observations, null);
	}

	/**
	 * Creates the filter.
	 * @param node this node, which waiting requests {@link LiteFsNode#await await}
	 * @param router the router replaying timed-out requests and sending requests for a
	 * database this replica does not serve to the primary, or {@code null} to answer
	 * {@code 504} instead
	 * @param settings the cookie and wait settings
	 * @param observations where waits are observed
	 * @param writes what tells the databases a request wrote, or {@code null} to name the
	 * main database after every write
	 * @since 0.3.0
	 */
	public ConsistencyFilter(LiteFsNode node, @Nullable PrimaryRouter router, Settings settings,
			ObservationRegistry observations, @Nullable DatabaseWrites writes) {
		this.node = node;
		this.router = router;
		this.settings = settings;
		this.observations = observations;
		this.writes = writes;
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
	 * Adds the {@code __txid} cookie naming the positions LiteFS recorded, for a write the
	 * request made outside {@code @EnsurePrimary} (a change to its HTTP session written at
	 * commit): of each database the request's connections wrote so far, or of the main
	 * database when none was seen, merged with the other entries of the request's cookie.
	 * Does nothing with read-your-writes off, or when LiteFS cannot tell a position.
	 * @param request the request
	 * @param response its response, not yet committed
	 */
	public void addTxidCookie(HttpServletRequest request, HttpServletResponse response) {
		if (!this.settings.readYourWrites() || this.settings.exclude().matches(request)) {
			return;
		}
		try {
			this.confirmation.addCookie(request, response, this.confirmation.recorded(request));
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
		if (cookie.isMalformed()) {
			deleteCookie(request, wrapped);
		}
		else if (cookie.isValid()) {
			Entries entries = entries(cookie.txids());
			request.setAttribute(INCOMING_ATTRIBUTE, cookie.txids());
			if (!entries.behind().isEmpty() || !entries.unserved().isEmpty()) {
				NodeState state = this.node.state();
				if (!state.isPrimary()) {
					if (!entries.unserved().isEmpty()) {
						notServed(entries, request, wrapped, state);
					}
					else {
						waitFor(entries.behind(), request, wrapped, chain);
					}
					return;
				}
				// the primary holds every write: no node will ever reach these entries
				dropOnPrimary(cookie, entries, request, wrapped);
			}
		}
		proceed(request, wrapped, chain);
	}

	/**
	 * Sorts a cookie's entries: reached, behind (this node serves the database and will
	 * reach the TXID), or of a database this node does not serve.
	 */
	private Entries entries(Map<String, Long> txids) {
		Map<String, Long> behind = new TreeMap<>();
		Map<String, Long> unserved = new TreeMap<>();
		txids.forEach((db, txid) -> {
			if (this.node.position(db).hasReached(txid)) {
				return;
			}
			if (!this.node.servesDatabase(db)) {
				unserved.put(db, txid);
			}
			else if (!hasReached(db, txid)) {
				behind.put(db, txid);
			}
		});
		return new Entries(behind, unserved);
	}

	/**
	 * Whether this node has reached a database's TXID; when the mount has but no event
	 * said so yet, the node's reading catches up, so that what runs next (a TXID's ETag, a
	 * TXID-stamped cache) sees the TXID in {@link LiteFsNode#state()}.
	 */
	private boolean hasReached(String db, long txid) {
		return this.node.position(db).hasReached(txid) || this.node.catchUp(db).hasReached(txid);
	}

	/** On the primary, drops the entries no node will honour; the others stay. */
	private void dropOnPrimary(TxidCookie cookie, Entries entries, HttpServletRequest request,
			HttpServletResponse response) {
		logger.debug("Dropping __txid entries ahead of the primary or of databases it does not serve: {} {}",
				entries.behind(), entries.unserved());
		Map<String, Long> kept = new TreeMap<>(cookie.txids());
		kept.keySet().removeAll(entries.behind().keySet());
		kept.keySet().removeAll(entries.unserved().keySet());
		request.setAttribute(INCOMING_ATTRIBUTE, kept);
		if (kept.isEmpty()) {
			deleteCookie(request, response);
		}
		else {
			response.addHeader(HttpHeaders.SET_COOKIE, TxidCookie.set(kept, this.node.mount().database(),
					this.settings.cookieMaxAge(), this.settings.secure(request)));
		}
	}

	/**
	 * A request whose cookie names a database this replica does not serve: sent to the
	 * primary, never waited for; without a router, answered {@code 504} naming it.
	 */
	private void notServed(Entries entries, HttpServletRequest request, WriteConfirmingResponse response,
			NodeState state) throws IOException {
		if (this.router != null) {
			this.router.route(request, response, state);
			return;
		}
		deleteCookie(request, response);
		String databases = String.join(", ", entries.unserved().keySet());
		ProblemDetail problem = ProblemResponses.problem(request, HttpStatus.GATEWAY_TIMEOUT,
				"Replica behind your last write",
				"This replica does not serve database " + databases + ", which your last write changed (LiteFS's "
						+ "lease.databases leaves it out, or it has not replicated here yet), and no routing sends "
						+ "the request to the primary. Retry the request on the primary.");
		problem.setProperty("node", state.hostname());
		problem.setProperty("unserved", hex(entries.unserved()));
		writeProblem(request, response, problem);
	}

	private void waitFor(Map<String, Long> behind, HttpServletRequest request,
			WriteConfirmingResponse response, FilterChain chain) throws IOException, ServletException {
		String main = this.node.mount().database();
		long txid = behind.containsKey(main) ? behind.get(main) : behind.values().iterator().next();
		Observation observation = Observation.createNotStarted(OBSERVATION, this.observations)
			.contextualName("litefs wait for txid")
			.highCardinalityKeyValue("txid", Long.toString(txid))
			.highCardinalityKeyValue("db", String.join(",", behind.keySet()))
			.start();
		CompletableFuture<Boolean> reached = awaitAll(behind);
		if (!request.isAsyncSupported()) {
			// a filter or servlet in the chain does not support async: a bounded blocking wait
			WaitOutcome outcome = reached.join() ? WaitOutcome.CAUGHT_UP : WaitOutcome.TIMED_OUT;
			ended(outcome, observation);
			continueAfter(outcome, behind, request, response, chain);
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
			request.setAttribute(OUTCOME_ATTRIBUTE, new Resumption(outcome, behind));
			try {
				async.dispatch();
			}
			catch (IllegalStateException ex) {
				logger.debug("A request that waited for {} had already ended", hex(behind), ex);
			}
		});
	}

	/**
	 * Waits for every database's TXID with one deadline: completed with {@code true} once
	 * all are reached, with {@code false} as soon as one is not; cancelling it cancels
	 * every wait.
	 */
	private CompletableFuture<Boolean> awaitAll(Map<String, Long> behind) {
		Duration timeout = this.settings.timeout();
		if (behind.size() == 1) {
			Map.Entry<String, Long> only = behind.entrySet().iterator().next();
			return this.node.await(only.getKey(), only.getValue(), timeout);
		}
		List<CompletableFuture<Boolean>> waits = new ArrayList<>(behind.size());
		behind.forEach((db, txid) -> waits.add(this.node.await(db, txid, timeout)));
		CompletableFuture<Boolean> all = new CompletableFuture<>();
		AtomicInteger left = new AtomicInteger(waits.size());
		for (CompletableFuture<Boolean> wait : waits) {
			wait.whenComplete((caughtUp, failure) -> {
				if (failure != null) {
					all.completeExceptionally(failure);
				}
				else if (!Boolean.TRUE.equals(caughtUp)) {
					all.complete(false);
				}
				else if (left.decrementAndGet() == 0) {
					all.complete(true);
				}
			});
		}
		all.whenComplete((caughtUp, failure) -> {
			if (!Boolean.TRUE.equals(caughtUp)) {
				waits.forEach((wait) -> wait.cancel(false));
			}
		});
		return all;
	}

	private void resume(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws IOException, ServletException {
		WriteConfirmingResponse wrapped = WebUtils.getNativeResponse(response, WriteConfirmingResponse.class);
		Object resumption = request.getAttribute(OUTCOME_ATTRIBUTE);
		if (!(resumption instanceof Resumption resumed) || wrapped == null) {
			// another async dispatch (a DeferredResult, a Callable) of a request that did not wait
			DatabaseWrites.Scope scope = (request.getAttribute(WRITES_ATTRIBUTE) instanceof DatabaseWrites.Scope opened)
					? opened : null;
			if (scope != null) {
				scope.resume();
			}
			try {
				chain.doFilter(request, response);
			}
			finally {
				if (scope != null) {
					scope.close();
				}
			}
			if (wrapped != null && !request.isAsyncStarted()) {
				wrapped.beforeCommit();
			}
			return;
		}
		request.removeAttribute(OUTCOME_ATTRIBUTE);
		continueAfter(resumed.outcome(), resumed.behind(), request, wrapped, chain);
	}

	private void continueAfter(WaitOutcome outcome, Map<String, Long> waited, HttpServletRequest request,
			WriteConfirmingResponse response, FilterChain chain) throws IOException, ServletException {
		if (outcome == WaitOutcome.CAUGHT_UP) {
			// released by a reading of <db>-pos while the event stream was down: the node catches up
			waited.forEach(this::hasReached);
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
		Map<String, Long> behind = new TreeMap<>(waited);
		behind.entrySet().removeIf((entry) -> this.node.position(entry.getKey()).hasReached(entry.getValue()));
		if (behind.isEmpty()) {
			behind.putAll(waited);
		}
		List<String> transactions = new ArrayList<>();
		behind.forEach((db, txid) -> transactions.add(db + " (TXID " + Position.toHex(txid) + "; it is at "
				+ this.node.currentPosition(db).txidHex() + ")"));
		String main = this.node.mount().database();
		long txid = behind.containsKey(main) ? behind.get(main) : behind.values().iterator().next();
		ProblemDetail problem = ProblemResponses.problem(request, HttpStatus.GATEWAY_TIMEOUT,
				"Replica behind your last write",
				"This replica has not reached the transaction of your last write to " + String.join(", ", transactions)
						+ " within litefs.consistency.timeout (" + this.settings.timeout() + "). Retry the request.");
		problem.setProperty("node", state.hostname());
		problem.setProperty("txid", Position.toHex(txid));
		problem.setProperty("behind", hex(behind));
		writeProblem(request, response, problem);
	}

	private static Map<String, String> hex(Map<String, Long> txids) {
		Map<String, String> hex = new TreeMap<>();
		txids.forEach((db, txid) -> hex.put(db, Position.toHex(txid)));
		return hex;
	}

	private void writeProblem(HttpServletRequest request, HttpServletResponse response, ProblemDetail problem)
			throws IOException {
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
		DatabaseWrites.Scope scope = openScope(request);
		try {
			chain.doFilter(request, response);
		}
		finally {
			if (scope != null) {
				scope.close();
			}
		}
		if (!request.isAsyncStarted()) {
			response.beforeCommit();
		}
	}

	/**
	 * Records the databases the request's connections write on this thread: a scope of
	 * its own, or the one it opened before on another thread (an async dispatch).
	 */
	private DatabaseWrites.@Nullable Scope openScope(HttpServletRequest request) {
		if (this.writes == null) {
			return null;
		}
		if (request.getAttribute(WRITES_ATTRIBUTE) instanceof DatabaseWrites.Scope opened) {
			opened.resume();
			return opened;
		}
		DatabaseWrites.Scope scope = this.writes.open();
		request.setAttribute(WRITES_ATTRIBUTE, scope);
		return scope;
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

	private record Resumption(WaitOutcome outcome, Map<String, Long> behind) {
	}

	/** A cookie's entries this node has not reached: behind, and of databases it does not serve. */
	private record Entries(Map<String, Long> behind, Map<String, Long> unserved) {
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
