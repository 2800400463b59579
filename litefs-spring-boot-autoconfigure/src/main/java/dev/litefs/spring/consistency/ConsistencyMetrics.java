package dev.litefs.spring.consistency;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.jspecify.annotations.Nullable;

/**
 * Times replicas' waits for a client's {@code __txid} in Micrometer as
 * {@code litefs.consistency.wait}, tagged with {@code outcome}.
 */
public class ConsistencyMetrics implements ConsistencyListener {

	/** The timer's name. */
	public static final String WAIT = "litefs.consistency.wait";

	private final Supplier<@Nullable MeterRegistry> registry;

	private final Map<WaitOutcome, Timer> timers = new ConcurrentHashMap<>();

	/**
	 * Creates the metrics.
	 * @param registry the registry, looked up on first use; {@code null} for none
	 */
	public ConsistencyMetrics(Supplier<@Nullable MeterRegistry> registry) {
		this.registry = registry;
	}

	@Override
	public void waited(WaitOutcome outcome, Duration waited) {
		MeterRegistry registry = this.registry.get();
		if (registry == null) {
			return;
		}
		this.timers.computeIfAbsent(outcome, (key) -> Timer.builder(WAIT)
			.description("How long replicas held requests until they reached the client's __txid")
			.tag("outcome", outcome.id())
			.register(registry)).record(waited);
	}

}
