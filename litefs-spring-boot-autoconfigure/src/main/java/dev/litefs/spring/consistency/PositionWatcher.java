package dev.litefs.spring.consistency;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import dev.litefs.spring.node.LiteFsNode;

/**
 * The waits of the requests that hold a {@code __txid} ahead of this replica, however
 * many: each is one {@link LiteFsNode#await} on the node, which releases it on the
 * {@code tx} event that brings its TXID (or, while LiteFS's event stream is down, on a
 * reading of {@code <db>-pos} every poll interval). No thread is held per waiter.
 *
 * @since 0.2.0
 */
public class PositionWatcher {

	private final LiteFsNode node;

	private final Duration pollInterval;

	private final AtomicInteger waiting = new AtomicInteger();

	/**
	 * Creates a watcher.
	 * @param node this node, which releases the waits
	 * @param pollInterval how often the node reads {@code <db>-pos} for waiters while its
	 * event stream is down
	 */
	public PositionWatcher(LiteFsNode node, Duration pollInterval) {
		this.node = node;
		this.pollInterval = pollInterval;
	}

	/**
	 * Waits, without holding a thread, until this node's database reaches a TXID.
	 * @param txid the TXID to reach
	 * @param timeout the longest to wait
	 * @return a future completed with {@code true} once the TXID is reached, or with
	 * {@code false} when the timeout passed first or the node stopped; cancel it to stop
	 * waiting
	 */
	public CompletableFuture<Boolean> await(long txid, Duration timeout) {
		this.waiting.incrementAndGet();
		CompletableFuture<Boolean> reached = this.node.await(txid, timeout);
		reached.whenComplete((result, failure) -> this.waiting.decrementAndGet());
		return reached;
	}

	/**
	 * How often {@code <db>-pos} is read while requests wait and the event stream is down.
	 * @return the interval
	 */
	public Duration pollInterval() {
		return this.pollInterval;
	}

	/**
	 * How many requests wait right now.
	 * @return the number of waiters
	 */
	public int waiting() {
		return this.waiting.get();
	}

}
