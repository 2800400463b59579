package dev.litefs.spring.primary;

import java.lang.reflect.Method;

import dev.litefs.spring.node.NodeState;

/**
 * Told of every {@link PrimaryOnly} call skipped because this node was not the primary.
 * Any number of beans of this type may exist; they are called on the caller's thread
 * and must return quickly.
 *
 * @since 0.2.0
 */
@FunctionalInterface
public interface PrimaryOnlyListener {

	/**
	 * Called instead of the method.
	 * @param method the method that did not run
	 * @param state the node's reading that made it skip
	 */
	void skipped(Method method, NodeState state);

}
