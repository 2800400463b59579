package dev.litefs.spring.schema.autoconfigure;

import java.time.Duration;

import dev.litefs.spring.schema.ReplicaMode;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

/**
 * The schema on a LiteFS cluster, whichever means applies it (Flyway, Liquibase,
 * {@code spring.sql.init}, Hibernate's {@code ddl-auto}), under {@code litefs.schema}.
 *
 * @since 0.3.0
 */
@ConfigurationProperties("litefs.schema")
public class LiteFsSchemaProperties implements Validator {

	/**
	 * Whether the schema (Flyway's migrations, Liquibase's changelog, spring.sql.init's
	 * scripts, Hibernate's ddl-auto) is applied on the primary only, replicas wait for
	 * it and a promoted node applies what is pending. When false, Spring Boot applies it
	 * on every node.
	 */
	private boolean enabled = true;

	/**
	 * What a replica does at startup: 'wait' until the schema of this application (its
	 * migrations, its change sets, its schema scripts' or entities' tables) has
	 * replicated from the primary, or 'skip' the wait. A replica never applies it.
	 */
	private ReplicaMode replicaMode = ReplicaMode.WAIT;

	/**
	 * How long a replica in 'wait' mode waits for the primary's schema.
	 */
	private Duration replicaTimeout = Duration.ofSeconds(60);

	/**
	 * Whether a replica whose schema is still incomplete after the replica timeout fails
	 * startup, rather than starting with a warning naming what is missing (and readiness
	 * OUT_OF_SERVICE until it has replicated).
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
		return LiteFsSchemaProperties.class.isAssignableFrom(type);
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
