package dev.litefs.spring.halt;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;

/**
 * {@link LiteFsHalt}'s acquires and holds as Micrometer observations, with the
 * low-cardinality key {@code outcome} (Spring Boot makes timers of them).
 */
public final class MicrometerHaltObservations implements HaltObservations {

	private final ObservationRegistry registry;

	/**
	 * Creates the observations.
	 * @param registry where they are made
	 */
	public MicrometerHaltObservations(ObservationRegistry registry) {
		this.registry = registry;
	}

	@Override
	public Timing start(String name) {
		Observation observation = Observation.start(name, this.registry);
		return (outcome, error) -> {
			if (error != null) {
				observation.error(error);
			}
			observation.lowCardinalityKeyValue("outcome", outcome).stop();
		};
	}

}
