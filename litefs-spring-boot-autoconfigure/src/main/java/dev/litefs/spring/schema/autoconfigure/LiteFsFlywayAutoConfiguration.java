package dev.litefs.spring.schema.autoconfigure;

import dev.litefs.spring.schema.LiteFsFlywayMigrationStrategy;
import dev.litefs.spring.node.LiteFsNode;
import dev.litefs.spring.node.LiteFsScheduler;
import dev.litefs.spring.node.autoconfigure.ConditionalOnLiteFsEnabled;
import dev.litefs.spring.node.autoconfigure.LiteFsNodeAutoConfiguration;
import org.flywaydb.core.Flyway;
import org.sqlite.SQLiteDataSource;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration;
import org.springframework.boot.flyway.autoconfigure.FlywayMigrationStrategy;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Auto-configuration of Flyway on a LiteFS cluster: the {@link FlywayMigrationStrategy}
 * through which Spring Boot's Flyway initializer migrates on the primary only, lets
 * replicas wait for the primary's schema, and migrates again on promotion; and the same
 * rules for each {@code Flyway} bean of the application on a database of the mount
 * (several databases: Spring Boot's Flyway auto-configuration backs off then), however
 * it is run.
 * <p>
 * Registered only when Spring Boot configures Flyway (so never with
 * {@code spring.flyway.enabled=false}) and the application does not define its own
 * strategy; {@code litefs.schema.enabled=false} restores Spring Boot's plain behaviour.
 *
 * @since 0.2.0
 */
@AutoConfiguration(after = { LiteFsNodeAutoConfiguration.class, FlywayAutoConfiguration.class })
@ConditionalOnClass({ Flyway.class, FlywayMigrationStrategy.class, SQLiteDataSource.class })
@ConditionalOnLiteFsEnabled
@ConditionalOnBooleanProperty(name = { "litefs.schema.enabled", "litefs.flyway.enabled" }, matchIfMissing = true)
@ConditionalOnBean({ LiteFsNode.class, Flyway.class })
@EnableConfigurationProperties({ LiteFsSchemaProperties.class, LiteFsFlywayProperties.class })
@SuppressWarnings("deprecation") // litefs.flyway.*, still read
public final class LiteFsFlywayAutoConfiguration {

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnMissingBean(FlywayMigrationStrategy.class)
	static class MigrationStrategyConfiguration {

		@Bean
		LiteFsFlywayMigrationStrategy liteFsFlywayMigrationStrategy(LiteFsNode node, LiteFsSchemaProperties schema,
				LiteFsFlywayProperties deprecated, LiteFsScheduler scheduler) {
			LiteFsSchemaProperties settings = deprecated.over(schema);
			return new LiteFsFlywayMigrationStrategy(node, settings.getReplicaMode(), settings.getReplicaTimeout(),
					settings.isReplicaFailOnTimeout(), scheduler);
		}

		/**
		 * Makes each {@code Flyway} bean on a database of the mount primary-only
		 * ({@link LiteFsFlywayMigrationStrategy#primaryOnly(Flyway)}) before its
		 * initialization, so that an {@code initMethod = "migrate"} runs through it too.
		 */
		@Bean
		static BeanPostProcessor liteFsFlywayPostProcessor(ObjectProvider<LiteFsFlywayMigrationStrategy> strategy) {
			return new BeanPostProcessor() {

				@Override
				public Object postProcessBeforeInitialization(Object bean, String beanName) {
					return (bean instanceof Flyway flyway) ? strategy.getObject().primaryOnly(flyway) : bean;
				}

			};
		}

	}

}
