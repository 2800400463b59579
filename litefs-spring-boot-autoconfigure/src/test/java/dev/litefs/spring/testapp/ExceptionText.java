package dev.litefs.spring.testapp;

import org.springframework.boot.context.properties.bind.validation.BindValidationException;
import org.springframework.validation.FieldError;

/**
 * The messages of an exception and all its causes, for asserting what a failed startup
 * told the user. A property that its properties class rejected is told as Spring Boot's
 * failure analysis tells it (the property, its value and the reason), in the words of
 * {@code InvalidConfigurationPropertyValueException}: "Property litefs.x with value 'v'
 * is invalid: reason".
 */
public final class ExceptionText {

	private ExceptionText() {
	}

	public static String of(Throwable failure) {
		StringBuilder text = new StringBuilder();
		for (Throwable ex = failure; ex != null; ex = ex.getCause()) {
			text.append(ex.getMessage()).append('\n');
			if (ex instanceof BindValidationException validation) {
				String name = validation.getValidationErrors().getName().toString();
				validation.getValidationErrors()
					.getAllErrors()
					.stream()
					.filter(FieldError.class::isInstance)
					.map(FieldError.class::cast)
					.forEach((error) -> text.append("Property %s.%s with value '%s' is invalid: %s%n".formatted(name,
							error.getField(), error.getRejectedValue(), error.getDefaultMessage())));
			}
		}
		return text.toString();
	}

}
