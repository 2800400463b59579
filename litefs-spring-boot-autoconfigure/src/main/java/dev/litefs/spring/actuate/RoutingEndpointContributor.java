package dev.litefs.spring.actuate;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.litefs.spring.autoconfigure.LiteFsProperties;
import dev.litefs.spring.routing.PrimaryRouter;
import dev.litefs.spring.routing.PrimaryRoutingFilter;
import dev.litefs.spring.routing.RoutingStrategy;

/**
 * The {@code routing} section of {@code /actuator/litefs}: the strategy in force and
 * how it reaches the primary.
 */
final class RoutingEndpointContributor implements LiteFsEndpointContributor {

	private final PrimaryRouter router;

	private final PrimaryRoutingFilter filter;

	private final LiteFsProperties.Routing properties;

	RoutingEndpointContributor(PrimaryRouter router, PrimaryRoutingFilter filter, LiteFsProperties properties) {
		this.router = router;
		this.filter = filter;
		this.properties = properties.getRouting();
	}

	@Override
	public String name() {
		return "routing";
	}

	@Override
	public Object describe() {
		Map<String, Object> section = new LinkedHashMap<>();
		RoutingStrategy strategy = this.router.strategy();
		section.put("strategy", strategy.name());
		section.put("methods", this.filter.methods());
		section.put("exclude", this.filter.exclude());
		section.put("retryAfterSeconds", this.router.retryAfter().toSeconds());
		switch (strategy.name()) {
			case RoutingStrategy.FORWARD -> {
				LiteFsProperties.Forward forward = this.properties.getForward();
				section.put("forward", Map.of("urlTemplate", forward.getUrlTemplate(), "connectTimeoutMillis",
						forward.getConnectTimeout().toMillis(), "responseTimeoutMillis",
						forward.getResponseTimeout().toMillis(), "maxBodyBytes", forward.getMaxBodySize().toBytes()));
			}
			case RoutingStrategy.REDIRECT ->
				section.put("redirect", Map.of("urlTemplate", this.properties.getRedirect().getUrlTemplate()));
			// the built-in strategy describes itself by the header it answers with
			case RoutingStrategy.FLY_REPLAY -> section.put("flyReplay", Map.of("header", strategy.toString()));
			default -> {
			}
		}
		return section;
	}

}
