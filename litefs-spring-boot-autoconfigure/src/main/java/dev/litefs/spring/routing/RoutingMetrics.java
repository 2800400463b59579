package dev.litefs.spring.routing;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;

/**
 * Counts routed requests in Micrometer as {@code litefs.routing.requests}, tagged with
 * {@code strategy} and {@code outcome}.
 */
public class RoutingMetrics implements RoutingListener {

	/** The counter's name. */
	public static final String REQUESTS = "litefs.routing.requests";

	private final Supplier<@Nullable MeterRegistry> registry;

	private final Map<String, Counter> counters = new ConcurrentHashMap<>();

	/**
	 * Creates the metrics.
	 * @param registry the registry, looked up on first use; {@code null} for none
	 */
	public RoutingMetrics(Supplier<@Nullable MeterRegistry> registry) {
		this.registry = registry;
	}

	@Override
	public void routed(RoutingStrategy strategy, RoutingOutcome outcome) {
		MeterRegistry registry = this.registry.get();
		if (registry == null) {
			return;
		}
		this.counters.computeIfAbsent(strategy.id() + "/" + outcome.id(), (key) -> Counter.builder(REQUESTS)
			.description("Requests that had to run on the primary, answered by a node that is not the primary")
			.tag("strategy", strategy.id())
			.tag("outcome", outcome.id())
			.register(registry)).increment();
	}

}
