package dev.litefs.spring.routing;

import java.util.Locale;

import org.jspecify.annotations.Nullable;

/**
 * How a node that is not the primary answers a request that must run on the primary.
 */
public enum RoutingStrategy {

	/** {@link #FLY_REPLAY} when the {@code FLY_APP_NAME} environment variable is set, else {@link #FORWARD}. */
	AUTO,

	/**
	 * Answer {@code 409} with {@code fly-replay: instance=<primary>}: Fly.io's proxy
	 * sends the request again, to the primary.
	 */
	FLY_REPLAY,

	/** Proxy the request to the primary and its answer back to the client. */
	FORWARD,

	/** Answer {@code 307 Temporary Redirect} to the same path on the primary. */
	REDIRECT,

	/** Answer {@code 503} with a problem detail naming the primary. */
	REJECT;

	/**
	 * The strategy to apply: this one, or for {@link #AUTO} the one its environment
	 * calls for.
	 * @param flyAppName the value of {@code FLY_APP_NAME}, or {@code null}
	 * @return a strategy other than {@link #AUTO}
	 */
	public RoutingStrategy resolve(@Nullable String flyAppName) {
		if (this != AUTO) {
			return this;
		}
		return (flyAppName != null && !flyAppName.isBlank()) ? FLY_REPLAY : FORWARD;
	}

	/**
	 * The strategy's name as in {@code litefs.routing.strategy}: {@code fly-replay},
	 * {@code forward}, ...
	 * @return the lower-case, dashed name
	 */
	public String id() {
		return name().toLowerCase(Locale.ROOT).replace('_', '-');
	}

}
