package dev.litefs.spring.halt;

import java.io.IOException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileLockInterruptionException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.litefs.spring.node.LiteFsMount;
import dev.litefs.spring.node.LiteFsNode;
import dev.litefs.spring.node.LiteFsScheduler;
import dev.litefs.spring.node.NodeRole;
import dev.litefs.spring.node.NodeState;
import dev.litefs.spring.halt.LiteFsHaltException.Reason;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a block while this node holds LiteFS's HALT lock on a database (the main one, or
 * any other of the mount by name), so that a replica may write locally for a moment: for the rare write that cannot travel to the
 * primary as a request (a job on a replica, a one-off repair). LiteFS halts the
 * primary's writes for as long as the lock is held, makes the replica catch up, and
 * ships each of its commits to the primary.
 * <p>
 * On the primary or a standalone node the block simply runs. On a replica:
 * <ul>
 * <li>one thread of the JVM holds a database's lock at a time; the others wait, first come first
 * served, at most {@code litefs.halt.wait-timeout}; a block that calls in again while
 * holding it simply runs;</li>
 * <li>the lock is taken through the process's one channel to {@code <db>-lock} (LiteFS
 * drops the lock on any close of that file by the process);</li>
 * <li>the lock is released when the block returns or throws, and at
 * {@code litefs.halt.max-hold} at the latest, which then ends the call with
 * {@link LiteFsHaltException} ({@link Reason#HOLD_EXCEEDED}): writes the block makes
 * after that instant fail in SQLite as any write on a replica.</li>
 * </ul>
 * Each acquire is the {@value #ACQUIRE_OBSERVATION} observation (key {@code outcome}:
 * {@code acquired}, {@code busy}, {@code refused}, {@code failed}), each hold the
 * {@value #HOLD_OBSERVATION} observation (key {@code outcome}: {@code released},
 * {@code threw}, {@code hold-exceeded}). The bound of a hold is kept on the starter's
 * {@link LiteFsScheduler}.
 *
 * @since 0.2.0
 */
public class LiteFsHalt {

	/** The name of the observation of taking the HALT lock (and of the timer made of it). */
	public static final String ACQUIRE_OBSERVATION = "litefs.halt.acquire";

	/** The name of the observation of holding the HALT lock (and of the timer made of it). */
	public static final String HOLD_OBSERVATION = "litefs.halt.hold";

	private static final Logger logger = LoggerFactory.getLogger(LiteFsHalt.class);

	private final LiteFsNode node;

	private final Duration maxHold;

	private final Duration waitTimeout;

	private final ObservationRegistry observations;

	private final LiteFsScheduler watchdog;

	/**
	 * Creates the halter of a node's database.
	 * @param node this node
	 * @param maxHold the longest the lock is held
	 * @param waitTimeout the longest a caller waits for another holder of this JVM
	 * @param observations where acquires and holds are observed
	 * ({@link ObservationRegistry#NOOP} for nowhere)
	 * @param scheduler where a hold's bound ({@code maxHold}) is kept
	 */
	public LiteFsHalt(LiteFsNode node, Duration maxHold, Duration waitTimeout, ObservationRegistry observations,
			LiteFsScheduler scheduler) {
		this.node = node;
		this.maxHold = maxHold;
		this.waitTimeout = waitTimeout;
		this.observations = observations;
		this.watchdog = scheduler;
	}

	/**
	 * Runs a block that writes, under the HALT lock on a replica.
	 * @param block the work
	 * @throws LiteFsHaltException when the lock could not be taken (the block did not
	 * run), or the block held it past {@code litefs.halt.max-hold}
	 */
	public void run(Runnable block) {
		call(() -> {
			block.run();
			return null;
		});
	}

	/**
	 * Runs a block that writes, under the HALT lock on a replica, and returns its result.
	 * @param <T> the result's type
	 * @param <E> what the block may throw
	 * @param block the work
	 * @return what the block returned
	 * @throws E what the block threw, the lock released
	 * @throws LiteFsHaltException when the lock could not be taken (the block did not
	 * run), or the block held it past {@code litefs.halt.max-hold}
	 */
	public <T extends @Nullable Object, E extends Throwable> T call(HaltedBlock<T, E> block) throws E {
		return call(this.node.mount().database(), block);
	}

	/**
	 * Runs a block that writes to another database of the mount, under that database's
	 * HALT lock on a replica. Each database has its own lock: a block that writes two
	 * databases on a replica nests two calls.
	 * @param db the database file name inside the mount
	 * @param block the work
	 * @throws LiteFsHaltException when the lock could not be taken (the block did not
	 * run), or the block held it past {@code litefs.halt.max-hold}
	 * @throws IllegalArgumentException if the name is not a database name
	 * @since 0.3.0
	 */
	public void run(String db, Runnable block) {
		call(db, () -> {
			block.run();
			return null;
		});
	}

	/**
	 * Runs a block that writes to another database of the mount, under that database's
	 * HALT lock on a replica, and returns its result.
	 * @param <T> the result's type
	 * @param <E> what the block may throw
	 * @param db the database file name inside the mount
	 * @param block the work
	 * @return what the block returned
	 * @throws E what the block threw, the lock released
	 * @throws LiteFsHaltException when the lock could not be taken (the block did not
	 * run), or the block held it past {@code litefs.halt.max-hold}
	 * @throws IllegalArgumentException if the name is not a database name
	 * @since 0.3.0
	 */
	public <T extends @Nullable Object, E extends Throwable> T call(String db, HaltedBlock<T, E> block) throws E {
		Path lockFile = lockFile(db);
		NodeState state = this.node.state();
		if (state.role().acceptsWrites()) {
			return block.run();
		}
		if (state.role() == NodeRole.UNKNOWN || state.primary() == null) {
			throw new LiteFsHaltException(Reason.NO_PRIMARY, "No halted write on " + db
					+ ": this node knows no primary to halt (" + state.role().id() + ")", null);
		}
		HaltLockFile file = HaltLockFile.of(lockFile);
		if (file.isHeldByCurrentThread()) {
			return block.run();
		}
		take(db, file, state.primary());
		try {
			return hold(db, file, block);
		}
		finally {
			file.exit();
		}
	}

	/**
	 * The file whose lock is the HALT lock: {@code <db>-lock} beside the database.
	 * @return its path on the mount
	 */
	public Path lockFile() {
		return lockFile(this.node.mount().database());
	}

	/**
	 * The file whose lock is the HALT lock of any database of the mount.
	 * @param db the database file name inside the mount
	 * @return {@code <db>-lock} on the mount
	 * @throws IllegalArgumentException if the name is not a database name
	 * @since 0.3.0
	 */
	public Path lockFile(String db) {
		String problem = LiteFsMount.databaseNameProblem(db);
		if (problem != null) {
			throw new IllegalArgumentException(problem);
		}
		return this.node.mount().dir().resolve(db + "-lock");
	}

	/**
	 * The longest the lock is held.
	 * @return {@code litefs.halt.max-hold}
	 */
	public Duration maxHold() {
		return this.maxHold;
	}

	/** Makes this thread the JVM's one holder, then takes LiteFS's lock. */
	private void take(String db, HaltLockFile file, String primary) {
		Observation observation = Observation.start(ACQUIRE_OBSERVATION, this.observations);
		boolean entered;
		try {
			entered = file.enter(this.waitTimeout);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw failed(observation, "failed", new LiteFsHaltException(Reason.FAILED,
					"Interrupted while waiting for the HALT lock of " + db, ex));
		}
		if (!entered) {
			throw failed(observation, "busy", new LiteFsHaltException(Reason.BUSY, "The HALT lock of " + db
					+ " stayed held by another thread of this process for " + this.waitTimeout
					+ " (litefs.halt.wait-timeout)", null));
		}
		try {
			file.open();
		}
		catch (IOException ex) {
			file.exit();
			throw failed(observation, "failed", new LiteFsHaltException(Reason.FAILED,
					"Could not open " + file.path() + " to take the HALT lock of " + db + ": " + ex, ex));
		}
		long start = System.nanoTime();
		try {
			file.lock();
		}
		catch (FileLockInterruptionException | ClosedByInterruptException ex) {
			// the JVM closed the channel: nothing is held, the next holder opens it again
			file.exit();
			throw failed(observation, "failed", new LiteFsHaltException(Reason.FAILED,
					"Interrupted while LiteFS was taking the HALT lock of " + db, ex));
		}
		catch (IOException ex) {
			file.exit();
			throw failed(observation, "refused", new LiteFsHaltException(Reason.REFUSED,
					"LiteFS refused the HALT lock of " + db + " after "
							+ Duration.ofNanos(System.nanoTime() - start).toMillis() + " ms (" + ex.getMessage()
							+ "): primary " + primary + " did not halt its writes in time (LiteFS waits about 10 s) "
							+ "or could not be reached",
					ex));
		}
		stop(observation, "acquired", null);
	}

	private <T extends @Nullable Object, E extends Throwable> T hold(String db, HaltLockFile file,
			HaltedBlock<T, E> block) throws E {
		Observation observation = Observation.start(HOLD_OBSERVATION, this.observations);
		AtomicBoolean exceeded = new AtomicBoolean();
		ScheduledFuture<?> bound = this.watchdog.schedule(() -> {
			exceeded.set(true);
			file.release();
			logger.warn("Released the HALT lock of {} after litefs.halt.max-hold ({}): the block still runs, its "
					+ "writes from now on are refused", db, this.maxHold);
		}, this.maxHold);
		T result;
		try {
			result = block.run();
		}
		catch (Throwable ex) {
			release(file, bound, observation, exceeded.get() ? "hold-exceeded" : "threw", ex);
			if (exceeded.get()) {
				throw holdExceeded(db, ex);
			}
			throw ex;
		}
		release(file, bound, observation, exceeded.get() ? "hold-exceeded" : "released", null);
		if (exceeded.get()) {
			throw holdExceeded(db, null);
		}
		return result;
	}

	private void release(HaltLockFile file, ScheduledFuture<?> bound, Observation observation, String outcome,
			@Nullable Throwable error) {
		bound.cancel(false);
		file.release();
		stop(observation, outcome, error);
	}

	/** Ends an observation with its low-cardinality key {@code outcome}. */
	private static void stop(Observation observation, String outcome, @Nullable Throwable error) {
		if (error != null) {
			observation.error(error);
		}
		observation.lowCardinalityKeyValue("outcome", outcome).stop();
	}

	private LiteFsHaltException holdExceeded(String db, @Nullable Throwable cause) {
		return new LiteFsHaltException(Reason.HOLD_EXCEEDED, "The block held the HALT lock of " + db
				+ " past litefs.halt.max-hold (" + this.maxHold + "): the lock was released then, and its writes "
				+ "after that instant were refused", cause);
	}

	private static LiteFsHaltException failed(Observation observation, String outcome, LiteFsHaltException ex) {
		stop(observation, outcome, ex);
		return ex;
	}

}
