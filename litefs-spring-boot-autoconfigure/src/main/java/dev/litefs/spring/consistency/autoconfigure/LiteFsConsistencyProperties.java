package dev.litefs.spring.consistency.autoconfigure;

import java.time.Duration;
import java.util.List;

import dev.litefs.spring.consistency.TimeoutAction;
import dev.litefs.spring.internal.RequestPathPatterns;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

/**
 * Read-your-writes, under {@code litefs.consistency}: the __txid cookie after writes,
 * and replicas that wait for it.
 *
 * @since 0.2.0
 */
@ConfigurationProperties("litefs.consistency")
public class LiteFsConsistencyProperties implements Validator {

	/**
	 * Whether the __txid cookie is set after writes on the primary and honoured on
	 * replicas. Writes are confirmed recorded by LiteFS either way.
	 */
	private boolean enabled = true;

	/**
	 * Longest a replica holds a request whose __txid cookie is ahead of its own TXID.
	 */
	private Duration timeout = Duration.ofSeconds(5);

	/**
	 * What a replica does with a request still behind after the timeout: 'replay' (route
	 * it to the primary by the routing strategy) or 'error' (504).
	 */
	private TimeoutAction onTimeout = TimeoutAction.REPLAY;

	/**
	 * Max-Age of the __txid cookie.
	 */
	private Duration cookieMaxAge = Duration.ofMinutes(5);

	/**
	 * Whether the __txid cookie is marked Secure on plain HTTP requests too (it always is
	 * on HTTPS ones).
	 */
	private boolean cookieSecure;

	/**
	 * Path patterns on which the __txid cookie is neither set nor honoured.
	 */
	private List<String> exclude = List.of("/actuator/**", "/error", "/webjars/**", "/css/**", "/js/**",
			"/images/**", "/favicon.ico", "/*/icon-*");

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public Duration getTimeout() {
		return this.timeout;
	}

	public void setTimeout(Duration timeout) {
		this.timeout = timeout;
	}

	public TimeoutAction getOnTimeout() {
		return this.onTimeout;
	}

	public void setOnTimeout(TimeoutAction onTimeout) {
		this.onTimeout = onTimeout;
	}

	public Duration getCookieMaxAge() {
		return this.cookieMaxAge;
	}

	public void setCookieMaxAge(Duration cookieMaxAge) {
		this.cookieMaxAge = cookieMaxAge;
	}

	public boolean isCookieSecure() {
		return this.cookieSecure;
	}

	public void setCookieSecure(boolean cookieSecure) {
		this.cookieSecure = cookieSecure;
	}

	public List<String> getExclude() {
		return this.exclude;
	}

	public void setExclude(List<String> exclude) {
		this.exclude = exclude;
	}

	@Override
	public boolean supports(Class<?> type) {
		return LiteFsConsistencyProperties.class.isAssignableFrom(type);
	}

	/**
	 * Checks the values: a bad one fails start-up naming the property, its value and
	 * the reason.
	 */
	@Override
	public void validate(Object target, Errors errors) {
		if (this.timeout.isNegative()) {
			errors.rejectValue("timeout", "negative", "must not be negative");
		}
		else if (this.timeout.toMinutes() >= 10) {
			errors.rejectValue("timeout", "max", "must be less than 10 minutes");
		}
		if (this.cookieMaxAge.getSeconds() < 1) {
			errors.rejectValue("cookie-max-age", "min", "must be at least 1s");
		}
		String excluded = RequestPathPatterns.problem(this.exclude);
		if (excluded != null) {
			errors.rejectValue("exclude", "pattern", excluded);
		}
	}

}
