package dev.litefs.spring.node;

import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;

/**
 * This node as LiteFS sees it: its role, the primary, the position of each known database
 * and the replication lag. It is the one reader of LiteFS in the application.
 * <p>
 * Its source, once started, is LiteFS's {@code GET /events} stream whenever the API
 * answers: {@code init} and {@code primaryChange} events publish a change of role at
 * once (confirmed against the files, read again on the spot), {@code tx} events of this
 * node's main database ({@code litefs.database}) move its position and release those who
 * {@link #await wait} for it.
 * The other known databases ({@link #databases()}) are tracked alike: a {@code tx} event of
 * any database moves its {@link #position(String) position} and releases its waiters,
 * and a {@code tx} event of a database the node did not know makes it known.
 * The files are the fallback and the check: read again on every (re)connect; every poll
 * interval while the stream is down (every known database's {@code <db>-pos}); and, while
 * it is up, every poll interval too (the main database's only), to catch a stream that
 * stalls (LiteFS sends no heartbeat): when {@code <db>-pos} shows a
 * TXID that no event announced within a poll interval, or the files show a change of
 * role no event announced, the stream is dropped and opened again.
 * <p>
 * Its background work (the poll, the stream's thread) runs on the
 * {@link LiteFsScheduler} it is given, or on one of its own, closed when it stops.
 * <p>
 * {@link #state()} costs a volatile read; {@link #currentPosition()} reads the position
 * file on the spot. A change of role or primary is published as a
 * {@link LiteFsRoleChangedEvent}.
 * <p>
 * The role, from the files: {@code .primary} present means replica; absent, the node is
 * primary when LiteFS says so (the stream, or {@code GET /info}), or, without the API,
 * when {@code .lag} is zero; a plain directory is {@link NodeRole#STANDALONE} (until it
 * was once a LiteFS mount); anything else is {@link NodeRole#UNKNOWN}. A primary's
 * writes may be held by the {@link WriteHold}s of the features that need it.
 *
 * @since 0.2.0
 */
public class LiteFsNode implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(LiteFsNode.class);

	/** How often the files are read for waiters by default while the stream is down. */
	static final Duration DEFAULT_WAIT_POLL_INTERVAL = Duration.ofMillis(1);

	private final LiteFsMount mount;

	private final String hostname;

	private final @Nullable LiteFsApi api;

	private final Duration pollInterval;

	private final ApplicationEventPublisher events;

	private final Clock clock;

	private final PositionWaiters waiters;

	/** The databases besides the main one. */
	private final KnownDatabases databases;

	private final MountReader reader;

	private final @Nullable LiteFsEventStream stream;

	private final LiteFsScheduler scheduler;

	/** Whether the scheduler is this node's own, closed when it stops. */
	private final boolean ownScheduler;

	private final List<WriteHold> writeHolds = new CopyOnWriteArrayList<>();

	private final List<Consumer<String>> databaseListeners = new CopyOnWriteArrayList<>();

	/**
	 * Held while the state changes, so that changes apply and are published in order. A
	 * lock, not a monitor: it is held across reads of the mount, which on Java 21 to 23 would
	 * pin a virtual thread (a request's) to its carrier for as long as FUSE takes.
	 */
	private final ReentrantLock changes = new ReentrantLock();

	private volatile NodeState state;

	private volatile @Nullable LiteFsRoleChangedEvent lastRoleChange;

	/** How many times the database became unavailable (written under {@link #changes}). */
	private volatile long databaseLosses;

	/** The last {@code isPrimary} the stream said. */
	private volatile boolean streamSaysPrimary;

	private final StallCheck stallCheck;

	private @Nullable ScheduledFuture<?> poller;

	/**
	 * Creates a node and takes its first reading.
	 * @param mount the LiteFS mount and database
	 * @param hostname this node's LiteFS hostname ({@code lease.hostname})
	 * @param api LiteFS's HTTP API, or {@code null} to do without it
	 * @param pollInterval how often the files are read again once started
	 * @param events where role changes are published
	 */
	public LiteFsNode(LiteFsMount mount, String hostname, @Nullable LiteFsApi api, Duration pollInterval,
			ApplicationEventPublisher events) {
		this(mount, hostname, api, pollInterval, DEFAULT_WAIT_POLL_INTERVAL, events);
	}

	/**
	 * Creates a node and takes its first reading.
	 * @param mount the LiteFS mount and database
	 * @param hostname this node's LiteFS hostname ({@code lease.hostname})
	 * @param api LiteFS's HTTP API, or {@code null} to do without it
	 * @param pollInterval how often the files are read again once started
	 * @param waitPollInterval how often {@code <db>-pos} is read while someone waits and
	 * the event stream is down
	 * @param events where role changes are published
	 */
	public LiteFsNode(LiteFsMount mount, String hostname, @Nullable LiteFsApi api, Duration pollInterval,
			Duration waitPollInterval, ApplicationEventPublisher events) {
		this(mount, hostname, api, pollInterval, waitPollInterval, events, null, Clock.systemUTC());
	}

	/**
	 * Creates a node, whose background work runs on the starter's scheduler, and takes
	 * its first reading.
	 * @param mount the LiteFS mount and database
	 * @param hostname this node's LiteFS hostname ({@code lease.hostname})
	 * @param api LiteFS's HTTP API, or {@code null} to do without it
	 * @param pollInterval how often the files are read again once started
	 * @param waitPollInterval how often {@code <db>-pos} is read while someone waits and
	 * the event stream is down
	 * @param events where role changes are published
	 * @param scheduler where the poll, the event stream and the waiters' fallback run
	 */
	public LiteFsNode(LiteFsMount mount, String hostname, @Nullable LiteFsApi api, Duration pollInterval,
			Duration waitPollInterval, ApplicationEventPublisher events, LiteFsScheduler scheduler) {
		this(mount, hostname, api, pollInterval, waitPollInterval, events, scheduler, Clock.systemUTC());
	}

	LiteFsNode(LiteFsMount mount, String hostname, @Nullable LiteFsApi api, Duration pollInterval,
			ApplicationEventPublisher events, Clock clock) {
		this(mount, hostname, api, pollInterval, DEFAULT_WAIT_POLL_INTERVAL, events, null, clock);
	}

	private LiteFsNode(LiteFsMount mount, String hostname, @Nullable LiteFsApi api, Duration pollInterval,
			Duration waitPollInterval, ApplicationEventPublisher events, @Nullable LiteFsScheduler scheduler,
			Clock clock) {
		this.mount = mount;
		this.hostname = hostname;
		this.api = api;
		this.pollInterval = pollInterval;
		this.events = events;
		this.clock = clock;
		this.ownScheduler = (scheduler == null);
		this.scheduler = (scheduler != null) ? scheduler : new LiteFsScheduler();
		this.stream = (api != null) ? new LiteFsEventStream(api, new StreamHandler(), clock, this.scheduler) : null;
		this.waiters = new PositionWaiters(this::currentPosition, this::isStreaming, waitPollInterval,
				this.scheduler);
		this.databases = new KnownDatabases(mount.database(), (db) -> new PositionWaiters(() -> currentPosition(db),
				this::isStreaming, waitPollInterval, this.scheduler));
		// asked only if the files leave the role open: a replica's or a plain directory's
		// first reading makes no call
		this.reader = new MountReader(mount, hostname, clock);
		this.stallCheck = new StallCheck(mount.database());
		this.state = read(this::apiSaysPrimary);
		NodeLog.firstReading(this.state, mount);
	}

	/**
	 * The latest reading: as fresh as the last event while the stream is up, at most one
	 * poll interval old otherwise.
	 * @return the state
	 */
	public NodeState state() {
		return this.state;
	}

	/**
	 * Whether this node may write to its database, by the latest reading.
	 * @return {@code true} on a primary or standalone node whose writes are not held
	 */
	public boolean isPrimary() {
		return this.state.isPrimary();
	}

	/**
	 * Reads the mount now, replaces the latest reading and publishes a
	 * {@link LiteFsRoleChangedEvent} if the role or the primary changed. LiteFS's word on
	 * the role is the stream's while it is up, else {@code GET /info}'s (bounded by the
	 * API's timeout, asked before anything is locked).
	 * @return the new reading
	 */
	public NodeState refresh() {
		return refreshWith(apiSaysPrimary());
	}

	/**
	 * {@link #refresh()} with an answer of {@code GET /info} the caller already has, so
	 * that the API is not asked twice.
	 * @param info what {@code GET /info} answered, or empty when it did not answer (the
	 * stream's word is taken then, while it is up)
	 * @return the new reading
	 */
	public NodeState refresh(Optional<LiteFsInfo> info) {
		return refreshWith(info.map(LiteFsInfo::primary)
			.or(() -> isStreaming() ? Optional.of(this.streamSaysPrimary) : Optional.empty()));
	}

	private NodeState refreshWith(Optional<Boolean> primaryByApi) {
		NodeState current;
		this.changes.lock();
		try {
			current = apply(read(() -> primaryByApi));
		}
		finally {
			this.changes.unlock();
		}
		this.waiters.release(current.position());
		return current;
	}

	/**
	 * Waits, without holding a thread, until this node's database reaches a TXID: released
	 * by the {@code tx} event that brings it while the event stream is up, by a reading of
	 * {@code <db>-pos} every wait poll interval while it is down.
	 * @param txid the TXID to reach
	 * @param timeout the longest to wait
	 * @return a future completed with {@code true} once the TXID is reached, or with
	 * {@code false} when the timeout passed first or the node stopped; cancel it to stop
	 * waiting
	 */
	public CompletableFuture<Boolean> await(long txid, Duration timeout) {
		return this.waiters.await(txid, timeout, () -> this.state.position());
	}

	/**
	 * How many times the database became unavailable (LiteFS down, restarting, or its
	 * mount gone) since this node was created: a caller that sees the count change
	 * between two moments knows LiteFS went away in between, even if it is back.
	 * @return the count
	 */
	public long databaseLosses() {
		return this.databaseLosses;
	}

	/**
	 * How many {@link #await waits} are pending.
	 * @return the number of waiters
	 */
	public int waiting() {
		return this.waiters.size();
	}

	/** Whether the waiters' fallback poll of {@code <db>-pos} is scheduled (for tests). */
	boolean fallbackPolling() {
		return this.waiters.isPolling();
	}

	/**
	 * The state of the subscription to LiteFS's event stream.
	 * @return the status, or empty when the node has no API
	 */
	public Optional<EventStreamStatus> eventStream() {
		return Optional.ofNullable(this.stream).map(LiteFsEventStream::status);
	}

	/**
	 * Adds a hold on this node's writes, asked at every reading from now on (and at once):
	 * for work a primary must finish before it writes, such as migrating its schema after
	 * a promotion. While any hold gives a reason, {@link #isPrimary()} is {@code false}
	 * and {@link NodeState#writeHold()} says why.
	 * @param hold the hold
	 */
	public void addWriteHold(WriteHold hold) {
		this.writeHolds.add(hold);
		checkWriteHolds();
	}

	/**
	 * Asks the write holds again about the latest reading: for a hold that ended (or
	 * began) other than at a reading.
	 * @return the latest reading, held or not as the holds say now
	 */
	public NodeState checkWriteHolds() {
		this.changes.lock();
		try {
			NodeState current = this.state;
			this.state = current.withWriteHold(writeHold(current, current));
			return this.state;
		}
		finally {
			this.changes.unlock();
		}
	}

	/**
	 * Reads the database's position from {@code <db>-pos} now, bypassing the latest
	 * reading. A missing or malformed file yields {@link Position#ZERO} (the periodic
	 * reading reports the problem).
	 * @return the position
	 */
	public Position currentPosition() {
		try {
			return this.mount.readPosition().orElse(Position.ZERO);
		}
		catch (LiteFsFileException ex) {
			logger.debug("Position unavailable: {}", ex.getMessage());
			return Position.ZERO;
		}
	}

	/**
	 * Reads {@code <db>-pos} now and, when it is ahead of the latest reading, moves the
	 * reading's position to it, as the {@code tx} event that will announce it would: for a
	 * caller that must see a TXID the events have not announced yet (a request whose
	 * {@code __txid} the mount has already reached) in {@link #state()} from now on.
	 * @return the latest reading
	 */
	public NodeState catchUp() {
		Position position = currentPosition();
		if (!this.state.position().hasReached(position.txid())) {
			this.changes.lock();
			try {
				NodeState current = this.state;
				if (!current.position().hasReached(position.txid())) {
					this.state = current.withPosition(position, this.clock.instant());
				}
			}
			finally {
				this.changes.unlock();
			}
		}
		return this.state;
	}

	/**
	 * Reads the position LiteFS has recorded, to confirm a write: unlike
	 * {@link #currentPosition()}, a position that cannot be read is an error, not zero.
	 * A plain directory (a standalone primary), or a LiteFS mount where the database does
	 * not exist yet, has recorded nothing and reads {@link Position#ZERO}.
	 * @return the position
	 * @throws LiteFsFileException if the position cannot be read: the mount broke or went
	 * away (LiteFS stopped or was killed), or LiteFS serves no position for an existing
	 * database
	 */
	public Position recordedPosition() {
		return recordedPosition(this.mount.database());
	}

	/**
	 * Reads the position LiteFS has recorded for a database, to confirm a write, as
	 * {@link #recordedPosition()} does for the main database.
	 * @param db the database file name inside the mount
	 * @return the position
	 * @throws LiteFsFileException if the position cannot be read
	 * @throws IllegalArgumentException if the name is not a database name
	 * @since 0.3.0
	 */
	public Position recordedPosition(String db) {
		checkName(db);
		Optional<Position> position = this.mount.readPosition(db);
		if (position.isPresent()) {
			return position.get();
		}
		boolean nothingRecorded = this.mount.isLiteFsMount() ? !Files.exists(this.mount.databaseFile(db))
				: state().role() == NodeRole.STANDALONE;
		if (nothingRecorded) {
			return Position.ZERO;
		}
		throw new LiteFsFileException(this.mount.positionFile(db), "is missing: LiteFS is not serving the database");
	}

	/**
	 * The known databases: the main one ({@code litefs.database}) first, then the others in
	 * the order this node learnt them (declared in {@code litefs.databases}, found as a
	 * DataSource on the mount, {@link #addDatabase added}, or announced by a {@code tx}
	 * event of LiteFS).
	 * @return an unmodifiable snapshot of their names
	 * @since 0.3.0
	 */
	public Set<String> databases() {
		return this.databases.names();
	}

	/**
	 * Makes a database known: its position is tracked from LiteFS's events and files from
	 * now on. Adding a known database does nothing.
	 * @param db the database file name inside the mount
	 * @throws IllegalArgumentException if the name is not a database name (see
	 * {@link LiteFsMount#databaseNameProblem(String)})
	 * @since 0.3.0
	 */
	public void addDatabase(String db) {
		if (!this.databases.isMain(db)) {
			track(db);
		}
	}

	/**
	 * Whether LiteFS serves a database on this node now: its {@code <db>-pos} reads a TXID
	 * above zero (on a plain directory: its file exists). Read from the mount on the spot.
	 * A database a replica does not replicate (LiteFS's {@code lease.databases} filter), or
	 * that has not reached it yet, is not served, even where something opened it there:
	 * LiteFS then keeps an empty local file whose position stays zero.
	 * @param db the database file name inside the mount
	 * @return whether it is served; {@code false} for a name that is not a database name
	 * @since 0.3.0
	 */
	public boolean servesDatabase(String db) {
		if (LiteFsMount.databaseNameProblem(db) != null) {
			return false;
		}
		if (!this.state.mounted()) {
			return Files.exists(this.mount.databaseFile(db));
		}
		try {
			return this.mount.readPosition(db).map((position) -> position.txid() > 0).orElse(false);
		}
		catch (LiteFsFileException ex) {
			logger.debug("Position of {} unavailable: {}", db, ex.getMessage());
			return false;
		}
	}

	/**
	 * The latest known position of a database (from events and files), as
	 * {@link NodeState#position()} is for the main database.
	 * @param db the database file name inside the mount
	 * @return the position, or {@link Position#ZERO} when the database is not known
	 * @since 0.3.0
	 */
	public Position position(String db) {
		if (this.databases.isMain(db)) {
			return this.state.position();
		}
		KnownDatabases.Tracked tracked = this.databases.get(db);
		return (tracked != null) ? tracked.position() : Position.ZERO;
	}

	/**
	 * The latest known position of every known database.
	 * @return an unmodifiable snapshot, sorted by name
	 * @since 0.3.0
	 */
	public Map<String, Position> positions() {
		Map<String, Position> positions = new TreeMap<>();
		positions.put(this.mount.database(), this.state.position());
		for (KnownDatabases.Tracked tracked : this.databases.others()) {
			positions.put(tracked.name(), tracked.position());
		}
		return Collections.unmodifiableMap(positions);
	}

	/**
	 * Reads a database's position from {@code <db>-pos} now, as {@link #currentPosition()}
	 * does for the main database.
	 * @param db the database file name inside the mount
	 * @return the position; {@link Position#ZERO} when the file is missing or malformed
	 * @throws IllegalArgumentException if the name is not a database name
	 * @since 0.3.0
	 */
	public Position currentPosition(String db) {
		checkName(db);
		try {
			return this.mount.readPosition(db).orElse(Position.ZERO);
		}
		catch (LiteFsFileException ex) {
			logger.debug("Position unavailable: {}", ex.getMessage());
			return Position.ZERO;
		}
	}

	/**
	 * Reads a database's {@code <db>-pos} now and moves its known position forward to it,
	 * as {@link #catchUp()} does for the main database; the database becomes known.
	 * @param db the database file name inside the mount
	 * @return the latest known position
	 * @throws IllegalArgumentException if the name is not a database name
	 * @since 0.3.0
	 */
	public Position catchUp(String db) {
		if (this.databases.isMain(db)) {
			return catchUp().position();
		}
		KnownDatabases.Tracked tracked = track(db);
		tracked.advance(currentPosition(db));
		return tracked.position();
	}

	/**
	 * Waits, without holding a thread, until a database reaches a TXID, as
	 * {@link #await(long, Duration)} does for the main database; the database becomes
	 * known.
	 * @param db the database file name inside the mount
	 * @param txid the TXID to reach
	 * @param timeout the longest to wait
	 * @return a future completed with {@code true} once the TXID is reached, or with
	 * {@code false} when the timeout passed first or the node stopped
	 * @throws IllegalArgumentException if the name is not a database name
	 * @since 0.3.0
	 */
	public CompletableFuture<Boolean> await(String db, long txid, Duration timeout) {
		if (this.databases.isMain(db)) {
			return await(txid, timeout);
		}
		KnownDatabases.Tracked tracked = track(db);
		return tracked.waiters().await(txid, timeout, tracked::position);
	}

	/** Makes a database other than the main one known; its position is read at once. */
	private KnownDatabases.Tracked track(String db) {
		KnownDatabases.Added added = this.databases.add(db);
		if (added.isNew()) {
			logger.info("LiteFS node {}: tracking database {}", this.hostname, db);
			added.database().advance(currentPosition(db));
			learnt(db);
		}
		return added.database();
	}

	/** Reads every other known database's {@code <db>-pos}: while the stream is down, and on (re)connect. */
	private void readOthers() {
		for (KnownDatabases.Tracked tracked : this.databases.others()) {
			try {
				tracked.read(this.mount.readPosition(tracked.name()).orElse(Position.ZERO));
			}
			catch (LiteFsFileException ex) {
				logger.debug("Position unavailable: {}", ex.getMessage());
			}
		}
	}

	/** A {@code tx} event of a database other than the main one: it becomes known if it was not. */
	private void advanceOther(String db, Position position) {
		KnownDatabases.Tracked tracked = this.databases.get(db);
		if (tracked == null) {
			if (LiteFsMount.databaseNameProblem(db) != null) {
				return;
			}
			KnownDatabases.Added added = this.databases.add(db);
			tracked = added.database();
			tracked.advance(position);
			if (added.isNew()) {
				logger.info("LiteFS node {}: database {} learnt from a tx event, at TXID {}", this.hostname, db,
						position.txidHex());
				learnt(db);
			}
			return;
		}
		tracked.advance(position);
	}

	/**
	 * Calls a listener with the name of each database that becomes known from now on (not
	 * those known already: see {@link #databases()}), on the thread that learnt it (the
	 * event stream's, or the caller of {@link #addDatabase(String)}): for what follows
	 * each database, such as its metrics. It must return quickly and not throw.
	 * @param listener the listener
	 * @since 0.3.0
	 */
	public void addDatabaseListener(Consumer<String> listener) {
		this.databaseListeners.add(listener);
	}

	private void learnt(String db) {
		for (Consumer<String> listener : this.databaseListeners) {
			try {
				listener.accept(db);
			}
			catch (RuntimeException ex) {
				logger.warn("A listener of the databases of LiteFS node {} failed on {}", this.hostname, db, ex);
			}
		}
	}

	private static void checkName(String db) {
		String problem = LiteFsMount.databaseNameProblem(db);
		if (problem != null) {
			throw new IllegalArgumentException(problem);
		}
	}

	/**
	 * The LiteFS mount this node reads.
	 * @return the mount
	 */
	public LiteFsMount mount() {
		return this.mount;
	}

	/**
	 * This node's LiteFS hostname.
	 * @return the hostname
	 */
	public String hostname() {
		return this.hostname;
	}

	/**
	 * LiteFS's HTTP API, when configured.
	 * @return the API client
	 */
	public Optional<LiteFsApi> api() {
		return Optional.ofNullable(this.api);
	}

	/**
	 * The last change of role or primary this node observed since it started.
	 * @return the event, or empty when none happened
	 */
	public Optional<LiteFsRoleChangedEvent> lastRoleChange() {
		return Optional.ofNullable(this.lastRoleChange);
	}

	/**
	 * How often the files are read again.
	 * @return the poll interval
	 */
	public Duration pollInterval() {
		return this.pollInterval;
	}

	/**
	 * Starts reading LiteFS: the event stream and the poll of the files. Safe to call
	 * again, and early (before the application context starts its lifecycle beans).
	 */
	@Override
	public synchronized void start() {
		if (this.poller != null) {
			return;
		}
		Duration interval = Duration.ofMillis(this.pollInterval.toMillis());
		this.poller = this.scheduler.scheduleWithFixedDelay(this::pollQuietly, interval, interval);
		if (this.stream != null) {
			this.stream.start();
		}
	}

	@Override
	public synchronized void stop() {
		if (this.poller != null) {
			this.poller.cancel(true);
			this.poller = null;
		}
		if (this.stream != null) {
			this.stream.stop();
		}
		this.waiters.stop();
		this.databases.stop();
		if (this.ownScheduler) {
			this.scheduler.close();
		}
	}

	@Override
	public synchronized boolean isRunning() {
		return this.poller != null;
	}

	private boolean isStreaming() {
		return this.stream != null && this.stream.isConnected();
	}

	private Optional<Boolean> apiSaysPrimary() {
		if (isStreaming()) {
			return Optional.of(this.streamSaysPrimary);
		}
		return (this.api != null) ? this.api.info().map(LiteFsInfo::primary) : Optional.empty();
	}

	private void pollQuietly() {
		try {
			if (isStreaming()) {
				check();
			}
			else {
				refresh();
				readOthers();
			}
		}
		catch (RuntimeException | Error ex) {
			// a scheduled task that throws is never run again: the poll must outlive any fault
			logger.warn("Reading the LiteFS mount {} failed", this.mount.dir(), ex);
		}
	}

	/**
	 * While the stream is up: the files, read again, must show nothing the events did not
	 * announce within one poll interval.
	 */
	private void check() {
		String stalled = null;
		NodeState current;
		this.changes.lock();
		try {
			NodeState previous = this.state;
			current = apply(read(() -> Optional.of(this.streamSaysPrimary)));
			stalled = this.stallCheck.check(previous, current);
		}
		finally {
			this.changes.unlock();
		}
		this.waiters.release(current.position());
		if (stalled != null && this.stream != null && isStreaming()) {
			logger.warn("LiteFS event stream: {} within {}: connecting again", stalled, this.pollInterval);
			this.stream.reconnect();
		}
	}

	/**
	 * Makes a reading the latest, under {@link #changes}; publishes a change of role. The
	 * caller releases the waiters after, outside the lock: releasing resumes requests,
	 * which must not hold up a caller of {@link #refresh()}.
	 */
	private NodeState apply(NodeState current) {
		NodeState previous = this.state;
		current = current.withWriteHold(writeHold(previous, current));
		this.state = current;
		if (previous.isDatabaseAvailable() && !current.isDatabaseAvailable()) {
			this.databaseLosses++;
		}
		NodeLog.problems(previous, current);
		if (current.isRoleChangeFrom(previous)) {
			LiteFsRoleChangedEvent event = new LiteFsRoleChangedEvent(this, previous, current);
			this.lastRoleChange = event;
			logger.info("LiteFS node {}: role changed from {} (primary {}) to {} (primary {})", this.hostname,
					previous.role().id(), previous.primary(), current.role().id(), current.primary());
			this.events.publishEvent(event);
		}
		return current;
	}

	/** A {@code tx} event of this node's database: the position moves forward. */
	private void advance(Position position) {
		this.changes.lock();
		try {
			this.stallCheck.announced(position);
			NodeState current = this.state;
			if (!current.position().hasReached(position.txid())) {
				this.state = current.withPosition(position, this.clock.instant());
			}
		}
		finally {
			this.changes.unlock();
		}
		this.waiters.release(position);
	}

	/** LiteFS said this node's role: the files are read again to confirm it. */
	private void roleEvent(boolean isPrimary) {
		this.streamSaysPrimary = isPrimary;
		NodeState current;
		this.changes.lock();
		try {
			current = apply(read(() -> Optional.of(isPrimary)));
			this.stallCheck.agreed(current.position());
		}
		finally {
			this.changes.unlock();
		}
		this.waiters.release(current.position());
		readOthers();
	}

	/** The first hold's reason; every hold is asked, as one may count what it sees. */
	private @Nullable String writeHold(NodeState previous, NodeState current) {
		String reason = null;
		for (WriteHold hold : this.writeHolds) {
			String held = hold.reason(previous, current);
			reason = (reason != null) ? reason : held;
		}
		return reason;
	}

	private NodeState read(Supplier<Optional<Boolean>> primaryByApi) {
		return this.reader.read(primaryByApi);
	}

	/** The node's side of the event stream. */
	private final class StreamHandler implements LiteFsEventStream.Handler {

		@Override
		public void event(LiteFsEvent event) {
			switch (event.type()) {
				case INIT, PRIMARY_CHANGE -> roleEvent(event.isPrimary());
				case TX -> {
					String db = event.database();
					Position position = event.position();
					if (db == null || position == null) {
						return;
					}
					if (LiteFsNode.this.databases.isMain(db)) {
						advance(position);
					}
					else {
						advanceOther(db, position);
					}
				}
			}
		}

		@Override
		public void disconnected() {
			LiteFsNode.this.waiters.wakePoller();
			LiteFsNode.this.databases.wakePollers();
		}

	}

}
