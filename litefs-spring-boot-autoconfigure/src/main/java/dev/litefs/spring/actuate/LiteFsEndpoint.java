package dev.litefs.spring.actuate;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.litefs.spring.node.EventStreamStatus;
import dev.litefs.spring.node.LiteFsApi;
import dev.litefs.spring.node.LiteFsInfo;
import dev.litefs.spring.node.LiteFsNode;
import dev.litefs.spring.node.LiteFsRoleChangedEvent;
import dev.litefs.spring.node.NodeState;
import dev.litefs.spring.node.Position;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/**
 * {@code /actuator/litefs}: this node as LiteFS sees it (role, primary, the main
 * database's position, each known database's position under {@code databases}, lag,
 * problems, last role change), what LiteFS's own API says when it answers, and one
 * section per {@link LiteFsEndpointContributor}.
 * <p>
 * The node's fields come from a reading of the mount taken for the call (with LiteFS's
 * word on the role from the event stream while it is up); {@code events} shows the
 * stream's state. Asking
 * LiteFS's {@code GET /info} is bounded by {@code litefs.api-timeout}: an API that is down
 * or hangs shows as {@code "answered": false}, never as an error.
 *
 * @since 0.2.0
 */
@Endpoint(id = "litefs")
public class LiteFsEndpoint {

	private final LiteFsNode node;

	private final List<LiteFsEndpointContributor> contributors;

	/**
	 * Creates the endpoint.
	 * @param node this node
	 * @param contributors the sections to add, in order
	 */
	public LiteFsEndpoint(LiteFsNode node, List<LiteFsEndpointContributor> contributors) {
		this.node = node;
		this.contributors = List.copyOf(contributors);
	}

	/**
	 * Describes this node now.
	 * @return the endpoint's JSON body
	 */
	@ReadOperation
	public Map<String, @Nullable Object> litefs() {
		Optional<LiteFsInfo> info = this.node.api().flatMap(LiteFsApi::info);
		NodeState state = this.node.refresh(info);
		Map<String, @Nullable Object> body = new LinkedHashMap<>();
		body.put("role", state.role().id());
		body.put("hostname", state.hostname());
		body.put("primary", state.primary());
		body.put("mountDir", this.node.mount().dir().toAbsolutePath().toString());
		body.put("mounted", state.mounted());
		body.put("readable", state.readable());
		body.put("database", this.node.mount().database());
		body.put("txid", state.position().txidHex());
		body.put("checksum", state.position().checksumHex());
		body.put("lagMillis", state.lag().toMillis());
		body.put("databases", databases(state));
		body.put("problems", state.problems());
		body.put("writeHold", state.writeHold());
		body.put("readAt", state.readAt().toString());
		body.put("lastRoleChange", this.node.lastRoleChange().map(LiteFsEndpoint::roleChange).orElse(null));
		body.put("api", this.node.api().map((api) -> api(api, info)).orElse(null));
		body.put("events", this.node.eventStream().map(LiteFsEndpoint::events).orElse(null));
		for (LiteFsEndpointContributor contributor : this.contributors) {
			String name = contributor.name();
			if (body.containsKey(name)) {
				throw new IllegalStateException("LiteFsEndpointContributor " + contributor.getClass().getName()
						+ " names its section '" + name + "', which /actuator/litefs already has");
			}
			body.put(name, contributor.describe());
		}
		return OperationResponseBody.of(body);
	}

	/** Each known database, the main one first: its position and whether this node serves it. */
	private Map<String, Object> databases(NodeState state) {
		Map<String, Object> databases = new LinkedHashMap<>();
		for (String db : this.node.databases()) {
			Position position = this.node.mount().database().equals(db) ? state.position() : this.node.position(db);
			Map<String, Object> section = new LinkedHashMap<>();
			section.put("txid", position.txidHex());
			section.put("checksum", position.checksumHex());
			section.put("served", this.node.servesDatabase(db));
			databases.put(db, section);
		}
		return databases;
	}

	private static Map<String, @Nullable Object> roleChange(LiteFsRoleChangedEvent event) {
		Map<String, @Nullable Object> change = new LinkedHashMap<>();
		change.put("at", event.getState().readAt().toString());
		change.put("from", event.getPreviousRole().id());
		change.put("to", event.getRole().id());
		change.put("previousPrimary", event.getPreviousPrimary());
		change.put("primary", event.getPrimary());
		return change;
	}

	private static Map<String, @Nullable Object> events(EventStreamStatus stream) {
		Map<String, @Nullable Object> section = new LinkedHashMap<>();
		section.put("url", stream.url().toString());
		section.put("connected", stream.connected());
		section.put("connectedSince", (stream.connectedSince() != null) ? stream.connectedSince().toString() : null);
		section.put("eventsSeen", stream.eventsSeen());
		section.put("reconnects", stream.reconnects());
		section.put("lastEventAt", (stream.lastEventAt() != null) ? stream.lastEventAt().toString() : null);
		section.put("fallbackActive", stream.fallbackActive());
		section.put("lastError", stream.lastError());
		return section;
	}

	private static Map<String, @Nullable Object> api(LiteFsApi api, Optional<LiteFsInfo> info) {
		Map<String, @Nullable Object> section = new LinkedHashMap<>();
		section.put("url", api.baseUrl().toString());
		section.put("answered", info.isPresent());
		info.ifPresent((answer) -> {
			section.put("clusterId", answer.clusterId());
			section.put("isPrimary", answer.primary());
			section.put("candidate", answer.candidate());
			section.put("primary", answer.primaryHostname());
		});
		return section;
	}

}
