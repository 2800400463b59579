package dev.litefs.spring.schema.autoconfigure;

import dev.litefs.spring.node.LiteFsNode;
import dev.litefs.spring.node.LiteFsScheduler;
import dev.litefs.spring.node.autoconfigure.ConditionalOnLiteFsEnabled;
import dev.litefs.spring.node.autoconfigure.LiteFsNodeAutoConfiguration;
import dev.litefs.spring.schema.LiteFsLiquibase;
import liquibase.integration.spring.SpringLiquibase;
import org.sqlite.SQLiteDataSource;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.liquibase.autoconfigure.LiquibaseAutoConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of Liquibase on a LiteFS cluster: Spring Boot's
 * {@link SpringLiquibase} runs its changelog on the primary only, replicas wait for it
 * and a promoted node runs it ({@link LiteFsLiquibase}).
 * <p>
 * Registered when Spring Boot configures Liquibase (so never with
 * {@code spring.liquibase.enabled=false}); {@code litefs.schema.enabled=false} restores
 * Spring Boot's plain behaviour.
 *
 * @since 0.3.0
 */
@AutoConfiguration(after = { LiteFsNodeAutoConfiguration.class, LiquibaseAutoConfiguration.class })
@ConditionalOnClass({ SpringLiquibase.class, LiquibaseAutoConfiguration.class, SQLiteDataSource.class })
@ConditionalOnLiteFsEnabled
@ConditionalOnBooleanProperty(name = { "litefs.schema.enabled", "litefs.flyway.enabled" }, matchIfMissing = true)
@ConditionalOnBean({ LiteFsNode.class, SpringLiquibase.class })
@EnableConfigurationProperties({ LiteFsSchemaProperties.class, LiteFsFlywayProperties.class })
@SuppressWarnings("deprecation") // litefs.flyway.*, still read
public final class LiteFsLiquibaseAutoConfiguration {

	@Bean
	LiteFsLiquibase liteFsLiquibase(LiteFsNode node, LiteFsSchemaProperties schema, LiteFsFlywayProperties deprecated,
			LiteFsScheduler scheduler) {
		LiteFsSchemaProperties settings = deprecated.over(schema);
		return new LiteFsLiquibase(node, settings.getReplicaMode(), settings.getReplicaTimeout(),
				settings.isReplicaFailOnTimeout(), scheduler);
	}

	/** Hands Spring Boot's Liquibase to the LiteFS runner before it runs its changelog. */
	@Bean
	static BeanPostProcessor liteFsLiquibasePostProcessor(ObjectProvider<LiteFsLiquibase> runner) {
		return new BeanPostProcessor() {

			@Override
			public Object postProcessBeforeInitialization(Object bean, String beanName) {
				if (bean instanceof SpringLiquibase liquibase) {
					runner.getObject().migrate(liquibase);
				}
				return bean;
			}

		};
	}

}
