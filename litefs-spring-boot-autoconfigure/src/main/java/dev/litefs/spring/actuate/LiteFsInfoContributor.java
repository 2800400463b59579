package dev.litefs.spring.actuate;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.litefs.spring.node.LiteFsNode;
import dev.litefs.spring.node.NodeState;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.info.Info;
import org.springframework.boot.actuate.info.InfoContributor;

/**
 * Adds {@code litefs} to {@code /actuator/info}: this node's role, its hostname, the
 * primary's, and the names of its known databases.
 */
public class LiteFsInfoContributor implements InfoContributor {

	private final LiteFsNode node;

	/**
	 * Creates the contributor.
	 * @param node this node
	 */
	public LiteFsInfoContributor(LiteFsNode node) {
		this.node = node;
	}

	@Override
	public void contribute(Info.Builder builder) {
		NodeState state = this.node.state();
		Map<String, @Nullable Object> litefs = new LinkedHashMap<>();
		litefs.put("role", state.role().id());
		litefs.put("hostname", state.hostname());
		litefs.put("primary", state.primary());
		litefs.put("databases", this.node.databases());
		builder.withDetail("litefs", litefs);
	}

}
