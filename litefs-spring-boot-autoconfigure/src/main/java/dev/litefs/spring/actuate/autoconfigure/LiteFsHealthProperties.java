package dev.litefs.spring.actuate.autoconfigure;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

/**
 * The {@code litefs} health component, under {@code litefs.health}.
 *
 * @since 0.2.0
 */
@ConfigurationProperties("litefs.health")
public class LiteFsHealthProperties implements Validator {

	/**
	 * Replication lag above which the litefs health component reports OUT_OF_SERVICE,
	 * taking the replica out of the load balancer's rotation while it stays alive.
	 */
	private Duration maxLag = Duration.ofSeconds(10);

	public Duration getMaxLag() {
		return this.maxLag;
	}

	public void setMaxLag(Duration maxLag) {
		this.maxLag = maxLag;
	}

	@Override
	public boolean supports(Class<?> type) {
		return LiteFsHealthProperties.class.isAssignableFrom(type);
	}

	/**
	 * Checks the values: a bad one fails start-up naming the property, its value and
	 * the reason.
	 */
	@Override
	public void validate(Object target, Errors errors) {
		if (this.maxLag.toMillis() < 1) {
			errors.rejectValue("max-lag", "min", "must be at least 1ms");
		}
	}

}
