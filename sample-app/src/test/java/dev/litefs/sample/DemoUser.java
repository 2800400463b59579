package dev.litefs.sample;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The sample app's demo user ({@code spring.security.user.*}), as tests and tools sign
 * in with it: the one place that knows its name, password and HTTP Basic header.
 */
public final class DemoUser {

	/** The user's name. */
	public static final String NAME = "demo";

	/** The user's password. */
	public static final String PASSWORD = "demo";

	/** The header that carries the credentials of an API write. */
	public static final String AUTHORIZATION = "Authorization";

	/** The value of {@link #AUTHORIZATION} for the demo user: HTTP Basic. */
	public static final String BASIC = "Basic "
			+ Base64.getEncoder().encodeToString((NAME + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));

	private DemoUser() {
	}

}
