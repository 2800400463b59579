package dev.litefs.spring.routing;

import jakarta.servlet.ServletRequest;

/**
 * Tells which requests ensured the primary: those that ran an {@link EnsurePrimary}
 * handler or method on the primary, or matched {@code litefs.routing.methods} there.
 * After such a request the response carries the {@code __txid} cookie.
 */
public final class PrimaryRequests {

	private static final String ENSURED_ATTRIBUTE = PrimaryRequests.class.getName() + ".ensured";

	private PrimaryRequests() {
	}

	/**
	 * Marks a request that ensured the primary.
	 * @param request the request
	 */
	public static void markEnsured(ServletRequest request) {
		request.setAttribute(ENSURED_ATTRIBUTE, Boolean.TRUE);
	}

	/**
	 * Whether a request ensured the primary.
	 * @param request the request
	 * @return {@code true} once {@link #markEnsured} was called for it
	 */
	public static boolean isEnsured(ServletRequest request) {
		return request.getAttribute(ENSURED_ATTRIBUTE) != null;
	}

}
