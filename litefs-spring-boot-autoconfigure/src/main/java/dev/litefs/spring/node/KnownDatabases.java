package dev.litefs.spring.node;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

/**
 * The databases the node tracks besides its main one, each with its latest known position
 * and, once someone waits for it, its own {@link PositionWaiters}. A lookup is a hash map
 * read; learning a database copies the list of names (rare), an event copies nothing.
 */
final class KnownDatabases {

	private final String main;

	private final ConcurrentHashMap<String, Tracked> others = new ConcurrentHashMap<>();

	/** Held while a database is added, so that the names keep the order they were learnt in. */
	private final ReentrantLock adding = new ReentrantLock();

	private final Function<String, PositionWaiters> waitersFactory;

	/** The names, main first then in the order learnt: an unmodifiable snapshot. */
	private volatile Set<String> names;

	private volatile boolean stopped;

	/**
	 * @param main the main database's name
	 * @param waitersFactory creates the waiters of a database, when first needed
	 */
	KnownDatabases(String main, Function<String, PositionWaiters> waitersFactory) {
		this.main = main;
		this.waitersFactory = waitersFactory;
		this.names = Set.of(main);
	}

	boolean isMain(String db) {
		return this.main.equals(db);
	}

	Set<String> names() {
		return this.names;
	}

	/** A database other than the main one, or {@code null} when it is not known. */
	@Nullable Tracked get(String db) {
		return this.others.get(db);
	}

	Collection<Tracked> others() {
		return this.others.values();
	}

	/**
	 * Adds a database other than the main one unless it is known.
	 * @return the database, and whether it is new
	 * @throws IllegalArgumentException if the name is not a database name
	 */
	Added add(String db) {
		Tracked known = this.others.get(db);
		if (known != null) {
			return new Added(known, false);
		}
		String problem = LiteFsMount.databaseNameProblem(db);
		if (problem != null) {
			throw new IllegalArgumentException(problem);
		}
		this.adding.lock();
		try {
			known = this.others.get(db);
			if (known != null) {
				return new Added(known, false);
			}
			Tracked tracked = new Tracked(db);
			this.others.put(db, tracked);
			Set<String> names = new LinkedHashSet<>(this.names);
			names.add(db);
			this.names = Collections.unmodifiableSet(names);
			return new Added(tracked, true);
		}
		finally {
			this.adding.unlock();
		}
	}

	/** The event stream went down: the fallback poll of each database someone waits for takes over. */
	void wakePollers() {
		for (Tracked tracked : this.others.values()) {
			PositionWaiters waiters = tracked.waiters.get();
			if (waiters != null) {
				waiters.wakePoller();
			}
		}
	}

	/** Ends every wait, and every wait to come. */
	void stop() {
		this.stopped = true;
		for (Tracked tracked : this.others.values()) {
			PositionWaiters waiters = tracked.waiters.get();
			if (waiters != null) {
				waiters.stop();
			}
		}
	}

	/** A database just added, or found known. */
	record Added(Tracked database, boolean isNew) {
	}

	/** One database other than the main one. */
	final class Tracked {

		private final String name;

		private final AtomicReference<Position> position = new AtomicReference<>(Position.ZERO);

		private final AtomicReference<@Nullable PositionWaiters> waiters = new AtomicReference<>();

		Tracked(String name) {
			this.name = name;
		}

		String name() {
			return this.name;
		}

		Position position() {
			return this.position.get();
		}

		/** A {@code tx} event or a caller that read the files: the position moves forward only. */
		void advance(Position position) {
			Position now = this.position
				.accumulateAndGet(position, (current, given) -> current.hasReached(given.txid()) ? current : given);
			release(now);
		}

		/** A reading of the files: they are the truth, forward or back. */
		void read(Position position) {
			this.position.set(position);
			release(position);
		}

		/** The waiters, created when first needed. */
		PositionWaiters waiters() {
			PositionWaiters existing = this.waiters.get();
			if (existing != null) {
				return existing;
			}
			PositionWaiters created = KnownDatabases.this.waitersFactory.apply(this.name);
			if (!this.waiters.compareAndSet(null, created)) {
				return this.waiters.get();
			}
			if (KnownDatabases.this.stopped) {
				created.stop();
			}
			return created;
		}

		/** Whether anyone waits, or ever waited, for this database. */
		boolean hasWaiters() {
			return this.waiters.get() != null;
		}

		private void release(Position position) {
			PositionWaiters waiters = this.waiters.get();
			if (waiters != null) {
				waiters.release(position);
			}
		}

	}

}
