package dev.litefs.spring.schema;

import java.util.concurrent.atomic.AtomicInteger;

import dev.litefs.spring.node.NodeState;
import dev.litefs.spring.node.WriteHold;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds a promoted node's writes until its schema is migrated: every promotion the node
 * reads (a reading that takes writes after one that did not) is held, from that very
 * reading, until {@link #release released}. Writes are taken again once every
 * promotion's hold ended.
 */
final class PromotionWriteHold implements WriteHold {

	private static final Logger logger = LoggerFactory.getLogger(PromotionWriteHold.class);

	/** What a promoted node's writes wait for, as its clients are told. */
	static final String REASON = "migrating its schema";

	/** Promotions whose hold has not ended: no monitor, it is asked on requests' threads. */
	private final AtomicInteger holds = new AtomicInteger();

	@Override
	public @Nullable String reason(NodeState previous, NodeState current) {
		if (!previous.role().acceptsWrites() && current.role().acceptsWrites()) {
			this.holds.incrementAndGet();
			logger.info("LiteFS node {}: promoted; holding writes until {} ends", current.hostname(), REASON);
		}
		return (this.holds.get() > 0) ? REASON : null;
	}

	/**
	 * Ends the holds of some promotions.
	 * @param promotions how many
	 * @return whether this ended the last hold: the node is to check its holds again
	 */
	boolean release(int promotions) {
		int before = this.holds.getAndUpdate((held) -> Math.max(0, held - promotions));
		return before > 0 && before <= promotions;
	}

}
