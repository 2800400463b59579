package dev.litefs.spring.cache.autoconfigure;

import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

/**
 * TXID-stamped caches, under {@code litefs.cache}: the application's cache manager
 * decorated so that an entry is served only while the database's TXID stays.
 *
 * @since 0.2.0
 */
@ConfigurationProperties("litefs.cache")
public class LiteFsCacheProperties implements Validator {

	/**
	 * Whether the application's CacheManager beans are decorated to stamp entries with
	 * the database's TXID and drop them when it moves.
	 */
	private boolean enabled;

	/**
	 * The caches stamped with the TXID; empty for all. Keep caches of anything but this
	 * database (another service's answers) out of the list.
	 */
	private List<String> names = new ArrayList<>();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public List<String> getNames() {
		return this.names;
	}

	public void setNames(List<String> names) {
		this.names = names;
	}

	@Override
	public boolean supports(Class<?> type) {
		return LiteFsCacheProperties.class.isAssignableFrom(type);
	}

	/**
	 * Checks the values: a bad one fails start-up naming the property, its value and
	 * the reason.
	 */
	@Override
	public void validate(Object target, Errors errors) {
		for (String name : this.names) {
			if (name.isBlank()) {
				errors.rejectValue("names", "blank", "must not hold a blank cache name");
			}
		}
	}

}
