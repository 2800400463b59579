package dev.litefs.spring.schema;

/**
 * What a replica does with Flyway at startup. A replica never migrates: LiteFS lets
 * only the primary write.
 *
 * @since 0.2.0
 */
public enum ReplicaMode {

	/**
	 * Wait, reading the database without writing, until the migrations this application
	 * knows have replicated from the primary, or a time-out.
	 */
	WAIT,

	/** Start at once, whatever the replicated schema holds. */
	SKIP

}
