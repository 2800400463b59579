package dev.litefs.spring.node;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * One event of LiteFS's {@code GET /events} stream.
 *
 * @param type the event's type
 * @param isPrimary for {@code init} and {@code primaryChange}: whether this node holds the
 * lease
 * @param database for {@code tx}: the database the transaction belongs to
 * @param position for {@code tx}: the database's position after it
 */
record LiteFsEvent(Type type, boolean isPrimary, @Nullable String database, @Nullable Position position) {

	/**
	 * Reads an event of a known type.
	 * @throws IllegalArgumentException when a field it needs is missing or malformed
	 */
	static LiteFsEvent of(Type type, JsonNode event) {
		JsonNode data = event.path("data");
		if (type == Type.TX) {
			JsonNode db = event.path("db");
			if (!db.isString()) {
				throw new IllegalArgumentException("a tx event names its db");
			}
			long txid = Position.parseTxid(data.path("txID").asString(""));
			String checksum = data.path("postApplyChecksum").asString("");
			return new LiteFsEvent(type, false, db.asString(),
					new Position(txid, checksum.isEmpty() ? 0 : Position.parseHex16(checksum, "checksum")));
		}
		JsonNode isPrimary = data.path("isPrimary");
		if (!isPrimary.isBoolean()) {
			throw new IllegalArgumentException("a " + type.id + " event says isPrimary");
		}
		return new LiteFsEvent(type, isPrimary.asBoolean(), null, null);
	}

	/** The event types the node acts on. */
	enum Type {

		/** The first event of every stream: this node's role at that moment. */
		INIT("init"),

		/** The lease or the connection to the primary changed. */
		PRIMARY_CHANGE("primaryChange"),

		/** A transaction was committed or applied. */
		TX("tx");

		private final String id;

		Type(String id) {
			this.id = id;
		}

		static @Nullable Type of(String id) {
			for (Type type : values()) {
				if (type.id.equals(id)) {
					return type;
				}
			}
			return null;
		}

	}

}
