package dev.litefs.spring.actuate;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import dev.litefs.spring.consistency.ConsistencyFilter;
import dev.litefs.spring.consistency.PositionWatcher;
import dev.litefs.spring.consistency.TxidCookie;

/**
 * The {@code consistency} section of {@code /actuator/litefs}: the {@code __txid}
 * settings in force, and how many requests wait right now.
 */
public class ConsistencyEndpointContributor implements LiteFsEndpointContributor {

	private final ConsistencyFilter filter;

	private final PositionWatcher watcher;

	/**
	 * Creates the section.
	 * @param filter the filter whose settings are shown
	 * @param watcher the watcher whose waiting requests are counted
	 */
	public ConsistencyEndpointContributor(ConsistencyFilter filter, PositionWatcher watcher) {
		this.filter = filter;
		this.watcher = watcher;
	}

	@Override
	public String name() {
		return "consistency";
	}

	@Override
	public Object describe() {
		ConsistencyFilter.Settings settings = this.filter.settings();
		Map<String, Object> section = new LinkedHashMap<>();
		section.put("cookie", TxidCookie.NAME);
		section.put("timeoutMillis", settings.timeout().toMillis());
		section.put("onTimeout", settings.onTimeout().name().toLowerCase(Locale.ROOT));
		section.put("cookieMaxAgeSeconds", settings.cookieMaxAge().toSeconds());
		section.put("cookieSecure", settings.cookieSecure());
		section.put("exclude", settings.exclude().patterns());
		section.put("pollIntervalMicros", this.watcher.pollInterval().toNanos() / 1000);
		section.put("waiting", this.watcher.waiting());
		return section;
	}

}
