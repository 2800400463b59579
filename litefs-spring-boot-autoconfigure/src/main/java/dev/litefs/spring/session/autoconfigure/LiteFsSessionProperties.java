package dev.litefs.spring.session.autoconfigure;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

/**
 * HTTP sessions of Spring Session JDBC in the LiteFS database, under
 * {@code litefs.session}.
 *
 * @since 0.3.0
 */
@ConfigurationProperties("litefs.session")
public class LiteFsSessionProperties implements Validator {

	/**
	 * Whether Spring Session JDBC's repository is wrapped to work on every node: changes
	 * written through the primary at once, last-access times in the background, cleanup on
	 * the primary only.
	 */
	private boolean enabled = true;

	/**
	 * How often the last-access times of sessions used without other change are written,
	 * together, in the background; a session's time is rewritten only once it is older than
	 * this (or than a quarter of its timeout). Keep it well below spring.session.timeout: a
	 * session may expire up to this much before its timeout has passed since its last use.
	 */
	private Duration lastAccessInterval = Duration.ofMinutes(1);

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public Duration getLastAccessInterval() {
		return this.lastAccessInterval;
	}

	public void setLastAccessInterval(Duration lastAccessInterval) {
		this.lastAccessInterval = lastAccessInterval;
	}

	@Override
	public boolean supports(Class<?> type) {
		return LiteFsSessionProperties.class.isAssignableFrom(type);
	}

	/**
	 * Checks the values: a bad one fails start-up naming the property, its value and the
	 * reason.
	 */
	@Override
	public void validate(Object target, Errors errors) {
		if (this.lastAccessInterval.toMillis() < 100) {
			errors.rejectValue("last-access-interval", "range", "must be at least 100ms");
		}
	}

}
