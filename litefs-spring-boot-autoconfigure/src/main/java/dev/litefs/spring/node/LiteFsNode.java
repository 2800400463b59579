package dev.litefs.spring.node;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;

/**
 * This node as LiteFS sees it: its role, the primary, the database's position and the
 * replication lag.
 * <p>
 * {@link #state()} answers from a reading refreshed every poll interval in the
 * background, so asking costs a volatile read; {@link #currentPosition()} reads the
 * position file on the spot, for when "now" matters (after a write). A change of role
 * or primary is published as a {@link LiteFsRoleChangedEvent}.
 * <p>
 * How the role is told: {@code .primary} present means replica. Absent, it means
 * primary <em>or</em> a replica connected to no primary, so the node asks LiteFS's
 * {@code GET /info} when the API answers, and otherwise trusts only a {@code .lag} of
 * zero (LiteFS reports zero on the primary alone). Anything else is
 * {@link NodeRole#UNKNOWN}. A directory without any LiteFS file that the kernel does not
 * list as a LiteFS mount is a plain directory: {@link NodeRole#STANDALONE}, unless this
 * node saw a LiteFS mount there before: then LiteFS went away, the database is not
 * available and the role is unknown until LiteFS is back.
 */
public class LiteFsNode implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(LiteFsNode.class);

	private final LiteFsMount mount;

	private final String hostname;

	private final @Nullable LiteFsApi api;

	private final Duration pollInterval;

	private final ApplicationEventPublisher events;

	private final Clock clock;

	private volatile NodeState state;

	private volatile @Nullable LiteFsRoleChangedEvent lastRoleChange;

	/** Set once the directory was seen as a LiteFS mount: it never turns standalone after. */
	private volatile boolean seenLiteFsMount;

	private @Nullable ScheduledExecutorService poller;

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
		this(mount, hostname, api, pollInterval, events, Clock.systemUTC());
	}

	LiteFsNode(LiteFsMount mount, String hostname, @Nullable LiteFsApi api, Duration pollInterval,
			ApplicationEventPublisher events, Clock clock) {
		this.mount = mount;
		this.hostname = hostname;
		this.api = api;
		this.pollInterval = pollInterval;
		this.events = events;
		this.clock = clock;
		this.state = read();
		logFirstReading(this.state);
	}

	/**
	 * The latest reading, at most one poll interval old once the node is started.
	 * @return the state
	 */
	public NodeState state() {
		return this.state;
	}

	/**
	 * Whether this node may write to its database, by the latest reading.
	 * @return {@code true} on a primary or standalone node
	 */
	public boolean isPrimary() {
		return this.state.isPrimary();
	}

	/**
	 * Reads the mount now, replaces the latest reading and publishes a
	 * {@link LiteFsRoleChangedEvent} if the role or the primary changed.
	 * @return the new reading
	 */
	public synchronized NodeState refresh() {
		NodeState previous = this.state;
		NodeState current = read();
		this.state = current;
		logProblems(previous, current);
		if (current.isRoleChangeFrom(previous)) {
			LiteFsRoleChangedEvent event = new LiteFsRoleChangedEvent(this, previous, current);
			this.lastRoleChange = event;
			logger.info("LiteFS node {}: role changed from {} (primary {}) to {} (primary {})", this.hostname,
					previous.role().id(), previous.primary(), current.role().id(), current.primary());
			this.events.publishEvent(event);
		}
		return current;
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
	 * How often the mount is read again.
	 * @return the poll interval
	 */
	public Duration pollInterval() {
		return this.pollInterval;
	}

	@Override
	public synchronized void start() {
		if (this.poller != null) {
			return;
		}
		this.poller = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "litefs-node");
			thread.setDaemon(true);
			return thread;
		});
		long millis = this.pollInterval.toMillis();
		this.poller.scheduleWithFixedDelay(this::refreshQuietly, millis, millis, TimeUnit.MILLISECONDS);
	}

	@Override
	public synchronized void stop() {
		if (this.poller != null) {
			this.poller.shutdownNow();
			this.poller = null;
		}
	}

	@Override
	public synchronized boolean isRunning() {
		return this.poller != null;
	}

	private void refreshQuietly() {
		try {
			refresh();
		}
		catch (RuntimeException ex) {
			logger.warn("Reading the LiteFS mount {} failed", this.mount.dir(), ex);
		}
	}

	private NodeState read() {
		List<String> problems = new ArrayList<>();
		if (!this.mount.isReadable()) {
			problems.add("mount directory " + this.mount.dir() + " does not exist or cannot be read");
			return state(NodeRole.UNKNOWN, null, Position.ZERO, Duration.ZERO, false, false, problems);
		}
		Position position = readOrProblem(this.mount::readPosition, problems).orElse(Position.ZERO);
		if (!this.mount.isLiteFsMount()) {
			if (this.seenLiteFsMount) {
				problems.add("mount directory " + this.mount.dir() + " is no longer a LiteFS mount: LiteFS stopped "
						+ "or is restarting");
				return state(NodeRole.UNKNOWN, null, position, Duration.ZERO, false, true, problems);
			}
			return state(NodeRole.STANDALONE, this.hostname, position, Duration.ZERO, false, true, problems);
		}
		this.seenLiteFsMount = true;
		Optional<Duration> lag = readOrProblem(this.mount::readLag, problems);
		int problemsBeforePrimary = problems.size();
		Optional<String> primary = readOrProblem(this.mount::readPrimary, problems);
		if (problems.size() > problemsBeforePrimary) {
			return state(NodeRole.UNKNOWN, null, position, lag.orElse(Duration.ZERO), true, true, problems);
		}
		if (primary.isPresent()) {
			return state(NodeRole.REPLICA, primary.get(), position, lag.orElse(Duration.ZERO), true, true, problems);
		}
		Optional<LiteFsInfo> info = (this.api != null) ? this.api.info() : Optional.empty();
		boolean primaryByApi = info.map(LiteFsInfo::primary).orElse(false);
		boolean primaryByLag = info.isEmpty() && lag.filter(Duration::isZero).isPresent();
		if (primaryByApi || primaryByLag) {
			return state(NodeRole.PRIMARY, this.hostname, position, Duration.ZERO, true, true, problems);
		}
		problems.add(info.isPresent() ? "LiteFS reports this node is not primary, and no primary is connected"
				: "no .primary, the LiteFS API does not answer and .lag is not zero: primary or disconnected replica");
		return state(NodeRole.UNKNOWN, null, position, lag.orElse(Duration.ZERO), true, true, problems);
	}

	private NodeState state(NodeRole role, @Nullable String primary, Position position, Duration lag, boolean mounted,
			boolean readable, List<String> problems) {
		return new NodeState(role, this.hostname, primary, position, lag, mounted, readable, problems,
				this.clock.instant());
	}

	private static <T> Optional<T> readOrProblem(FileRead<T> read, List<String> problems) {
		try {
			return read.read();
		}
		catch (LiteFsFileException ex) {
			problems.add(ex.getMessage());
			return Optional.empty();
		}
	}

	private void logFirstReading(NodeState state) {
		switch (state.role()) {
			case STANDALONE -> logger.warn("LiteFS: {} is a plain directory, not a LiteFS mount: node {} runs as a "
					+ "standalone primary (fine for local development, wrong in a cluster)", this.mount.dir().toAbsolutePath(),
					this.hostname);
			case REPLICA -> logger.info("LiteFS node {}: replica of {}, database {} at TXID {}", this.hostname,
					state.primary(), this.mount.databaseFile(), state.position().txidHex());
			case PRIMARY -> logger.info("LiteFS node {}: primary, database {} at TXID {}", this.hostname,
					this.mount.databaseFile(), state.position().txidHex());
			case UNKNOWN -> logger.warn("LiteFS node {}: role unknown, no writes will be taken until it is known {}",
					this.hostname, state.problems());
		}
		state.problems().forEach((problem) -> logger.warn("LiteFS: {}", problem));
	}

	private static void logProblems(NodeState previous, NodeState current) {
		current.problems()
			.stream()
			.filter((problem) -> !previous.problems().contains(problem))
			.forEach((problem) -> logger.warn("LiteFS: {}", problem));
		if (!previous.problems().isEmpty() && current.problems().isEmpty()) {
			logger.info("LiteFS: the mount reads well again");
		}
	}

	@FunctionalInterface
	private interface FileRead<T> {

		Optional<T> read();

	}

}
