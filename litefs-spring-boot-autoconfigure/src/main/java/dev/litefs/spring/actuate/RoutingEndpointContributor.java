package dev.litefs.spring.actuate;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.litefs.spring.routing.PrimaryRouter;
import dev.litefs.spring.routing.PrimaryRoutingFilter;
import dev.litefs.spring.routing.RoutingStrategy;

/**
 * The {@code routing} section of {@code /actuator/litefs}: the strategy in force and
 * how it reaches the primary.
 */
public final class RoutingEndpointContributor implements LiteFsEndpointContributor {

	private final PrimaryRouter router;

	private final PrimaryRoutingFilter filter;

	private final Map<String, Map<String, Object>> strategySettings;

	/**
	 * @param router the router
	 * @param filter the filter of {@code litefs.routing.methods}
	 * @param strategySettings the settings of each built-in strategy that has some, by the
	 * strategy's name
	 */
	public RoutingEndpointContributor(PrimaryRouter router, PrimaryRoutingFilter filter,
			Map<String, Map<String, Object>> strategySettings) {
		this.router = router;
		this.filter = filter;
		this.strategySettings = Map.copyOf(strategySettings);
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
			case RoutingStrategy.FORWARD, RoutingStrategy.REDIRECT -> {
				Map<String, Object> settings = this.strategySettings.get(strategy.name());
				if (settings != null) {
					section.put(strategy.name(), settings);
				}
			}
			// the built-in strategy describes itself by the header it answers with
			case RoutingStrategy.FLY_REPLAY -> section.put("flyReplay", Map.of("header", strategy.toString()));
			default -> {
			}
		}
		return section;
	}

}
