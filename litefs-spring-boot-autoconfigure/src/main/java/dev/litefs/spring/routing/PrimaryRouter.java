package dev.litefs.spring.routing;

import java.io.IOException;
import java.time.Duration;
import java.util.function.IntSupplier;

import dev.litefs.spring.node.Hostnames;
import dev.litefs.spring.node.NodeState;
import dev.litefs.spring.routing.forward.PrimaryForwarder;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.http.HttpStatus;
import org.springframework.web.util.DisconnectedClientHelper;

/**
 * The one place that answers a request that must run on the primary, on a node that is
 * not the primary: it makes the checks every strategy shares (a primary known and
 * valid, no second hop) and hands the request to the {@link RoutingStrategy} in force.
 * <p>
 * Every caller goes through {@link #route}: the {@link PrimaryRoutingFilter}, which
 * decides before anything reads a request ({@code litefs.routing.methods}, an
 * {@link EnsurePrimary} handler); the answer to what only shows later, a
 * {@link NotPrimaryException} (an {@link EnsurePrimary} service method) or a write
 * refused by SQLite; and a read-your-writes wait that timed out. Each routed
 * request is one {@value #OBSERVATION} observation, with the low-cardinality keys
 * {@code strategy} and {@code outcome}: metrics, traces, and an application's own
 * {@code ObservationHandler} take it from there.
 *
 * @since 0.2.0
 */
public class PrimaryRouter {

	/** The name of the observation of a routed request (and of the timer made of it). */
	public static final String OBSERVATION = "litefs.routing.requests";

	private static final Logger logger = LoggerFactory.getLogger(PrimaryRouter.class);

	private final RoutingStrategy strategy;

	private final IntSupplier localPort;

	private final Duration retryAfter;

	private final ObservationRegistry observations;

	/**
	 * Creates a router.
	 * @param strategy the strategy in force
	 * @param localPort this server's port, for {@code {port}} in URL templates
	 * @param retryAfter the {@code Retry-After} of {@code 503} answers worth retrying
	 * @param observations where routed requests are observed
	 */
	public PrimaryRouter(RoutingStrategy strategy, IntSupplier localPort, Duration retryAfter,
			ObservationRegistry observations) {
		this.strategy = strategy;
		this.localPort = localPort;
		this.retryAfter = retryAfter;
		this.observations = observations;
	}

	/**
	 * The strategy in force.
	 * @return the strategy
	 */
	public RoutingStrategy strategy() {
		return this.strategy;
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
	 * the strategy can still route the request after the application read it.
	 * @return the limit, or {@code -1} when the strategy never needs the body
	 */
	long bodyLimit() {
		return this.strategy.bodyLimit();
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
		Observation observation = Observation.createNotStarted(OBSERVATION, this.observations)
			.contextualName("litefs route to primary")
			.lowCardinalityKeyValue("strategy", this.strategy.name())
			.start();
		RoutingOutcome outcome = RoutingOutcome.FAILED;
		try (Observation.Scope scope = observation.openScope()) {
			outcome = answer(new RoutedRequest(request, response, state, this.localPort, this.retryAfter));
		}
		catch (IOException ex) {
			if (ex instanceof PrimaryForwarder.AnswerCutShortException
					|| !DisconnectedClientHelper.isClientDisconnectedException(ex)) {
				observation.error(ex);
				throw ex;
			}
			// a client leaving is normal: nobody is left to answer
			logger.debug("The client of {} {} left before it was answered: {}", request.getMethod(),
					request.getRequestURI(), ex.toString());
		}
		catch (RuntimeException ex) {
			observation.error(ex);
			throw ex;
		}
		finally {
			observation.lowCardinalityKeyValue("outcome", outcome.id()).stop();
		}
	}

	private RoutingOutcome answer(RoutedRequest routed) throws IOException {
		NodeState state = routed.state();
		String hold = state.writeHold();
		if (hold != null && state.role().acceptsWrites()) {
			return routed.refuseForNow(RoutingOutcome.HELD, HttpStatus.SERVICE_UNAVAILABLE,
					"Primary not taking writes yet", "This node has just become the primary and takes no writes "
							+ "until it has finished " + hold + ". Retry it shortly.");
		}
		String primary = state.primary();
		if (state.isPrimary() || primary == null || !Hostnames.isValid(primary)) {
			String detail = state.isPrimary() ? "This node became the primary while the request ran. Retry it."
					: "This request writes to the database and must run on the primary, but this node ("
							+ state.role().id() + ") knows no primary to send it to. Retry it shortly.";
			return routed.refuseForNow(RoutingOutcome.NO_PRIMARY, HttpStatus.SERVICE_UNAVAILABLE, "No primary",
					detail);
		}
		if (routed.request().getHeader(PrimaryForwarder.HOP_HEADER) != null) {
			return routed.refuseForNow(RoutingOutcome.LOOP, HttpStatus.SERVICE_UNAVAILABLE,
					"Forwarded to a node that is not the primary",
					"This request was forwarded here by another node, but this node is not the primary either: "
							+ "it is not forwarded a second time. Retry it.");
		}
		return this.strategy.route(routed);
	}

	@Override
	public String toString() {
		return this.strategy.name();
	}

}
