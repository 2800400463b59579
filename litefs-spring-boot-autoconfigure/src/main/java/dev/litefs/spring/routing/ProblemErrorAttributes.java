package dev.litefs.spring.routing;

import java.util.Map;

import dev.litefs.spring.internal.ProblemResponses;

import org.springframework.boot.web.error.ErrorAttributeOptions;
import org.springframework.boot.webmvc.error.DefaultErrorAttributes;
import org.springframework.http.ProblemDetail;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.WebRequest;

/**
 * Spring Boot's error attributes, plus the {@code title} and {@code detail} of the
 * problem the starter answered a browser with ("Not primary", "Database unavailable",
 * ...), so that the application's error view can show them beside {@code status} and
 * {@code error}. Requests the starter did not answer get Boot's attributes unchanged.
 *
 * @since 0.2.0
 */
public class ProblemErrorAttributes extends DefaultErrorAttributes {

	@Override
	public Map<String, Object> getErrorAttributes(WebRequest webRequest, ErrorAttributeOptions options) {
		Map<String, Object> attributes = super.getErrorAttributes(webRequest, options);
		if (webRequest.getAttribute(ProblemResponses.PROBLEM_ATTRIBUTE,
				RequestAttributes.SCOPE_REQUEST) instanceof ProblemDetail problem) {
			attributes.put("title", problem.getTitle());
			attributes.put("detail", problem.getDetail());
		}
		return attributes;
	}

}
