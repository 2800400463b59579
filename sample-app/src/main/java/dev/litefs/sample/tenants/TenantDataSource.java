package dev.litefs.sample.tenants;

import java.util.Map;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.datasource.lookup.AbstractRoutingDataSource;

/**
 * One DataSource over every tenant's database: each connection comes from the pool of the
 * tenant the current request chose ({@link TenantInterceptor}), made when first needed.
 */
class TenantDataSource extends AbstractRoutingDataSource {

	private static final ThreadLocal<String> current = new ThreadLocal<>();

	private final TenantDatabases databases;

	TenantDataSource(TenantDatabases databases) {
		this.databases = databases;
		// the pools are made on demand, not listed up front
		setTargetDataSources(Map.of());
	}

	/** Chooses the tenant of this thread's work. */
	static void use(String tenant) {
		current.set(tenant);
	}

	static void clear() {
		current.remove();
	}

	@Override
	protected @Nullable Object determineCurrentLookupKey() {
		return current.get();
	}

	@Override
	protected DataSource determineTargetDataSource() {
		String tenant = current.get();
		if (tenant == null) {
			throw new IllegalStateException("No tenant was chosen for this work: TenantDataSource.use(tenant) first");
		}
		return this.databases.pool(tenant);
	}

}
