package dev.litefs.spring.schema;

import java.time.Duration;

/**
 * A replica's start-up failed because the schema had not replicated from the primary
 * within {@code litefs.schema.replica-timeout}, and
 * {@code litefs.schema.replica-fail-on-timeout} asks for a failure then. Start-up reports
 * it with what to change (a {@code FailureAnalyzer} of the starter).
 *
 * @since 0.2.0
 */
public class ReplicaSchemaTimeoutException extends IllegalStateException {

	private final String primary;

	private final Duration timeout;

	ReplicaSchemaTimeoutException(String message, String primary, Duration timeout) {
		super(message);
		this.primary = primary;
		this.timeout = timeout;
	}

	/**
	 * The primary the replica waited for, as LiteFS names it.
	 * @return its hostname, or a description of there being none
	 */
	public String getPrimary() {
		return this.primary;
	}

	/**
	 * How long the replica waited ({@code litefs.schema.replica-timeout}).
	 * @return the timeout
	 */
	public Duration getTimeout() {
		return this.timeout;
	}

}
