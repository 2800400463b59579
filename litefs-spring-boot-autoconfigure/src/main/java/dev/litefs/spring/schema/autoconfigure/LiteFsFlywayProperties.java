package dev.litefs.spring.schema.autoconfigure;

import java.time.Duration;

import dev.litefs.spring.schema.ReplicaMode;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

/**
 * Flyway on a LiteFS cluster, under {@code litefs.flyway}.
 *
 * @since 0.2.0
 */
@ConfigurationProperties("litefs.flyway")
public class LiteFsFlywayProperties implements Validator {

	/**
	 * Whether Flyway migrates on the primary only, replicas wait for its schema and a
	 * promoted node applies pending migrations. When false, Spring Boot migrates on every
	 * node.
	 */
	private boolean enabled = true;

	/**
	 * What a replica does at startup: 'wait' until the migrations of this application have
	 * replicated from the primary, or 'skip' the wait. A replica never migrates.
	 */
	private ReplicaMode replicaMode = ReplicaMode.WAIT;

	/**
	 * How long a replica in 'wait' mode waits for the primary's schema.
	 */
	private Duration replicaTimeout = Duration.ofSeconds(60);

	/**
	 * Whether a replica whose schema is still incomplete after the replica timeout fails
	 * startup, rather than starting with a warning naming the missing migrations.
	 */
	private boolean replicaFailOnTimeout;

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public ReplicaMode getReplicaMode() {
		return this.replicaMode;
	}

	public void setReplicaMode(ReplicaMode replicaMode) {
		this.replicaMode = replicaMode;
	}

	public Duration getReplicaTimeout() {
		return this.replicaTimeout;
	}

	public void setReplicaTimeout(Duration replicaTimeout) {
		this.replicaTimeout = replicaTimeout;
	}

	public boolean isReplicaFailOnTimeout() {
		return this.replicaFailOnTimeout;
	}

	public void setReplicaFailOnTimeout(boolean replicaFailOnTimeout) {
		this.replicaFailOnTimeout = replicaFailOnTimeout;
	}

	@Override
	public boolean supports(Class<?> type) {
		return LiteFsFlywayProperties.class.isAssignableFrom(type);
	}

	/**
	 * Checks the values: a bad one fails start-up naming the property, its value and
	 * the reason.
	 */
	@Override
	public void validate(Object target, Errors errors) {
		if (this.replicaTimeout.isNegative()) {
			errors.rejectValue("replica-timeout", "negative", "must not be negative");
		}
	}

}
