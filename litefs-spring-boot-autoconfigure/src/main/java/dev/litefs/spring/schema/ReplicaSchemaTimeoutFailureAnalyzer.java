package dev.litefs.spring.schema;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/**
 * The {@link FailureAnalyzer} of a replica that gave up waiting for the schema: what
 * happened, and what to look at or change.
 */
@Order(Ordered.HIGHEST_PRECEDENCE)
class ReplicaSchemaTimeoutFailureAnalyzer extends AbstractFailureAnalyzer<ReplicaSchemaTimeoutException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, ReplicaSchemaTimeoutException cause) {
		String action = """
				Check that this replica gets the primary's transactions: that LiteFS on this node is \
				connected to the primary (%s; see LiteFS's log, its lease and the primary's advertise-url, \
				or GET /info on its API), and that the primary's application has started and migrated. \
				Then, as needed:
				- raise litefs.schema.replica-timeout (now %s) if the primary takes longer to migrate;
				- or set litefs.schema.replica-fail-on-timeout=false to start without the schema \
				(/actuator/litefs then shows the migration as timed out).""".formatted(cause.getPrimary(),
				cause.getTimeout());
		return new FailureAnalysis(cause.getMessage(), action, cause);
	}

}
