package dev.litefs.sample.tenants;

import java.sql.SQLTransientConnectionException;
import java.util.Map;

import dev.litefs.spring.node.LiteFsNode;
import dev.litefs.spring.node.NodeState;
import dev.litefs.spring.routing.NotPrimaryException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.HandlerMapping;

/**
 * Chooses the tenant of a request from its path ({@code /api/tenants/{tenant}/notes}) for
 * {@link TenantDataSource}, once the starter has routed it and waited for its
 * {@code __txid}. A tenant whose database this node does not have is answered by the
 * primary on a replica (LiteFS may not have replicated it yet: the primary knows), and
 * {@code 404} on the primary.
 */
class TenantInterceptor implements HandlerInterceptor {

	private final TenantDatabases databases;

	private final @Nullable LiteFsNode node;

	TenantInterceptor(TenantDatabases databases, ObjectProvider<LiteFsNode> node) {
		this.databases = databases;
		this.node = node.getIfAvailable();
	}

	@Override
	public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler)
			throws Exception {
		@SuppressWarnings("unchecked")
		Map<String, String> variables = (Map<String, String>) request
			.getAttribute(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE);
		String tenant = (variables != null) ? variables.get("tenant") : null;
		if (tenant == null) {
			return true;
		}
		if (!this.databases.exists(tenant)) {
			if (this.databases.unavailable()) {
				// LiteFS is away: the starter answers 503, not "no such tenant"
				throw new SQLTransientConnectionException("LiteFS is unavailable: tenant " + tenant + " cannot be read");
			}
			NodeState state = (this.node != null) ? this.node.state() : null;
			if (state != null && !state.role().acceptsWrites()) {
				throw new NotPrimaryException(state.role(), state.primary(),
						"Tenant " + tenant + ", whose database has not replicated to this node,");
			}
			throw new TenantNotFoundException(tenant);
		}
		TenantDataSource.use(tenant);
		return true;
	}

	@Override
	public void afterCompletion(HttpServletRequest request, HttpServletResponse response, Object handler,
			@Nullable Exception ex) {
		TenantDataSource.clear();
	}

}
