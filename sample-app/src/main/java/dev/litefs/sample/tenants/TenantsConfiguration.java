package dev.litefs.sample.tenants;

import dev.litefs.spring.node.LiteFsNode;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * The tenants' DataSource beside the application's own, and the interceptor that chooses
 * a request's tenant.
 */
@Configuration(proxyBeanMethods = false)
class TenantsConfiguration {

	/**
	 * Not a default candidate: Spring Boot's own DataSource (the app's {@code app.db}, with
	 * Flyway and sessions) stays, and injection points that do not ask for this one by its
	 * qualifier never get it.
	 */
	@Bean(defaultCandidate = false)
	@Qualifier("tenants")
	TenantDataSource tenantDataSource(TenantDatabases databases) {
		return new TenantDataSource(databases);
	}

	@Bean
	TenantNotes tenantNotes(@Qualifier("tenants") TenantDataSource dataSource) {
		return new TenantNotes(dataSource);
	}

	@Bean
	WebMvcConfigurer tenantInterceptor(TenantDatabases databases, ObjectProvider<LiteFsNode> node) {
		TenantInterceptor interceptor = new TenantInterceptor(databases, node);
		return new WebMvcConfigurer() {

			@Override
			public void addInterceptors(InterceptorRegistry registry) {
				registry.addInterceptor(interceptor).addPathPatterns("/api/tenants/*/notes/**");
			}

		};
	}

}
