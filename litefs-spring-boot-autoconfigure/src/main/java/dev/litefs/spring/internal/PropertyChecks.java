package dev.litefs.spring.internal;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * The checks of {@code litefs.*} values, made by the auto-configurations where they use
 * them: a bad value fails start-up with an
 * {@link InvalidConfigurationPropertyValueException} naming the property, the value and
 * the reason. Not API.
 *
 * @since 0.2.0
 */
public final class PropertyChecks {

	private PropertyChecks() {
	}

	/**
	 * Returns the value if it is valid.
	 * @param <T> the value's type
	 * @param property the property's name, e.g. {@code litefs.api-timeout}
	 * @param value its value
	 * @param valid whether the value is valid
	 * @param reason why it is not, e.g. {@code must be at least 1ms}
	 * @return the value
	 * @throws InvalidConfigurationPropertyValueException if it is not valid
	 */
	public static <T> T check(String property, T value, boolean valid, String reason) {
		if (!valid) {
			throw new InvalidConfigurationPropertyValueException(property, value, reason);
		}
		return value;
	}

	/**
	 * Returns a duration of at least a millisecond.
	 * @param property the property's name
	 * @param value its value
	 * @return the value
	 */
	public static Duration atLeastOneMilli(String property, Duration value) {
		return check(property, value, value.toMillis() >= 1, "must be at least 1ms");
	}

	/**
	 * Returns a duration that is not negative.
	 * @param property the property's name
	 * @param value its value
	 * @return the value
	 */
	public static Duration notNegative(String property, Duration value) {
		return check(property, value, !value.isNegative(), "must not be negative");
	}

	/**
	 * The request path patterns of a property.
	 * @param property the property's name
	 * @param patterns its value
	 * @return the patterns
	 */
	public static RequestPathPatterns pathPatterns(String property, List<String> patterns) {
		try {
			return new RequestPathPatterns(patterns);
		}
		catch (IllegalArgumentException ex) {
			// the message names the pattern and what is wrong with it
			throw new InvalidConfigurationPropertyValueException(property, patterns, ex.getMessage());
		}
	}

}
