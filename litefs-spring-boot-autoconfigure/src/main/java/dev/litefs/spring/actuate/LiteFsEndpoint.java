package dev.litefs.spring.actuate;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.litefs.spring.node.LiteFsApi;
import dev.litefs.spring.node.LiteFsInfo;
import dev.litefs.spring.node.LiteFsNode;
import dev.litefs.spring.node.LiteFsRoleChangedEvent;
import dev.litefs.spring.node.NodeState;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/**
 * {@code /actuator/litefs}: this node as LiteFS sees it (role, primary, position, lag,
 * problems, last role change), what LiteFS's own API says when it answers, and one
 * section per {@link LiteFsEndpointContributor}.
 * <p>
 * The node's fields come from its latest reading, at most one poll interval old. Asking
 * LiteFS's {@code GET /info} is bounded by {@code litefs.api-timeout}: an API that is down
 * or hangs shows as {@code "answered": false}, never as an error.
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
		NodeState state = this.node.state();
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
		body.put("problems", state.problems());
		body.put("readAt", state.readAt().toString());
		body.put("lastRoleChange", this.node.lastRoleChange().map(LiteFsEndpoint::roleChange).orElse(null));
		body.put("api", this.node.api().map(LiteFsEndpoint::api).orElse(null));
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

	private static Map<String, @Nullable Object> roleChange(LiteFsRoleChangedEvent event) {
		Map<String, @Nullable Object> change = new LinkedHashMap<>();
		change.put("at", event.getState().readAt().toString());
		change.put("from", event.getPreviousRole().id());
		change.put("to", event.getRole().id());
		change.put("previousPrimary", event.getPreviousPrimary());
		change.put("primary", event.getPrimary());
		return change;
	}

	private static Map<String, @Nullable Object> api(LiteFsApi api) {
		Map<String, @Nullable Object> section = new LinkedHashMap<>();
		section.put("url", api.baseUrl().toString());
		Optional<LiteFsInfo> info = api.info();
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
