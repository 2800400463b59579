package dev.litefs.spring.halt;

import org.jspecify.annotations.Nullable;

/**
 * Where {@link LiteFsHalt} reports its acquires and holds: Micrometer's observations
 * ({@link MicrometerHaltObservations}) when the application has Micrometer, else
 * {@link #NONE}. Kept apart so that the starter runs without Micrometer on the class
 * path.
 *
 * @since 0.2.0
 */
@FunctionalInterface
public interface HaltObservations {

	/** Reports nothing. */
	HaltObservations NONE = (name) -> (outcome, error) -> {
	};

	/**
	 * Starts timing.
	 * @param name {@link LiteFsHalt#ACQUIRE_OBSERVATION} or
	 * {@link LiteFsHalt#HOLD_OBSERVATION}
	 * @return what ends it
	 */
	Timing start(String name);

	/** One acquire or hold under way. */
	@FunctionalInterface
	interface Timing {

		/**
		 * Ends it.
		 * @param outcome the value of the {@code outcome} key
		 * @param error the failure, if it failed
		 */
		void stop(String outcome, @Nullable Throwable error);

	}

}
