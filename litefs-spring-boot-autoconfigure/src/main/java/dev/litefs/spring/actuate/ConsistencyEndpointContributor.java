package dev.litefs.spring.actuate;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import dev.litefs.spring.autoconfigure.LiteFsProperties;
import dev.litefs.spring.consistency.TxidCookie;
import dev.litefs.spring.node.LiteFsNode;

/**
 * The {@code consistency} section of {@code /actuator/litefs}: the {@code __txid}
 * settings in force, and how many requests wait right now.
 */
final class ConsistencyEndpointContributor implements LiteFsEndpointContributor {

	private final LiteFsNode node;

	private final LiteFsProperties.Consistency properties;

	ConsistencyEndpointContributor(LiteFsNode node, LiteFsProperties properties) {
		this.node = node;
		this.properties = properties.getConsistency();
	}

	@Override
	public String name() {
		return "consistency";
	}

	@Override
	public Object describe() {
		Map<String, Object> section = new LinkedHashMap<>();
		section.put("cookie", TxidCookie.NAME);
		section.put("timeoutMillis", this.properties.getTimeout().toMillis());
		section.put("onTimeout", this.properties.getOnTimeout().name().toLowerCase(Locale.ROOT));
		section.put("cookieMaxAgeSeconds", this.properties.getCookieMaxAge().toSeconds());
		section.put("cookieSecure", this.properties.isCookieSecure());
		section.put("exclude", this.properties.getExclude());
		section.put("pollIntervalMicros", this.properties.getPollInterval().toNanos() / 1000);
		section.put("waiting", this.node.waiting());
		return section;
	}

}
