package dev.litefs.sample;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The sample app's demo user ({@code spring.security.user.*}), as tests and tools sign
 * in with it: the one place that knows its name, password, HTTP Basic header, and where
 * a page keeps its CSRF token.
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

	private static final Pattern CSRF = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"");

	private DemoUser() {
	}

	/**
	 * The CSRF token of the first form of a page (the login page, or the posts page signed in).
	 * @param html the page
	 * @return the token its forms send as {@code _csrf}
	 */
	public static String csrfToken(String html) {
		Matcher matcher = CSRF.matcher(html);
		if (!matcher.find()) {
			throw new AssertionError("no CSRF token in the page:\n" + html);
		}
		return matcher.group(1);
	}

}
