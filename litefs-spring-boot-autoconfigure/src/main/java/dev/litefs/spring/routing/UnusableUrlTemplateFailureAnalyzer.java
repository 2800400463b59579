package dev.litefs.spring.routing;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/**
 * The {@link FailureAnalyzer} of an unusable URL template: the value and what is wrong
 * with it, and what a usable one looks like. Ordered ahead of Spring Boot's analyzer of
 * any {@code InvalidConfigurationPropertyValueException}, which would only say to review
 * the property.
 */
@Order(Ordered.HIGHEST_PRECEDENCE)
class UnusableUrlTemplateFailureAnalyzer extends AbstractFailureAnalyzer<UnusableUrlTemplateException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, UnusableUrlTemplateException cause) {
		String description = "%s is '%s', which is not a usable URL template: it %s.".formatted(cause.getName(),
				cause.getValue(), cause.getProblem());
		String action = """
				Set %1$s to the primary's URL with only a scheme (http or https), a host and, if needed, a port \
				(1 to 65535); the request's own path and query are added to it. It may hold two placeholders:
				- %2$s, the primary's LiteFS hostname (required: the host is always the primary LiteFS names);
				- %3$s, this server's port.
				For example http://%2$s:%3$s (the default), http://%2$s.my-app.internal:8080 or https://%2$s:8443.\
				""".formatted(cause.getName(), PrimaryUrlTemplate.PRIMARY, PrimaryUrlTemplate.PORT);
		return new FailureAnalysis(description, action, cause);
	}

}
