package dev.litefs.spring.schema.autoconfigure;

import javax.sql.DataSource;

import dev.litefs.spring.node.LiteFsNode;
import dev.litefs.spring.node.LiteFsScheduler;
import dev.litefs.spring.node.autoconfigure.ConditionalOnLiteFsEnabled;
import dev.litefs.spring.node.autoconfigure.LiteFsNodeAutoConfiguration;
import dev.litefs.spring.schema.LiteFsHibernateSchema;
import org.hibernate.integrator.spi.Integrator;
import org.sqlite.SQLiteDataSource;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration;
import org.springframework.boot.hibernate.autoconfigure.HibernatePropertiesCustomizer;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of Hibernate's {@code ddl-auto} on a LiteFS cluster: Hibernate
 * changes the schema on the primary only, replicas wait for the entity tables, and a
 * promoted node updates the schema ({@link LiteFsHibernateSchema}). It acts only when
 * {@code ddl-auto} (or the Jakarta Persistence database action) changes the schema;
 * {@code litefs.schema.enabled=false} restores Spring Boot's plain behaviour.
 *
 * @since 0.3.0
 */
@AutoConfiguration(before = HibernateJpaAutoConfiguration.class,
		after = { LiteFsNodeAutoConfiguration.class, DataSourceAutoConfiguration.class })
@ConditionalOnClass({ HibernatePropertiesCustomizer.class, Integrator.class, SQLiteDataSource.class })
@ConditionalOnLiteFsEnabled
@ConditionalOnBooleanProperty(name = { "litefs.schema.enabled", "litefs.flyway.enabled" }, matchIfMissing = true)
@ConditionalOnBean(LiteFsNode.class)
@ConditionalOnSingleCandidate(DataSource.class)
@EnableConfigurationProperties({ LiteFsSchemaProperties.class, LiteFsFlywayProperties.class })
@SuppressWarnings("deprecation") // litefs.flyway.*, still read
public final class LiteFsHibernateSchemaAutoConfiguration {

	@Bean
	LiteFsHibernateSchema liteFsHibernateSchema(LiteFsNode node, DataSource dataSource,
			LiteFsSchemaProperties schema, LiteFsFlywayProperties deprecated, LiteFsScheduler scheduler) {
		LiteFsSchemaProperties settings = deprecated.over(schema);
		return new LiteFsHibernateSchema(node, dataSource, settings.getReplicaMode(), settings.getReplicaTimeout(),
				settings.isReplicaFailOnTimeout(), scheduler);
	}

}
