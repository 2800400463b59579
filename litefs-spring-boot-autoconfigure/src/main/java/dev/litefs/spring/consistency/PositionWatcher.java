package dev.litefs.spring.consistency;

import java.time.Duration;
import java.util.Iterator;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

import dev.litefs.spring.node.LiteFsNode;
import dev.litefs.spring.node.Position;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.DisposableBean;

/**
 * One watcher of the database's position ({@code <db>-pos}) for every request waiting
 * on this node, however many there are.
 * <p>
 * A single daemon thread reads the position every poll interval, and only while someone
 * waits: with nobody waiting it sleeps. Each read releases every waiter whose TXID was
 * reached and times out those whose deadline passed, by completing their futures; no
 * thread is held per waiter.
 */
public class PositionWatcher implements DisposableBean {

	private static final Logger logger = LoggerFactory.getLogger(PositionWatcher.class);

	private final LiteFsNode node;

	private final long pollNanos;

	private final Set<Waiter> waiters = ConcurrentHashMap.newKeySet();

	private final Object lifecycle = new Object();

	private @Nullable Thread thread;

	private volatile boolean stopped;

	/**
	 * Creates a watcher; its thread starts with the first wait.
	 * @param node this node, whose position is read
	 * @param pollInterval how often the position is read while someone waits
	 */
	public PositionWatcher(LiteFsNode node, Duration pollInterval) {
		this.node = node;
		this.pollNanos = pollInterval.toNanos();
	}

	/**
	 * Waits, without holding a thread, until this node's database reaches a TXID.
	 * @param txid the TXID to reach
	 * @param timeout the longest to wait
	 * @return a future completed with {@code true} once the TXID is reached, or with
	 * {@code false} when the timeout passed first or the watcher stopped; cancel it to
	 * stop waiting
	 */
	public CompletableFuture<Boolean> await(long txid, Duration timeout) {
		Waiter waiter = new Waiter(txid, System.nanoTime() + timeout.toNanos());
		if (this.stopped) {
			waiter.complete(false);
			return waiter;
		}
		this.waiters.add(waiter);
		waiter.whenComplete((reached, failure) -> this.waiters.remove(waiter));
		LockSupport.unpark(thread());
		return waiter;
	}

	/**
	 * How often the position is read while someone waits.
	 * @return the interval
	 */
	public Duration pollInterval() {
		return Duration.ofNanos(this.pollNanos);
	}

	/**
	 * How many requests wait right now.
	 * @return the number of waiters
	 */
	public int waiting() {
		return this.waiters.size();
	}

	private Thread thread() {
		synchronized (this.lifecycle) {
			if (this.thread == null) {
				Thread thread = new Thread(this::watch, "litefs-position-watcher");
				thread.setDaemon(true);
				// started by a request: not holding on to the web application's class loader
				thread.setContextClassLoader(PositionWatcher.class.getClassLoader());
				thread.start();
				this.thread = thread;
			}
			return this.thread;
		}
	}

	private void watch() {
		while (!this.stopped) {
			if (this.waiters.isEmpty()) {
				LockSupport.park(this);
				continue;
			}
			try {
				check(this.node.currentPosition(), System.nanoTime());
			}
			catch (RuntimeException ex) {
				logger.warn("Checking waiting requests against the database position failed", ex);
			}
			LockSupport.parkNanos(this, this.pollNanos);
		}
		this.waiters.forEach((waiter) -> waiter.complete(false));
	}

	private void check(Position position, long now) {
		for (Iterator<Waiter> iterator = this.waiters.iterator(); iterator.hasNext();) {
			Waiter waiter = iterator.next();
			if (position.hasReached(waiter.txid)) {
				iterator.remove();
				waiter.complete(true);
			}
			else if (now - waiter.deadline >= 0) {
				iterator.remove();
				waiter.complete(false);
			}
		}
	}

	@Override
	public void destroy() {
		this.stopped = true;
		synchronized (this.lifecycle) {
			if (this.thread != null) {
				LockSupport.unpark(this.thread);
			}
		}
		this.waiters.forEach((waiter) -> waiter.complete(false));
	}

	/** One waiting request: the TXID it needs and when it stops waiting. */
	private static final class Waiter extends CompletableFuture<Boolean> {

		private final long txid;

		private final long deadline;

		Waiter(long txid, long deadline) {
			this.txid = txid;
			this.deadline = deadline;
		}

	}

}
