package dev.litefs.spring.routing;

/**
 * The {@code fallback} field of a {@code fly-replay} answer: where Fly.io's proxy sends a
 * request it could not replay on the primary (no connection within the replay's
 * {@code timeout}). The request then comes back with a {@code fly-replay-failed} header
 * and is answered with a problem detail instead of Fly's own error.
 *
 * @since 0.2.0
 */
public enum FlyReplayFallback {

	/** {@code force_self}: back to the Machine that answered {@code fly-replay}, else Fly's error. */
	FORCE_SELF,

	/** {@code prefer_self}: back to that Machine if it can, else to any Machine of the app. */
	PREFER_SELF;

	/**
	 * The value as Fly.io spells it.
	 * @return {@code force_self} or {@code prefer_self}
	 */
	public String flyValue() {
		return name().toLowerCase(java.util.Locale.ROOT);
	}

}
