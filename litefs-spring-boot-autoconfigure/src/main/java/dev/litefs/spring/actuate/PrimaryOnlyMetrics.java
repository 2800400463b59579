package dev.litefs.spring.actuate;

import java.lang.reflect.Method;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.litefs.spring.node.NodeState;
import dev.litefs.spring.primary.PrimaryOnly;
import dev.litefs.spring.primary.PrimaryOnlyListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * The {@code litefs.primary-only.skipped} counter: calls of {@link PrimaryOnly} methods
 * skipped because this node was not the primary, tagged with the {@code method}
 * ({@code Type.method}) and the {@code role} the node had.
 */
public class PrimaryOnlyMetrics implements MeterBinder, PrimaryOnlyListener {

	/** The counter's name. */
	public static final String SKIPPED = "litefs.primary-only.skipped";

	private final List<MeterRegistry> registries = new CopyOnWriteArrayList<>();

	@Override
	public void bindTo(MeterRegistry registry) {
		this.registries.add(registry);
	}

	@Override
	public void skipped(Method method, NodeState state) {
		for (MeterRegistry registry : this.registries) {
			Counter.builder(SKIPPED)
				.description("Calls of @PrimaryOnly methods skipped because this node was not the primary")
				.tag("method", method.getDeclaringClass().getSimpleName() + "." + method.getName())
				.tag("role", state.role().id())
				.register(registry)
				.increment();
		}
	}

}
