package dev.litefs.spring.node;

import java.nio.charset.StandardCharsets;

import org.jspecify.annotations.Nullable;

/**
 * The rule a LiteFS hostname must pass before this library puts it in an HTTP header
 * or a URL: 1 to 255 bytes of letters, digits, {@code .}, {@code -} and {@code _}.
 * Fly Machine IDs, DNS names, container names and IPv4 addresses pass; CR, LF, spaces
 * and anything that could change a header or a URL's authority do not.
 */
public final class Hostnames {

	private Hostnames() {
	}

	/**
	 * Whether a hostname passes the rule.
	 * @param hostname the hostname
	 * @return {@code true} when it may be used in a header or a URL
	 */
	public static boolean isValid(@Nullable String hostname) {
		return problem(hostname) == null;
	}

	/**
	 * What keeps a hostname from passing the rule.
	 * @param hostname the hostname
	 * @return a short reason, or {@code null} when it passes
	 */
	public static @Nullable String problem(@Nullable String hostname) {
		if (hostname == null || hostname.isEmpty()) {
			return "is empty";
		}
		int bytes = hostname.getBytes(StandardCharsets.UTF_8).length;
		if (bytes > LiteFsMount.MAX_HOSTNAME_LENGTH) {
			return "is " + bytes + " bytes long, more than the " + LiteFsMount.MAX_HOSTNAME_LENGTH
					+ " a hostname may have";
		}
		for (int i = 0; i < hostname.length(); i++) {
			char c = hostname.charAt(i);
			if (c < 0x20 || c == 0x7f) {
				return String.format("contains the control character \\x%02x at index %d", (int) c, i);
			}
			boolean allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.'
					|| c == '-' || c == '_';
			if (!allowed) {
				return "contains '" + c + "' at index " + i + ", which a hostname may not hold";
			}
		}
		return null;
	}

}
