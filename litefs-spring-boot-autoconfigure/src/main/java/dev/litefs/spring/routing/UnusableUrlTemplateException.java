package dev.litefs.spring.routing;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * A URL template property ({@code litefs.routing.forward.url-template},
 * {@code litefs.routing.redirect.url-template}) holds no usable {@link PrimaryUrlTemplate}.
 * Start-up reports it with what a usable template looks like (a {@code FailureAnalyzer}
 * of the starter); {@link #getName()} names the property.
 *
 * @since 0.2.0
 */
public class UnusableUrlTemplateException extends InvalidConfigurationPropertyValueException {

	private final String problem;

	/**
	 * Creates an exception for a property and its template.
	 * @param property the property's name
	 * @param template its value
	 * @param problem what makes the template unusable, as {@link PrimaryUrlTemplate#problem}
	 * says it
	 */
	public UnusableUrlTemplateException(String property, @Nullable String template, String problem) {
		super(property, template, "not a usable URL template: it " + problem);
		this.problem = problem;
	}

	/**
	 * What makes the template unusable.
	 * @return the reason, e.g. "must contain {primary}, the primary's hostname"
	 */
	public String getProblem() {
		return this.problem;
	}

}
