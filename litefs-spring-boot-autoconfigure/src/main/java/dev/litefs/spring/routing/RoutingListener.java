package dev.litefs.spring.routing;

/**
 * Told of every request a node that is not the primary routed. Any number of beans of
 * this type may exist; they are called on the request's thread and must return quickly.
 * (Metrics and traces come from the {@value PrimaryRouter#OBSERVATION} observation.)
 *
 * @since 0.2.0
 */
@FunctionalInterface
public interface RoutingListener {

	/**
	 * Called once the answer to a routed request is written.
	 * @param strategy the name of the strategy in force
	 * @param outcome how the request was answered
	 */
	void routed(String strategy, RoutingOutcome outcome);

}
