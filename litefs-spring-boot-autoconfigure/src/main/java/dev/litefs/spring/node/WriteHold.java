package dev.litefs.spring.node;

import org.jspecify.annotations.Nullable;

/**
 * Work that holds a primary's writes for a while ({@link NodeState#writeHold()}): a
 * promoted node migrating its schema, say. {@link LiteFsNode} asks each of its holds at
 * every reading, under the lock its readings change under, so that writes are held from
 * the very reading that shows the reason; a hold that ends asks the node to
 * {@link LiteFsNode#checkWriteHolds() check its holds again}.
 *
 * @since 0.2.0
 */
@FunctionalInterface
public interface WriteHold {

	/**
	 * Why writes are held after a reading. Called under the node's lock: it must return
	 * at once, and never call the node back.
	 * @param previous the latest reading before this one
	 * @param current the new reading, without any hold
	 * @return why writes are held, shown to the clients they are refused to, or
	 * {@code null} when this hold holds nothing
	 */
	@Nullable String reason(NodeState previous, NodeState current);

}
