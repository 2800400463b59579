package dev.litefs.spring.actuate;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.litefs.spring.consistency.PositionWatcher;
import dev.litefs.spring.consistency.TxidCookie;

/**
 * The {@code consistency} section of {@code /actuator/litefs}: the {@code __txid}
 * settings in force, and how many requests wait right now.
 */
public final class ConsistencyEndpointContributor implements LiteFsEndpointContributor {

	private final PositionWatcher watcher;

	private final Map<String, Object> settings;

	/**
	 * @param watcher the waiting requests
	 * @param settings the {@code litefs.consistency} settings in force, as shown
	 */
	public ConsistencyEndpointContributor(PositionWatcher watcher, Map<String, Object> settings) {
		this.watcher = watcher;
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
		section.put("pollIntervalMicros", this.watcher.pollInterval().toNanos() / 1000);
		section.put("waiting", this.watcher.waiting());
		return section;
	}

}
