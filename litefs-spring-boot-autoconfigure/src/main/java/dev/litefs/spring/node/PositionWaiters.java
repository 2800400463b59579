package dev.litefs.spring.node;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everyone waiting for the database to reach a TXID, released by whoever learns of a new
 * position first: a {@code tx} event, or a reading of the files. No thread is held per
 * waiter: each is a future, completed {@code true} when released and {@code false} at
 * its deadline.
 * <p>
 * While the event stream is down and someone waits, one daemon thread reads
 * {@code <db>-pos} every fallback interval; while it is up, nothing polls.
 */
final class PositionWaiters {

	private static final Logger logger = LoggerFactory.getLogger(PositionWaiters.class);

	private final Set<Waiter> waiters = ConcurrentHashMap.newKeySet();

	private final ReentrantLock releasing = new ReentrantLock();

	private final AtomicReference<Position> latest = new AtomicReference<>(Position.ZERO);

	private final Supplier<Position> files;

	private final BooleanSupplier streaming;

	private final long fallbackNanos;

	private @Nullable Thread poller;

	private volatile boolean stopped;

	/**
	 * @param files reads the position from {@code <db>-pos}
	 * @param streaming whether the event stream is up
	 * @param fallbackInterval how often the files are read while someone waits and the
	 * stream is down
	 */
	PositionWaiters(Supplier<Position> files, BooleanSupplier streaming, Duration fallbackInterval) {
		this.files = files;
		this.streaming = streaming;
		this.fallbackNanos = fallbackInterval.toNanos();
	}

	/**
	 * @param known the latest known position, asked after the waiter is registered so
	 * that a position learnt meanwhile is not missed
	 */
	CompletableFuture<Boolean> await(long txid, Duration timeout, Supplier<Position> known) {
		Waiter waiter = new Waiter(txid);
		if (this.stopped) {
			waiter.complete(false);
			return waiter;
		}
		this.waiters.add(waiter);
		waiter.whenComplete((reached, failure) -> this.waiters.remove(waiter));
		if (known.get().hasReached(txid)) {
			waiter.complete(true);
			return waiter;
		}
		waiter.completeOnTimeout(false, Math.max(0, timeout.toNanos()), TimeUnit.NANOSECONDS);
		wakePoller();
		return waiter;
	}

	int size() {
		return this.waiters.size();
	}

	/**
	 * Completes every waiter whose TXID the position reached. One thread releases at a
	 * time (completing a waiter resumes its request, which costs the container some
	 * work); a position learnt meanwhile is released by that thread before it returns.
	 */
	void release(Position position) {
		this.latest.set(position);
		while (this.releasing.tryLock()) {
			Position released;
			try {
				released = this.latest.get();
				for (Waiter waiter : this.waiters) {
					if (released.hasReached(waiter.txid)) {
						waiter.complete(true);
					}
				}
			}
			finally {
				this.releasing.unlock();
			}
			if (this.latest.get() == released) {
				return;
			}
		}
	}

	/** The stream went down: the fallback poller takes over if someone waits. */
	void wakePoller() {
		if (this.waiters.isEmpty() || this.streaming.getAsBoolean()) {
			return;
		}
		LockSupport.unpark(poller());
	}

	void stop() {
		this.stopped = true;
		synchronized (this) {
			if (this.poller != null) {
				LockSupport.unpark(this.poller);
			}
		}
		this.waiters.forEach((waiter) -> waiter.complete(false));
	}

	private synchronized Thread poller() {
		if (this.poller == null) {
			Thread thread = DaemonThreads.newThread("litefs-position-fallback", this::poll);
			thread.start();
			this.poller = thread;
		}
		return this.poller;
	}

	private void poll() {
		while (!this.stopped) {
			if (this.waiters.isEmpty() || this.streaming.getAsBoolean()) {
				LockSupport.park(this);
				continue;
			}
			try {
				release(this.files.get());
			}
			catch (RuntimeException ex) {
				logger.warn("Checking waiters against the database position failed", ex);
			}
			LockSupport.parkNanos(this, this.fallbackNanos);
		}
	}

	/** One wait for a TXID. */
	private static final class Waiter extends CompletableFuture<Boolean> {

		private final long txid;

		Waiter(long txid) {
			this.txid = txid;
		}

	}

}
