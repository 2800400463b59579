package dev.litefs.spring.flyway;

import dev.litefs.spring.actuate.FlywayEndpointContributor;
import dev.litefs.spring.autoconfigure.ConditionalOnLiteFsEnabled;
import dev.litefs.spring.autoconfigure.LiteFsAutoConfiguration;
import dev.litefs.spring.autoconfigure.LiteFsProperties;
import dev.litefs.spring.node.LiteFsNode;
import org.flywaydb.core.Flyway;
import org.sqlite.SQLiteDataSource;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration;
import org.springframework.boot.flyway.autoconfigure.FlywayMigrationStrategy;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Auto-configuration of Flyway on a LiteFS cluster: the {@link FlywayMigrationStrategy}
 * through which Spring Boot's Flyway initializer migrates on the primary only, lets
 * replicas wait for the primary's schema, and migrates again on promotion.
 * <p>
 * Registered only when Spring Boot configures Flyway (so never with
 * {@code spring.flyway.enabled=false}) and the application does not define its own
 * strategy; {@code litefs.flyway.enabled=false} restores Spring Boot's plain behaviour.
 * With Actuator, the last run is shown in the {@code flyway} section of
 * {@code /actuator/litefs}.
 */
@AutoConfiguration(after = { LiteFsAutoConfiguration.class, FlywayAutoConfiguration.class })
@ConditionalOnClass({ Flyway.class, FlywayMigrationStrategy.class, SQLiteDataSource.class })
@ConditionalOnLiteFsEnabled
@ConditionalOnBooleanProperty(name = "litefs.flyway.enabled", matchIfMissing = true)
@ConditionalOnBean({ LiteFsNode.class, Flyway.class })
public final class LiteFsFlywayAutoConfiguration {

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnMissingBean(FlywayMigrationStrategy.class)
	static class MigrationStrategyConfiguration {

		@Bean
		LiteFsFlywayMigrationStrategy liteFsFlywayMigrationStrategy(LiteFsNode node, LiteFsProperties properties) {
			LiteFsProperties.Flyway flyway = properties.getFlyway();
			return new LiteFsFlywayMigrationStrategy(node, flyway.getReplicaMode(), flyway.getReplicaTimeout(),
					flyway.isReplicaFailOnTimeout());
		}

		@Configuration(proxyBeanMethods = false)
		@ConditionalOnClass(name = "org.springframework.boot.actuate.endpoint.annotation.Endpoint")
		static class EndpointConfiguration {

			@Bean
			@ConditionalOnMissingBean
			FlywayEndpointContributor flywayEndpointContributor(LiteFsFlywayMigrationStrategy strategy) {
				return new FlywayEndpointContributor(strategy);
			}

		}

	}

}
