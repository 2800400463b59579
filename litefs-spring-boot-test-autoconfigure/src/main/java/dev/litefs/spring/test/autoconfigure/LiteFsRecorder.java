package dev.litefs.spring.test.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

import dev.litefs.spring.consistency.ConsistencyFilter;
import dev.litefs.spring.consistency.WaitOutcome;
import dev.litefs.spring.routing.PrimaryRouter;
import dev.litefs.spring.routing.RoutingOutcome;
import io.micrometer.common.KeyValue;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;

import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * Records what a node of an {@link AutoConfigureLiteFs} test did with requests: each one
 * it routed to the primary and each wait for a client's {@code __txid}: an
 * {@link ObservationHandler} of the {@value PrimaryRouter#OBSERVATION} and
 * {@value ConsistencyFilter#OBSERVATION} observations. It is emptied before each test
 * method.
 * The assertions of {@link LiteFsAssertions} read it; a test may too.
 *
 * @since 0.2.0
 */
public final class LiteFsRecorder implements ObservationHandler<Observation.Context> {

	private static final Duration AWAIT = Duration.ofSeconds(5);

	/** Where a wait's observation keeps when it began. */
	private static final String WAIT_START = LiteFsRecorder.class.getName() + ".start";

	private final List<Routed> routed = new CopyOnWriteArrayList<>();

	private final List<Waited> waited = new CopyOnWriteArrayList<>();

	private final LongSupplier nanoTime;

	/** Creates a recorder. */
	public LiteFsRecorder() {
		this(System::nanoTime);
	}

	/** Creates a recorder that times waits by a clock of the test's. */
	LiteFsRecorder(LongSupplier nanoTime) {
		this.nanoTime = nanoTime;
	}

	@Override
	public boolean supportsContext(Observation.Context context) {
		return PrimaryRouter.OBSERVATION.equals(context.getName())
				|| ConsistencyFilter.OBSERVATION.equals(context.getName());
	}

	@Override
	public void onStart(Observation.Context context) {
		if (ConsistencyFilter.OBSERVATION.equals(context.getName())) {
			context.put(WAIT_START, this.nanoTime.getAsLong());
		}
	}

	/**
	 * Records a routed request, once the router has written its answer (on the request's
	 * thread), or a wait, once it ended.
	 * @param context the observation of the routed request or of the wait
	 */
	@Override
	public void onStop(Observation.Context context) {
		if (ConsistencyFilter.OBSERVATION.equals(context.getName())) {
			waited(context);
			return;
		}
		KeyValue strategy = context.getLowCardinalityKeyValue("strategy");
		KeyValue outcome = context.getLowCardinalityKeyValue("outcome");
		if (strategy == null || outcome == null) {
			return;
		}
		HttpServletRequest request = currentRequest();
		this.routed.add(new Routed((request != null) ? request.getMethod() : null,
				(request != null) ? request.getRequestURI() : null, strategy.getValue(), outcome(outcome.getValue())));
	}

	private static RoutingOutcome outcome(String id) {
		for (RoutingOutcome outcome : RoutingOutcome.values()) {
			if (outcome.id().equals(id)) {
				return outcome;
			}
		}
		throw new IllegalArgumentException("No routing outcome is '" + id + "'");
	}

	private void waited(Observation.Context context) {
		KeyValue txid = context.getHighCardinalityKeyValue("txid");
		KeyValue outcome = context.getLowCardinalityKeyValue("outcome");
		Long start = context.get(WAIT_START);
		if (txid == null || outcome == null || start == null) {
			return;
		}
		this.waited.add(new Waited(Long.parseLong(txid.getValue()), WaitOutcome.ofId(outcome.getValue()),
				Duration.ofNanos(this.nanoTime.getAsLong() - start)));
	}

	private static @Nullable HttpServletRequest currentRequest() {
		RequestAttributes attributes = RequestContextHolder.getRequestAttributes();
		return (attributes instanceof ServletRequestAttributes servlet) ? servlet.getRequest() : null;
	}

	/**
	 * Every request routed since the recorder was last emptied, oldest first.
	 * @return the routed requests
	 */
	public List<Routed> routed() {
		return List.copyOf(this.routed);
	}

	/**
	 * Every wait for a {@code __txid} since the recorder was last emptied, oldest first.
	 * @return the waits
	 */
	public List<Waited> waited() {
		return List.copyOf(this.waited);
	}

	/** Forgets what was recorded. */
	public void clear() {
		this.routed.clear();
		this.waited.clear();
	}

	/**
	 * The latest routed request that matches, waiting up to 5 s for one (a server tells
	 * its listeners once the answer is written, which a client may read first).
	 * @param matches which requests count
	 * @return the latest match, or empty when none came
	 */
	public Optional<Routed> awaitRouted(Predicate<Routed> matches) {
		return await(this.routed, matches);
	}

	/**
	 * The latest wait that matches, waiting up to 5 s for one.
	 * @param matches which waits count
	 * @return the latest match, or empty when none came
	 */
	public Optional<Waited> awaitWaited(Predicate<Waited> matches) {
		return await(this.waited, matches);
	}

	private static <T> Optional<T> await(List<T> records, Predicate<T> matches) {
		Awaits.until(AWAIT, () -> records.stream().anyMatch(matches));
		List<T> found = records.stream().filter(matches).toList();
		return found.isEmpty() ? Optional.empty() : Optional.of(found.get(found.size() - 1));
	}

	/**
	 * A request the node routed to the primary.
	 *
	 * @param method its HTTP method, when the node knew its request
	 * @param path its path, when the node knew its request
	 * @param strategy the routing strategy in force
	 * @param outcome how it was answered
	 */
	public record Routed(@Nullable String method, @Nullable String path, String strategy, RoutingOutcome outcome) {

		/**
		 * Whether this is the record of a request, or could be one when the request was
		 * unknown to the node.
		 * @param method the request's method, or {@code null} for any
		 * @param path the request's path, or {@code null} for any
		 * @return whether it matches
		 */
		public boolean isOf(@Nullable String method, @Nullable String path) {
			return (method == null || this.method == null || method.equalsIgnoreCase(this.method))
					&& (path == null || this.path == null || path.equals(this.path));
		}

	}

	/**
	 * A wait of a replica for a client's {@code __txid}.
	 *
	 * @param txid the TXID waited for
	 * @param outcome how the wait ended
	 * @param duration how long it took
	 */
	public record Waited(long txid, WaitOutcome outcome, Duration duration) {
	}

}
