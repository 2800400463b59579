package dev.litefs.spring.node;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everyone waiting for one database to reach a TXID, released by whoever learns of a new
 * position first: a {@code tx} event, or a reading of the files. No thread is held per
 * waiter: each is a future, completed {@code true} when released and {@code false} at
 * its deadline.
 * <p>
 * While the event stream is down and someone waits, a task of the
 * {@link LiteFsScheduler} reads {@code <db>-pos} every fallback interval; while it is up,
 * or nobody waits, nothing polls.
 */
final class PositionWaiters {

	private static final Logger logger = LoggerFactory.getLogger(PositionWaiters.class);

	private final Set<Waiter> waiters = ConcurrentHashMap.newKeySet();

	private final ReentrantLock releasing = new ReentrantLock();

	private final AtomicReference<Position> latest = new AtomicReference<>(Position.ZERO);

	private final Supplier<Position> files;

	private final BooleanSupplier streaming;

	private final Duration fallbackInterval;

	private final LiteFsScheduler scheduler;

	/** Held while the fallback poll is scheduled or cancelled: briefly, on requests' threads too. */
	private final ReentrantLock polling = new ReentrantLock();

	/** The fallback poll while it is scheduled; guarded by {@link #polling}. */
	private @Nullable ScheduledFuture<?> poller;

	private volatile boolean stopped;

	/**
	 * @param files reads the position from {@code <db>-pos}
	 * @param streaming whether the event stream is up
	 * @param fallbackInterval how often the files are read while someone waits and the
	 * stream is down
	 * @param scheduler where the fallback poll runs
	 */
	PositionWaiters(Supplier<Position> files, BooleanSupplier streaming, Duration fallbackInterval,
			LiteFsScheduler scheduler) {
		this.files = files;
		this.streaming = streaming;
		this.fallbackInterval = fallbackInterval;
		this.scheduler = scheduler;
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
		deadline(waiter, timeout.isNegative() ? Duration.ZERO : timeout);
		wakePoller();
		return waiter;
	}

	/**
	 * Completes the waiter with {@code false} at its deadline, on the scheduler (not on the
	 * JDK's own delay thread, as {@code completeOnTimeout} would); the deadline is
	 * cancelled when the waiter completes first.
	 */
	private void deadline(Waiter waiter, Duration timeout) {
		ScheduledFuture<?> deadline;
		try {
			deadline = this.scheduler.schedule(() -> waiter.complete(false), timeout);
		}
		catch (RejectedExecutionException ex) {
			// the scheduler closed: the node stops
			waiter.complete(false);
			return;
		}
		waiter.whenComplete((reached, failure) -> deadline.cancel(false));
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

	/** The stream went down, or someone waits: the fallback poll takes over if needed. */
	void wakePoller() {
		if (this.waiters.isEmpty() || this.streaming.getAsBoolean()) {
			return;
		}
		this.polling.lock();
		try {
			if (this.poller == null && !this.stopped) {
				this.poller = this.scheduler.scheduleWithFixedDelay(this::poll, Duration.ZERO, this.fallbackInterval);
			}
		}
		catch (RejectedExecutionException ex) {
			// the scheduler closed: the waiters end at their deadlines
		}
		finally {
			this.polling.unlock();
		}
	}

	boolean isPolling() {
		this.polling.lock();
		try {
			return this.poller != null;
		}
		finally {
			this.polling.unlock();
		}
	}

	void stop() {
		this.stopped = true;
		cancelPoller();
		this.waiters.forEach((waiter) -> waiter.complete(false));
	}

	private void cancelPoller() {
		this.polling.lock();
		try {
			if (this.poller != null) {
				this.poller.cancel(false);
				this.poller = null;
			}
		}
		finally {
			this.polling.unlock();
		}
	}

	private void poll() {
		this.polling.lock();
		try {
			// decided under the lock that wakePoller() takes: a waiter added meanwhile wakes it again
			if (this.stopped || this.waiters.isEmpty() || this.streaming.getAsBoolean()) {
				cancelPoller();
				return;
			}
		}
		finally {
			this.polling.unlock();
		}
		try {
			release(this.files.get());
		}
		catch (RuntimeException ex) {
			logger.warn("Checking waiters against the database position failed", ex);
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
