package dev.litefs.spring.actuate;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.litefs.spring.consistency.TxidCookie;
import dev.litefs.spring.node.LiteFsNode;

/**
 * The {@code consistency} section of {@code /actuator/litefs}: the {@code __txid}
 * settings in force, and how many requests wait right now.
 */
public final class ConsistencyEndpointContributor implements LiteFsEndpointContributor {

	private final LiteFsNode node;

	private final Map<String, Object> settings;

	/**
	 * @param node this node, which counts the requests waiting
	 * @param settings the {@code litefs.consistency} settings in force, as shown
	 */
	public ConsistencyEndpointContributor(LiteFsNode node, Map<String, Object> settings) {
		this.node = node;
		this.settings = settings;
	}

	@Override
	public String name() {
		return "consistency";
	}

	@Override
	public Object describe() {
		Map<String, Object> section = new LinkedHashMap<>();
		section.put("cookie", TxidCookie.NAME);
		section.putAll(this.settings);
		section.put("waiting", this.node.waiting());
		return section;
	}

}
