package dev.litefs.spring.consistency;

import java.time.Duration;
import java.util.Enumeration;

import dev.litefs.spring.node.Position;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseCookie;

/**
 * The {@code __txid} cookie, as LiteFS's own proxy names and formats it: the TXID of the
 * database after a client's last write, 16 lower-case hex digits.
 *
 * @since 0.2.0
 */
public final class TxidCookie {

	/** The cookie's name. */
	public static final String NAME = "__txid";

	private static final TxidCookie ABSENT = new TxidCookie(false, false, 0);

	private static final TxidCookie MALFORMED = new TxidCookie(true, false, 0);

	private final boolean present;

	private final boolean valid;

	private final long txid;

	private TxidCookie(boolean present, boolean valid, long txid) {
		this.present = present;
		this.valid = valid;
		this.txid = txid;
	}

	/**
	 * Reads the first {@code __txid} cookie of a request from its {@code Cookie} headers
	 * as they came, so that a value the container would drop is still seen (and can be
	 * deleted).
	 * @param request the request
	 * @return the cookie, possibly absent or malformed
	 */
	static TxidCookie of(HttpServletRequest request) {
		Enumeration<String> headers = request.getHeaders(HttpHeaders.COOKIE);
		while (headers != null && headers.hasMoreElements()) {
			String header = headers.nextElement();
			int start = 0;
			while (start < header.length()) {
				int end = header.indexOf(';', start);
				if (end < 0) {
					end = header.length();
				}
				int equals = header.indexOf('=', start);
				if (equals > start && equals < end && header.substring(start, equals).trim().equals(NAME)) {
					return parse(header.substring(equals + 1, end).trim());
				}
				start = end + 1;
			}
		}
		return ABSENT;
	}

	private static TxidCookie parse(String value) {
		if (value.length() == 18 && value.charAt(0) == '"' && value.charAt(17) == '"') {
			value = value.substring(1, 17);
		}
		try {
			return new TxidCookie(true, true, Position.parseTxid(value));
		}
		catch (IllegalArgumentException ex) {
			return MALFORMED;
		}
	}

	/**
	 * Whether the request carried the cookie at all.
	 * @return {@code true} when present, valid or not
	 */
	boolean isPresent() {
		return this.present;
	}

	/**
	 * Whether the request carried the cookie with a value that is not 16 hex digits.
	 * @return {@code true} when present and malformed
	 */
	boolean isMalformed() {
		return this.present && !this.valid;
	}

	/**
	 * Whether the request carried a well-formed cookie.
	 * @return {@code true} when present and 16 hex digits
	 */
	boolean isValid() {
		return this.valid;
	}

	/**
	 * The TXID the cookie holds.
	 * @return the TXID, meaningful only when {@link #isValid()}
	 */
	long txid() {
		return this.txid;
	}

	/**
	 * The {@code Set-Cookie} value that gives a client a TXID.
	 * @param position the database's position after the client's write
	 * @param maxAge how long the client keeps it
	 * @param secure whether to mark it {@code Secure}
	 * @return the header value
	 */
	static String set(Position position, Duration maxAge, boolean secure) {
		return cookie(position.txidHex(), maxAge, secure);
	}

	/**
	 * The {@code Set-Cookie} value that deletes the cookie.
	 * @param secure whether to mark it {@code Secure}
	 * @return the header value
	 */
	static String delete(boolean secure) {
		return cookie("", Duration.ZERO, secure);
	}

	private static String cookie(String value, Duration maxAge, boolean secure) {
		return ResponseCookie.from(NAME, value)
			.path("/")
			.maxAge(maxAge)
			.httpOnly(true)
			.secure(secure)
			.sameSite("Lax")
			.build()
			.toString();
	}

	@Override
	public String toString() {
		return !this.present ? "absent" : this.valid ? Position.toHex(this.txid) : "malformed";
	}

}
