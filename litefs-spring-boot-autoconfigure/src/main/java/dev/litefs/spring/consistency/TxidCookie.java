package dev.litefs.spring.consistency;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

import dev.litefs.spring.node.Position;
import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseCookie;

/**
 * The {@code __txid} cookie: the TXID of each database a client wrote, for a replica to
 * wait for.
 * <ul>
 * <li>With one entry, for the main database ({@code litefs.database}), it is what LiteFS's
 * own proxy writes and reads: 16 lower-case hex digits, e.g. {@code 000000000000002a}.
 * That form is still read (quoted or not) and still written when the main database is
 * the only entry.</li>
 * <li>Otherwise it holds entries {@code <database>:<txid>} joined by {@code |}, sorted by
 * name, e.g. {@code app.db:2a|tenant-7.db:1f}: the TXID in lower-case hex without leading
 * zeros, a name's bytes outside {@code [A-Za-z0-9._-]} percent-encoded (UTF-8).</li>
 * <li>It holds at most {@value #MAX_ENTRIES} entries in at most {@value #MAX_LENGTH}
 * characters (well within a browser's 4096 bytes per cookie); a value beyond either
 * bound, or with an empty entry, a name twice, a name that is not a file name, or a TXID
 * that is not 1 to 16 hex digits, is malformed: ignored and deleted.</li>
 * </ul>
 *
 * @since 0.2.0
 */
public final class TxidCookie {

	/** The cookie's name. */
	public static final String NAME = "__txid";

	/** The most entries (databases) the cookie holds. */
	public static final int MAX_ENTRIES = 16;

	/** The longest value the cookie holds, in characters. */
	public static final int MAX_LENGTH = 1024;

	private static final char ENTRIES = '|';

	private static final char TXID = ':';

	private static final TxidCookie ABSENT = new TxidCookie(false, Collections.emptySortedMap());

	private static final TxidCookie MALFORMED = new TxidCookie(true, Collections.emptySortedMap());

	private final boolean present;

	/** TXIDs by database name; empty when absent or malformed. */
	private final SortedMap<String, Long> txids;

	private TxidCookie(boolean present, SortedMap<String, Long> txids) {
		this.present = present;
		this.txids = txids;
	}

	/**
	 * Reads the first {@code __txid} cookie of a request from its {@code Cookie} headers
	 * as they came, so that a value the container would drop is still seen (and can be
	 * deleted).
	 * @param request the request
	 * @param mainDatabase the database the 16-hex form names
	 * @return the cookie, possibly absent or malformed
	 */
	static TxidCookie of(HttpServletRequest request, String mainDatabase) {
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
					return parse(header.substring(equals + 1, end).trim(), mainDatabase);
				}
				start = end + 1;
			}
		}
		return ABSENT;
	}

	/**
	 * Parses a cookie's value.
	 * @param value the value, perhaps quoted
	 * @param mainDatabase the database the 16-hex form names
	 * @return the cookie, valid or malformed
	 */
	static TxidCookie parse(String value, String mainDatabase) {
		if (value.length() >= 2 && value.charAt(0) == '"' && value.charAt(value.length() - 1) == '"') {
			value = value.substring(1, value.length() - 1);
		}
		if (value.isEmpty() || value.length() > MAX_LENGTH) {
			return MALFORMED;
		}
		if (value.length() == 16 && value.indexOf(TXID) < 0) {
			try {
				return valid(Map.of(mainDatabase, Position.parseTxid(value)));
			}
			catch (IllegalArgumentException ex) {
				return MALFORMED;
			}
		}
		SortedMap<String, Long> txids = new TreeMap<>();
		int start = 0;
		while (start <= value.length()) {
			int end = value.indexOf(ENTRIES, start);
			if (end < 0) {
				end = value.length();
			}
			int colon = value.lastIndexOf(TXID, end - 1);
			if (colon < start) {
				return MALFORMED;
			}
			String name = decode(value, start, colon);
			long txid = parseHex(value, colon + 1, end);
			if (name == null || txid < 0 || txids.put(name, txid) != null || txids.size() > MAX_ENTRIES) {
				return MALFORMED;
			}
			start = end + 1;
		}
		return valid(txids);
	}

	private static TxidCookie valid(Map<String, Long> txids) {
		return new TxidCookie(true, Collections.unmodifiableSortedMap(new TreeMap<>(txids)));
	}

	/** A percent-encoded file name, or {@code null} when it is not one. */
	private static @Nullable String decode(String value, int start, int end) {
		if (start == end) {
			return null;
		}
		ByteArrayOutputStream bytes = new ByteArrayOutputStream(end - start);
		for (int i = start; i < end; i++) {
			char c = value.charAt(i);
			if (c == '%') {
				if (i + 2 >= end) {
					return null;
				}
				int high = Character.digit(value.charAt(i + 1), 16);
				int low = Character.digit(value.charAt(i + 2), 16);
				if (high < 0 || low < 0) {
					return null;
				}
				bytes.write(high << 4 | low);
				i += 2;
			}
			else if (isPlain(c)) {
				bytes.write(c);
			}
			else {
				return null;
			}
		}
		String name;
		try {
			name = StandardCharsets.UTF_8.newDecoder()
				.onMalformedInput(CodingErrorAction.REPORT)
				.onUnmappableCharacter(CodingErrorAction.REPORT)
				.decode(ByteBuffer.wrap(bytes.toByteArray()))
				.toString();
		}
		catch (CharacterCodingException ex) {
			return null;
		}
		boolean fileName = name.indexOf('/') < 0 && name.indexOf('\0') < 0 && !name.equals(".") && !name.equals("..");
		return fileName ? name : null;
	}

	/** A TXID of 1 to 16 hex digits, or -1 when it is not one. */
	private static long parseHex(String value, int start, int end) {
		if (end - start < 1 || end - start > 16) {
			return -1;
		}
		for (int i = start; i < end; i++) {
			if (!HexFormat.isHexDigit(value.charAt(i))) {
				return -1;
			}
		}
		long txid = HexFormat.fromHexDigitsToLong(value, start, end);
		// beyond 2^63: no TXID LiteFS will reach
		return (txid < 0) ? -1 : txid;
	}

	private static boolean isPlain(int c) {
		return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_'
				|| c == '-';
	}

	/**
	 * Whether the request carried the cookie at all.
	 * @return {@code true} when present, valid or not
	 */
	boolean isPresent() {
		return this.present;
	}

	/**
	 * Whether the request carried the cookie with a value that cannot be read.
	 * @return {@code true} when present and malformed
	 */
	boolean isMalformed() {
		return this.present && this.txids.isEmpty();
	}

	/**
	 * Whether the request carried a well-formed cookie.
	 * @return {@code true} when present and readable
	 */
	boolean isValid() {
		return !this.txids.isEmpty();
	}

	/**
	 * The TXIDs the cookie holds.
	 * @return the TXID of each database, by name; empty when absent or malformed
	 */
	SortedMap<String, Long> txids() {
		return this.txids;
	}

	/**
	 * The TXIDs a client keeps after a request: those of the databases the request wrote,
	 * merged with the other entries of the cookie it came with (the greater TXID of a
	 * database in both), bounded to {@value #MAX_ENTRIES} entries and
	 * {@value #MAX_LENGTH} characters, the request's own entries kept first, then the
	 * others by name.
	 * @param written the TXID of each database the request wrote, after it
	 * @param incoming the TXIDs of the cookie the request came with
	 * @return the merged TXIDs, sorted by name
	 */
	static SortedMap<String, Long> merge(Map<String, Long> written, Map<String, Long> incoming) {
		Map<String, Long> candidates = new LinkedHashMap<>();
		new TreeMap<>(written).forEach((db, txid) -> candidates.put(db, Math.max(txid, incoming.getOrDefault(db, 0L))));
		new TreeMap<>(incoming).forEach(candidates::putIfAbsent);
		SortedMap<String, Long> kept = new TreeMap<>();
		int length = -1;
		for (Map.Entry<String, Long> entry : candidates.entrySet()) {
			int entryLength = 1 + entry(entry.getKey(), entry.getValue()).length();
			if (kept.size() == MAX_ENTRIES || length + entryLength > MAX_LENGTH) {
				continue;
			}
			kept.put(entry.getKey(), entry.getValue());
			length += entryLength;
		}
		return kept;
	}

	/**
	 * The cookie's value for some TXIDs: the 16-hex form when the main database is the
	 * only one, entries otherwise.
	 * @param txids the TXID of each database; at most {@value #MAX_ENTRIES}
	 * @param mainDatabase the main database
	 * @return the value
	 */
	static String value(Map<String, Long> txids, String mainDatabase) {
		if (txids.size() == 1 && txids.containsKey(mainDatabase)) {
			return Position.toHex(txids.get(mainDatabase));
		}
		List<String> entries = new ArrayList<>(txids.size());
		new TreeMap<>(txids).forEach((db, txid) -> entries.add(entry(db, txid)));
		return String.join(String.valueOf(ENTRIES), entries);
	}

	private static String entry(String db, long txid) {
		StringBuilder entry = new StringBuilder(db.length() + 17);
		for (byte b : db.getBytes(StandardCharsets.UTF_8)) {
			if (isPlain(b)) {
				entry.append((char) b);
			}
			else {
				entry.append('%').append(HexFormat.of().withUpperCase().toHexDigits(b));
			}
		}
		return entry.append(TXID).append(Long.toHexString(txid)).toString();
	}

	/**
	 * The {@code Set-Cookie} value that gives a client TXIDs.
	 * @param txids the TXID of each database, as {@link #merge merged}
	 * @param mainDatabase the main database
	 * @param maxAge how long the client keeps it
	 * @param secure whether to mark it {@code Secure}
	 * @return the header value
	 */
	static String set(Map<String, Long> txids, String mainDatabase, Duration maxAge, boolean secure) {
		return cookie(value(txids, mainDatabase), maxAge, secure);
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
		if (!this.present) {
			return "absent";
		}
		if (this.txids.isEmpty()) {
			return "malformed";
		}
		List<String> entries = new ArrayList<>();
		this.txids.forEach((db, txid) -> entries.add(db + ":" + Position.toHex(txid)));
		return String.join(", ", entries);
	}

}
