package dev.litefs.spring.internal;

import jakarta.servlet.ServletRequest;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.util.StringUtils;

/**
 * Tells which requests ensured the primary: those that ran an {@code @EnsurePrimary}
 * handler or method on the primary, matched {@code litefs.routing.methods} there, or
 * were sent there by another node because SQLite refused their write (the safety net).
 * After such a request the response carries the {@code __txid} cookie.
 *
 * @since 0.2.0
 */
public final class PrimaryRequests {

	/**
	 * The header with which a node forwards a write that SQLite refused there, so that
	 * the primary, where nothing else marks the request a write, gives it the cookie.
	 */
	public static final String REFUSED_WRITE_HEADER = "LiteFS-Refused-Write";

	/**
	 * The {@code state} of the {@code fly-replay} answer to such a write, which Fly.io's
	 * proxy passes on to the primary in {@code fly-replay-src}.
	 */
	public static final String REFUSED_WRITE_STATE = "litefs-refused-write";

	/** The request header Fly.io's proxy adds to a replayed request. */
	public static final String FLY_REPLAY_SRC_HEADER = "fly-replay-src";

	private static final String ENSURED_ATTRIBUTE = PrimaryRequests.class.getName() + ".ensured";

	private static final String REFUSED_WRITE_ATTRIBUTE = PrimaryRequests.class.getName() + ".refusedWrite";

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
	 * Marks a request whose write SQLite refused on this node, which is not the primary.
	 * @param request the request
	 */
	public static void markRefusedWrite(ServletRequest request) {
		request.setAttribute(REFUSED_WRITE_ATTRIBUTE, Boolean.TRUE);
	}

	/**
	 * Whether SQLite refused a write of the request on this node.
	 * @param request the request
	 * @return {@code true} once {@link #markRefusedWrite} was called for it
	 */
	public static boolean isRefusedWrite(ServletRequest request) {
		return request.getAttribute(REFUSED_WRITE_ATTRIBUTE) != null;
	}

	/**
	 * Whether a request reaching the primary was sent there by another node because
	 * SQLite refused its write: forwarded with {@link #REFUSED_WRITE_HEADER}, or replayed
	 * by Fly.io with {@link #REFUSED_WRITE_STATE}.
	 * @param request the request
	 * @return {@code true} for such a request
	 */
	public static boolean isRoutedRefusedWrite(HttpServletRequest request) {
		if (request.getHeader(REFUSED_WRITE_HEADER) != null) {
			return true;
		}
		String replaySource = request.getHeader(FLY_REPLAY_SRC_HEADER);
		if (replaySource == null) {
			return false;
		}
		for (String field : StringUtils.delimitedListToStringArray(replaySource, ";")) {
			if (field.trim().equals("state=" + REFUSED_WRITE_STATE)) {
				return true;
			}
		}
		return false;
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
