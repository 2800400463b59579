package dev.litefs.spring.halt.autoconfigure;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

/**
 * Writes made on a replica under LiteFS's HALT lock, under {@code litefs.halt}.
 *
 * @since 0.2.0
 */
@ConfigurationProperties("litefs.halt")
public class LiteFsHaltProperties implements Validator {

	/** LiteFS drops a HALT lock held longer than this (its TTL). */
	private static final Duration LITEFS_TTL = Duration.ofSeconds(30);

	/**
	 * Longest a block holds the HALT lock; the primary's writes wait meanwhile. At this
	 * bound the lock is released and the block's further writes fail. Below 30s, LiteFS's
	 * own bound.
	 */
	private Duration maxHold = Duration.ofSeconds(5);

	/**
	 * Longest a caller waits while another thread of this process holds the HALT lock.
	 */
	private Duration waitTimeout = Duration.ofSeconds(10);

	/**
	 * Whether an @EnsurePrimary method called outside any web request on a replica (a
	 * scheduled job, a message listener) runs under the HALT lock instead of throwing
	 * NotPrimaryException.
	 */
	private boolean ensurePrimaryOutsideRequests;

	public Duration getMaxHold() {
		return this.maxHold;
	}

	public void setMaxHold(Duration maxHold) {
		this.maxHold = maxHold;
	}

	public Duration getWaitTimeout() {
		return this.waitTimeout;
	}

	public void setWaitTimeout(Duration waitTimeout) {
		this.waitTimeout = waitTimeout;
	}

	public boolean isEnsurePrimaryOutsideRequests() {
		return this.ensurePrimaryOutsideRequests;
	}

	public void setEnsurePrimaryOutsideRequests(boolean ensurePrimaryOutsideRequests) {
		this.ensurePrimaryOutsideRequests = ensurePrimaryOutsideRequests;
	}

	@Override
	public boolean supports(Class<?> type) {
		return LiteFsHaltProperties.class.isAssignableFrom(type);
	}

	/**
	 * Checks the values: a bad one fails start-up naming the property, its value and
	 * the reason.
	 */
	@Override
	public void validate(Object target, Errors errors) {
		if (this.maxHold.toMillis() < 1 || this.maxHold.compareTo(LITEFS_TTL) >= 0) {
			errors.rejectValue("max-hold", "range", "must be at least 1ms and below LiteFS's 30s lock TTL");
		}
		if (this.waitTimeout.isNegative()) {
			errors.rejectValue("wait-timeout", "negative", "must not be negative");
		}
	}

}
