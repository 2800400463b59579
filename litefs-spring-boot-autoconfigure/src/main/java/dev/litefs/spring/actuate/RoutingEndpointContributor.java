package dev.litefs.spring.actuate;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.litefs.spring.routing.FlyReplayStrategy;
import dev.litefs.spring.routing.ForwardStrategy;
import dev.litefs.spring.routing.PrimaryForwarder;
import dev.litefs.spring.routing.PrimaryRouter;
import dev.litefs.spring.routing.PrimaryRoutingFilter;
import dev.litefs.spring.routing.RedirectStrategy;
import dev.litefs.spring.routing.RoutingStrategy;

/**
 * The {@code routing} section of {@code /actuator/litefs}: the strategy in force and
 * how it reaches the primary.
 */
public class RoutingEndpointContributor implements LiteFsEndpointContributor {

	private final PrimaryRouter router;

	private final PrimaryRoutingFilter filter;

	/**
	 * Creates the section.
	 * @param router the router
	 * @param filter the filter applying the {@code methods} rule
	 */
	public RoutingEndpointContributor(PrimaryRouter router, PrimaryRoutingFilter filter) {
		this.router = router;
		this.filter = filter;
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
		section.put("exclude", this.filter.exclude().patterns());
		section.put("retryAfterSeconds", this.router.retryAfter().toSeconds());
		if (strategy instanceof ForwardStrategy forward) {
			PrimaryForwarder forwarder = forward.forwarder();
			section.put("forward", Map.of("urlTemplate", forward.url().toString(), "connectTimeoutMillis",
					forwarder.connectTimeout().toMillis(), "responseTimeoutMillis",
					forwarder.responseTimeout().toMillis(), "maxBodyBytes", forwarder.maxBodySize().toBytes()));
		}
		if (strategy instanceof RedirectStrategy redirect) {
			section.put("redirect", Map.of("urlTemplate", redirect.url().toString()));
		}
		if (strategy instanceof FlyReplayStrategy flyReplay) {
			section.put("flyReplay", Map.of("header", flyReplay.toString()));
		}
		return section;
	}

}
