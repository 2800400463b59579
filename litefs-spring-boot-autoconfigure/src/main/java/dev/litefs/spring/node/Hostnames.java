package dev.litefs.spring.node;

import java.nio.charset.StandardCharsets;

import org.jspecify.annotations.Nullable;

/**
 * The rule a LiteFS hostname must pass before this library puts it in an HTTP header
 * or a URL: an IPv4 address, or a host name of RFC 1123 labels (1 to 63 letters, digits
 * and {@code -}, neither first nor last a {@code -}, separated by single dots), at most
 * 255 bytes, whose last label starts with a letter when there are several (as
 * {@code java.net.URI} requires of a host). Fly Machine IDs, DNS and container names
 * pass; CR, LF, spaces, {@code _}, {@code :} and anything that could change a header or
 * a URL's authority do not, nor does anything a URL cannot hold as its host.
 *
 * @since 0.2.0
 */
public final class Hostnames {

	private static final int MAX_LABEL_LENGTH = 63;

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
			if (!isLetterOrDigit(c) && c != '.' && c != '-') {
				return "contains '" + c + "' at index " + i + ", which a hostname may not hold";
			}
		}
		if (isIpv4Address(hostname)) {
			return null;
		}
		String[] labels = hostname.split("\\.", -1);
		for (String label : labels) {
			if (label.isEmpty()) {
				return "has an empty label (a leading, trailing or doubled '.')";
			}
			if (label.length() > MAX_LABEL_LENGTH) {
				return "has a label of " + label.length() + " characters, more than the " + MAX_LABEL_LENGTH
						+ " a label may have";
			}
			if (label.startsWith("-") || label.endsWith("-")) {
				return "has the label '" + label + "', which starts or ends with '-'";
			}
		}
		String last = labels[labels.length - 1];
		if (last.chars().allMatch((c) -> c >= '0' && c <= '9')) {
			return "is all digits and dots but not an IPv4 address";
		}
		if (labels.length > 1 && !isLetter(last.charAt(0))) {
			return "ends with the label '" + last + "', which does not start with a letter";
		}
		return null;
	}

	private static boolean isIpv4Address(String hostname) {
		String[] parts = hostname.split("\\.", -1);
		if (parts.length != 4) {
			return false;
		}
		for (String part : parts) {
			if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch((c) -> c >= '0' && c <= '9')
					|| Integer.parseInt(part) > 255) {
				return false;
			}
		}
		return true;
	}

	private static boolean isLetter(char c) {
		return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
	}

	private static boolean isLetterOrDigit(char c) {
		return isLetter(c) || (c >= '0' && c <= '9');
	}

}
