package dev.litefs.spring.schema.autoconfigure;

import java.time.Duration;

import dev.litefs.spring.schema.ReplicaMode;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.DeprecatedConfigurationProperty;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

/**
 * The former names of {@link LiteFsSchemaProperties}, under {@code litefs.flyway}: still
 * read, and winning over {@code litefs.schema} when set, but deprecated since the same
 * settings govern every means of applying the schema.
 *
 * @since 0.2.0
 * @deprecated since 0.3.0 in favour of {@link LiteFsSchemaProperties}
 * ({@code litefs.schema.*})
 */
@Deprecated(since = "0.3.0")
@ConfigurationProperties("litefs.flyway")
public class LiteFsFlywayProperties implements Validator {

	/**
	 * Whether the schema is applied on the primary only.
	 */
	private @Nullable Boolean enabled;

	/**
	 * What a replica does at startup.
	 */
	private @Nullable ReplicaMode replicaMode;

	/**
	 * How long a replica waits for the schema.
	 */
	private @Nullable Duration replicaTimeout;

	/**
	 * Whether a replica whose schema is still incomplete after the timeout fails startup.
	 */
	private @Nullable Boolean replicaFailOnTimeout;

	/**
	 * Whether the schema is applied on the primary only.
	 * @return the value, or {@code null} when not set
	 */
	@DeprecatedConfigurationProperty(replacement = "litefs.schema.enabled", since = "0.3.0")
	public @Nullable Boolean getEnabled() {
		return this.enabled;
	}

	public void setEnabled(@Nullable Boolean enabled) {
		this.enabled = enabled;
	}

	/**
	 * What a replica does at startup.
	 * @return the value, or {@code null} when not set
	 */
	@DeprecatedConfigurationProperty(replacement = "litefs.schema.replica-mode", since = "0.3.0")
	public @Nullable ReplicaMode getReplicaMode() {
		return this.replicaMode;
	}

	public void setReplicaMode(@Nullable ReplicaMode replicaMode) {
		this.replicaMode = replicaMode;
	}

	/**
	 * How long a replica waits for the schema.
	 * @return the value, or {@code null} when not set
	 */
	@DeprecatedConfigurationProperty(replacement = "litefs.schema.replica-timeout", since = "0.3.0")
	public @Nullable Duration getReplicaTimeout() {
		return this.replicaTimeout;
	}

	public void setReplicaTimeout(@Nullable Duration replicaTimeout) {
		this.replicaTimeout = replicaTimeout;
	}

	/**
	 * Whether a replica whose schema is still incomplete after the timeout fails startup.
	 * @return the value, or {@code null} when not set
	 */
	@DeprecatedConfigurationProperty(replacement = "litefs.schema.replica-fail-on-timeout", since = "0.3.0")
	public @Nullable Boolean getReplicaFailOnTimeout() {
		return this.replicaFailOnTimeout;
	}

	public void setReplicaFailOnTimeout(@Nullable Boolean replicaFailOnTimeout) {
		this.replicaFailOnTimeout = replicaFailOnTimeout;
	}

	/**
	 * The settings in effect: each one set here, else {@code litefs.schema}'s.
	 * @param schema the current properties
	 * @return the settings in effect
	 */
	LiteFsSchemaProperties over(LiteFsSchemaProperties schema) {
		LiteFsSchemaProperties effective = new LiteFsSchemaProperties();
		effective.setEnabled((this.enabled != null) ? this.enabled : schema.isEnabled());
		effective.setReplicaMode((this.replicaMode != null) ? this.replicaMode : schema.getReplicaMode());
		effective.setReplicaTimeout((this.replicaTimeout != null) ? this.replicaTimeout : schema.getReplicaTimeout());
		effective.setReplicaFailOnTimeout(
				(this.replicaFailOnTimeout != null) ? this.replicaFailOnTimeout : schema.isReplicaFailOnTimeout());
		return effective;
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
		if (this.replicaTimeout != null && this.replicaTimeout.isNegative()) {
			errors.rejectValue("replica-timeout", "negative", "must not be negative");
		}
	}

}
