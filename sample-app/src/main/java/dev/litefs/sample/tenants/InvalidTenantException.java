package dev.litefs.sample.tenants;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/**
 * A tenant ID that cannot name a database file: a {@code 400} problem detail.
 */
class InvalidTenantException extends ErrorResponseException {

	InvalidTenantException(String tenant) {
		super(HttpStatus.BAD_REQUEST, problem(tenant), null);
	}

	private static ProblemDetail problem(String tenant) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, "'" + tenant
				+ "' is not a tenant ID: 1 to 40 lower-case letters, digits and dashes, starting with a letter or digit.");
		problem.setTitle("Invalid tenant ID");
		return problem;
	}

}
