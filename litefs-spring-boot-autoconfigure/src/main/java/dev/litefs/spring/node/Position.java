package dev.litefs.spring.node;

import java.util.HexFormat;

/**
 * The replication position of a LiteFS database, as LiteFS writes it to
 * {@code <db>-pos}: the ID of the last applied transaction (TXID) and the database's
 * checksum after it.
 *
 * @param txid the transaction ID; compared as an unsigned 64-bit number
 * @param checksum the post-apply checksum
 *
 * @since 0.2.0
 */
public record Position(long txid, long checksum) {

	/** The position of a database LiteFS has not written yet, or of a plain directory. */
	public static final Position ZERO = new Position(0, 0);

	/**
	 * Whether this position has reached the given TXID.
	 * @param wanted the TXID to reach
	 * @return {@code true} when this TXID is at or past {@code wanted}
	 */
	public boolean hasReached(long wanted) {
		return Long.compareUnsigned(this.txid, wanted) >= 0;
	}

	/**
	 * The TXID as LiteFS formats it: 16 lower-case hex digits.
	 * @return the formatted TXID
	 */
	public String txidHex() {
		return toHex(this.txid);
	}

	/**
	 * The checksum as LiteFS formats it: 16 lower-case hex digits.
	 * @return the formatted checksum
	 */
	public String checksumHex() {
		return toHex(this.checksum);
	}

	/**
	 * Formats a TXID or checksum the way LiteFS does: 16 lower-case hex digits.
	 * @param value the value
	 * @return the formatted value
	 */
	public static String toHex(long value) {
		return HexFormat.of().toHexDigits(value);
	}

	/**
	 * Parses a TXID the way LiteFS writes it: exactly 16 hex digits.
	 * @param text the text
	 * @return the TXID
	 * @throws IllegalArgumentException if the text is not 16 hex digits
	 */
	public static long parseTxid(CharSequence text) {
		return parseHex16(text, "TXID");
	}

	static long parseHex16(CharSequence text, String what) {
		if (text.length() != 16) {
			throw new IllegalArgumentException("a " + what + " has 16 hex digits, not " + text.length() + " characters");
		}
		for (int i = 0; i < 16; i++) {
			if (!HexFormat.isHexDigit(text.charAt(i))) {
				throw new IllegalArgumentException("a " + what + " has only hex digits");
			}
		}
		return HexFormat.fromHexDigitsToLong(text);
	}

	@Override
	public String toString() {
		return txidHex() + "/" + checksumHex();
	}

}
