package dev.litefs.spring.node;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

/**
 * Tells this node's role and position from the LiteFS files of its mount.
 * <p>
 * {@code .primary} present means replica. Absent, it means primary <em>or</em> a replica
 * connected to no primary, so the reader takes LiteFS's word (given by the node: the
 * stream's last {@code isPrimary}, or {@code GET /info} while the stream is down), and
 * without it trusts only a {@code .lag} of zero (LiteFS reports zero on the primary
 * alone). Anything else is {@link NodeRole#UNKNOWN}. A directory without any LiteFS file
 * that the kernel does not list as a LiteFS mount is a plain directory:
 * {@link NodeRole#STANDALONE}, unless this reader saw a LiteFS mount there before: then
 * LiteFS went away, the database is not available and the role is unknown until LiteFS
 * is back.
 */
final class MountReader {

	private final LiteFsMount mount;

	private final String hostname;

	private final Clock clock;

	/** Set once the directory was seen as a LiteFS mount: it never turns standalone after. */
	private volatile boolean seenLiteFsMount;

	MountReader(LiteFsMount mount, String hostname, Clock clock) {
		this.mount = mount;
		this.hostname = hostname;
		this.clock = clock;
	}

	/**
	 * Reads the mount now.
	 * @param primaryByApi LiteFS's word on the role, asked only when the files leave it
	 * open
	 * @return the reading, without any write hold
	 */
	NodeState read(Supplier<Optional<Boolean>> primaryByApi) {
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
		Optional<Boolean> apiAnswer = primaryByApi.get();
		boolean primaryByLag = apiAnswer.isEmpty() && lag.filter(Duration::isZero).isPresent();
		if (apiAnswer.orElse(false) || primaryByLag) {
			return state(NodeRole.PRIMARY, this.hostname, position, Duration.ZERO, true, true, problems);
		}
		problems.add(apiAnswer.isPresent() ? "LiteFS reports this node is not primary, and no primary is connected"
				: "no .primary, the LiteFS API does not answer and .lag is not zero: primary or disconnected replica");
		return state(NodeRole.UNKNOWN, null, position, lag.orElse(Duration.ZERO), true, true, problems);
	}

	private NodeState state(NodeRole role, @Nullable String primary, Position position, Duration lag, boolean mounted,
			boolean readable, List<String> problems) {
		return new NodeState(role, this.hostname, primary, position, lag, mounted, readable, problems,
				this.clock.instant(), null);
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

	@FunctionalInterface
	private interface FileRead<T> {

		Optional<T> read();

	}

}
