package dev.litefs.spring.routing;

/**
 * Told of every request a node that is not the primary routed, e.g. to count them. Any
 * number of beans of this type may exist; they are called on the request's thread and
 * must return quickly.
 */
@FunctionalInterface
public interface RoutingListener {

	/**
	 * Called once the answer to a routed request is written.
	 * @param strategy the strategy in force
	 * @param outcome how the request was answered
	 */
	void routed(RoutingStrategy strategy, RoutingOutcome outcome);

}
