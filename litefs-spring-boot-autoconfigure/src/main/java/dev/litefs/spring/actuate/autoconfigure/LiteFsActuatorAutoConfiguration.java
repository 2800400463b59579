package dev.litefs.spring.actuate.autoconfigure;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import dev.litefs.spring.actuate.ConsistencyEndpointContributor;
import dev.litefs.spring.actuate.FlywayEndpointContributor;
import dev.litefs.spring.actuate.LiteFsEndpoint;
import dev.litefs.spring.actuate.LiteFsEndpointContributor;
import dev.litefs.spring.actuate.LiteFsHealthIndicator;
import dev.litefs.spring.actuate.LiteFsInfoContributor;
import dev.litefs.spring.actuate.LiteFsMetrics;
import dev.litefs.spring.actuate.LiteFsReadinessGroupPostProcessor;
import dev.litefs.spring.actuate.RoutingEndpointContributor;
import dev.litefs.spring.consistency.autoconfigure.LiteFsConsistencyAutoConfiguration;
import dev.litefs.spring.consistency.autoconfigure.LiteFsConsistencyProperties;
import dev.litefs.spring.schema.LiteFsFlywayMigrationStrategy;
import dev.litefs.spring.schema.autoconfigure.LiteFsFlywayAutoConfiguration;
import dev.litefs.spring.node.LiteFsNode;
import dev.litefs.spring.node.autoconfigure.ConditionalOnLiteFsEnabled;
import dev.litefs.spring.node.autoconfigure.LiteFsNodeAutoConfiguration;
import dev.litefs.spring.node.autoconfigure.LiteFsProperties;
import dev.litefs.spring.routing.PrimaryRouter;
import dev.litefs.spring.routing.PrimaryRoutingFilter;
import dev.litefs.spring.routing.RoutingStrategy;
import dev.litefs.spring.routing.autoconfigure.LiteFsRoutingAutoConfiguration;
import dev.litefs.spring.routing.autoconfigure.LiteFsRoutingProperties;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.autoconfigure.info.ConditionalOnEnabledInfoContributor;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.web.AdditionalPathsMapper;
import org.springframework.boot.actuate.info.InfoContributor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroupsPostProcessor;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Auto-configuration of what Actuator and Micrometer show of the {@link LiteFsNode}:
 * the {@code litefs} endpoint, health component and info, and the {@code litefs.*}
 * metrics. Each part is configured only when its library is on the classpath.
 *
 * @since 0.2.0
 */
@AutoConfiguration(
		after = { LiteFsNodeAutoConfiguration.class, LiteFsRoutingAutoConfiguration.class,
				LiteFsConsistencyAutoConfiguration.class, LiteFsFlywayAutoConfiguration.class },
		afterName = { "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
				"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
				"org.springframework.boot.health.autoconfigure.actuate.endpoint.AvailabilityProbesAutoConfiguration" })
@ConditionalOnLiteFsEnabled
@ConditionalOnBean(LiteFsNode.class)
public final class LiteFsActuatorAutoConfiguration {

	/**
	 * The endpoint and the sections the features add to it, each only while the endpoint
	 * is available (enabled and exposed). A section reads its feature's public state and
	 * is registered only when that feature is configured. A section is replaced by name
	 * (any {@link LiteFsEndpointContributor} of its bean name), as sections share one type.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(Endpoint.class)
	static class EndpointConfiguration {

		@Bean
		@ConditionalOnMissingBean
		@ConditionalOnAvailableEndpoint(LiteFsEndpoint.class)
		LiteFsEndpoint liteFsEndpoint(LiteFsNode node, ObjectProvider<LiteFsEndpointContributor> contributors) {
			return new LiteFsEndpoint(node, contributors.orderedStream().toList());
		}

		@Configuration(proxyBeanMethods = false)
		@ConditionalOnBean({ PrimaryRouter.class, PrimaryRoutingFilter.class })
		static class RoutingSectionConfiguration {

			@Bean
			@ConditionalOnMissingBean(name = "routingEndpointContributor")
			@ConditionalOnAvailableEndpoint(LiteFsEndpoint.class)
			RoutingEndpointContributor routingEndpointContributor(PrimaryRouter router, PrimaryRoutingFilter filter,
					LiteFsRoutingProperties properties) {
				LiteFsRoutingProperties.Forward forward = properties.getForward();
				return new RoutingEndpointContributor(router, filter, Map.of(RoutingStrategy.FORWARD,
						Map.of("urlTemplate", forward.getUrlTemplate(), "connectTimeoutMillis",
								forward.getConnectTimeout().toMillis(), "responseTimeoutMillis",
								forward.getResponseTimeout().toMillis(), "maxBodyBytes", forward.getMaxBodySize().toBytes()),
						RoutingStrategy.REDIRECT, Map.of("urlTemplate", properties.getRedirect().getUrlTemplate())));
			}

		}

		@Configuration(proxyBeanMethods = false)
		@ConditionalOnBean(type = "dev.litefs.spring.consistency.ConsistencyFilter")
		@ConditionalOnBooleanProperty(name = "litefs.consistency.enabled", matchIfMissing = true)
		static class ConsistencySectionConfiguration {

			@Bean
			@ConditionalOnMissingBean(name = "consistencyEndpointContributor")
			@ConditionalOnAvailableEndpoint(LiteFsEndpoint.class)
			ConsistencyEndpointContributor consistencyEndpointContributor(LiteFsNode node,
					LiteFsConsistencyProperties properties, LiteFsProperties nodeProperties) {
				Map<String, Object> settings = new LinkedHashMap<>();
				settings.put("timeoutMillis", properties.getTimeout().toMillis());
				settings.put("onTimeout", properties.getOnTimeout().name().toLowerCase(Locale.ROOT));
				settings.put("cookieMaxAgeSeconds", properties.getCookieMaxAge().toSeconds());
				settings.put("cookieSecure", properties.isCookieSecure());
				settings.put("exclude", properties.getExclude());
				settings.put("pollIntervalMicros", nodeProperties.getWaitPollInterval().toNanos() / 1000);
				return new ConsistencyEndpointContributor(node, settings);
			}

		}

		/** Only for the starter's strategy: an application's own strategy has no section. */
		@Configuration(proxyBeanMethods = false)
		@ConditionalOnClass(name = "org.flywaydb.core.Flyway")
		@ConditionalOnBean(type = "dev.litefs.spring.schema.LiteFsFlywayMigrationStrategy")
		static class FlywaySectionConfiguration {

			@Bean
			@ConditionalOnMissingBean(name = "flywayEndpointContributor")
			@ConditionalOnAvailableEndpoint(LiteFsEndpoint.class)
			FlywayEndpointContributor flywayEndpointContributor(LiteFsFlywayMigrationStrategy strategy) {
				return new FlywayEndpointContributor(strategy);
			}

		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(HealthIndicator.class)
	@ConditionalOnEnabledHealthIndicator("litefs")
	@EnableConfigurationProperties(LiteFsHealthProperties.class)
	static class HealthConfiguration {

		// the bean name makes the component's name: litefs
		@Bean
		@ConditionalOnMissingBean(name = "litefsHealthIndicator")
		LiteFsHealthIndicator litefsHealthIndicator(LiteFsNode node, LiteFsHealthProperties properties) {
			return new LiteFsHealthIndicator(node, properties.getMaxLag());
		}

		// Boot's probes post-processor, which creates the readiness group, has the same
		// (lowest) order: being configured after AvailabilityProbesAutoConfiguration
		// puts this one after it
		@Configuration(proxyBeanMethods = false)
		@ConditionalOnClass({ HealthEndpointGroupsPostProcessor.class, AdditionalPathsMapper.class })
		static class ReadinessConfiguration {

			@Bean
			@ConditionalOnMissingBean
			LiteFsReadinessGroupPostProcessor liteFsReadinessGroupPostProcessor() {
				return new LiteFsReadinessGroupPostProcessor();
			}

		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(InfoContributor.class)
	static class InfoConfiguration {

		@Bean
		@ConditionalOnMissingBean
		@ConditionalOnEnabledInfoContributor("litefs")
		LiteFsInfoContributor liteFsInfoContributor(LiteFsNode node) {
			return new LiteFsInfoContributor(node);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterBinder.class)
	@ConditionalOnBean(MeterRegistry.class)
	static class MetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean
		LiteFsMetrics liteFsMetrics(LiteFsNode node) {
			return new LiteFsMetrics(node);
		}

	}

}
