package dev.litefs.sample.tenants;

import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * The tenants API's errors as RFC 9457 problem details: an unknown tenant, an invalid
 * ID, a malformed body.
 */
@RestControllerAdvice(assignableTypes = TenantController.class)
class TenantApiExceptionHandler extends ResponseEntityExceptionHandler {

}
