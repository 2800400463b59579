package dev.litefs.spring.actuate;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.litefs.spring.node.EventStreamStatus;
import dev.litefs.spring.node.LiteFsApi;
import dev.litefs.spring.node.LiteFsFileException;
import dev.litefs.spring.node.LiteFsMount;
import dev.litefs.spring.node.LiteFsNode;
import dev.litefs.spring.node.NodeRole;
import dev.litefs.spring.node.NodeState;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The {@code litefs} health component.
 * <ul>
 * <li>{@code UP} on a primary or standalone node, and on a replica whose lag is within
 * the maximum, with details {@code role}, {@code primary}, {@code txid} (the main
 * database's), {@code databases} (each known database's TXID, when there is more than
 * one) and {@code lagMillis}.</li>
 * <li>{@code OUT_OF_SERVICE} on a replica that lags more, or a node that knows no
 * primary: it should receive no traffic, yet it is alive and catches up by itself (the
 * default HTTP status of the health endpoint for it is 503).</li>
 * <li>{@code DOWN} when the mount directory is missing or unreadable, is no longer a
 * LiteFS mount (LiteFS stopped under the application), or a LiteFS file is malformed,
 * with the file and the reason.</li>
 * </ul>
 * The mount's files are checked on each call; role and lag come from the node's latest
 * reading. The {@code events} detail tells whether LiteFS's event stream is up, and
 * reports it down while LiteFS's API answers (the node then follows the files, up to
 * a poll interval late); the status does not change for it, since the node is still
 * correct. A health call never waits on LiteFS's API: whether it answers is the node's
 * last {@code GET /info}, asked every poll interval while the stream is down.
 */
public class LiteFsHealthIndicator implements HealthIndicator {

	private final LiteFsNode node;

	private final Duration maxLag;

	/**
	 * Creates the health indicator.
	 * @param node this node
	 * @param maxLag the replication lag above which a replica is out of service
	 */
	public LiteFsHealthIndicator(LiteFsNode node, Duration maxLag) {
		this.node = node;
		this.maxLag = maxLag;
	}

	@Override
	public Health health() {
		LiteFsMount mount = this.node.mount();
		if (!mount.isReadable()) {
			return Health.down()
				.withDetail("mountDir", mount.dir().toAbsolutePath().toString())
				.withDetail("reason", "the mount directory does not exist or cannot be read")
				.build();
		}
		LiteFsFileException malformed = malformedFile(mount);
		if (malformed != null) {
			return Health.down()
				.withDetail("file", malformed.getFile().toString())
				.withDetail("reason", malformed.getReason())
				.build();
		}
		NodeState state = this.node.state();
		if (!state.isDatabaseAvailable()) {
			return Health.down()
				.withDetail("mountDir", mount.dir().toAbsolutePath().toString())
				.withDetail("reason", String.join("; ", state.problems()))
				.build();
		}
		Health.Builder health = Health.up();
		if (state.role() == NodeRole.UNKNOWN) {
			health.outOfService().withDetail("reason", "no primary is known: " + String.join("; ", state.problems()));
		}
		else if (state.lag().compareTo(this.maxLag) > 0) {
			health.outOfService()
				.withDetail("reason", "replication lag of " + state.lag().toMillis() + "ms exceeds litefs.health.max-lag ("
						+ this.maxLag.toMillis() + "ms)");
		}
		health.withDetail("role", state.role().id());
		if (state.primary() != null) {
			health.withDetail("primary", state.primary());
		}
		if (state.writeHold() != null) {
			health.withDetail("writeHold", state.writeHold());
		}
		this.node.eventStream().map(this::events).ifPresent((events) -> health.withDetail("events", events));
		health.withDetail("txid", state.position().txidHex());
		if (this.node.databases().size() > 1) {
			Map<String, String> txids = new LinkedHashMap<>();
			this.node.databases().forEach((db) -> txids.put(db, this.node.position(db).txidHex()));
			health.withDetail("databases", txids);
		}
		return health.withDetail("lagMillis", state.lag().toMillis()).build();
	}

	/**
	 * {@code connected}; or why it is down while LiteFS's API answers (the files are read
	 * in its place, a poll interval late); nothing while the API does not answer at all
	 * (no LiteFS here, or one run without its API), by the node's last {@code GET /info}.
	 */
	private @Nullable String events(EventStreamStatus stream) {
		if (stream.connected()) {
			return "connected";
		}
		// never a call to the API here: one that hangs would hold every health answer for the API's timeout
		boolean apiAnswers = this.node.api().map(LiteFsApi::answeredLastInfo).orElse(false);
		return apiAnswers ? "down while LiteFS's API answers (" + stream.lastError() + "): reading the files instead"
				: null;
	}

	private static @Nullable LiteFsFileException malformedFile(LiteFsMount mount) {
		try {
			mount.readPrimary();
			mount.readPosition();
			mount.readLag();
			return null;
		}
		catch (LiteFsFileException ex) {
			return ex;
		}
	}

}
