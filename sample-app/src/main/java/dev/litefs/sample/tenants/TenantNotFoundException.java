package dev.litefs.sample.tenants;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/**
 * No tenant has the ID asked for: a {@code 404} problem detail.
 */
class TenantNotFoundException extends ErrorResponseException {

	TenantNotFoundException(String tenant) {
		super(HttpStatus.NOT_FOUND, problem(tenant), null);
	}

	private static ProblemDetail problem(String tenant) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND,
				"No tenant has ID '" + tenant + "'. Create it with PUT /api/tenants/" + tenant + ".");
		problem.setTitle("No such tenant");
		return problem;
	}

}
