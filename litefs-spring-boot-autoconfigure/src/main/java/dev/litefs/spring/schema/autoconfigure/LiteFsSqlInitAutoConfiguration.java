package dev.litefs.spring.schema.autoconfigure;

import javax.sql.DataSource;

import dev.litefs.spring.node.LiteFsNode;
import dev.litefs.spring.node.LiteFsScheduler;
import dev.litefs.spring.node.autoconfigure.ConditionalOnLiteFsEnabled;
import dev.litefs.spring.node.autoconfigure.LiteFsNodeAutoConfiguration;
import dev.litefs.spring.schema.LiteFsScriptDatabaseInitializer;
import org.sqlite.SQLiteDataSource;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceInitializationAutoConfiguration;
import org.springframework.boot.sql.autoconfigure.init.ApplicationScriptDatabaseInitializer;
import org.springframework.boot.sql.autoconfigure.init.ConditionalOnSqlInitialization;
import org.springframework.boot.sql.autoconfigure.init.SqlInitializationProperties;
import org.springframework.boot.sql.init.dependency.DatabaseInitializationDependencyConfigurer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.datasource.init.DatabasePopulator;

/**
 * Auto-configuration of {@code spring.sql.init} on a LiteFS cluster: Spring Boot's
 * schema and data scripts run on the primary only, and replicas wait for the schema
 * ({@link LiteFsScriptDatabaseInitializer}), in place of Spring Boot's initializer.
 * <p>
 * Registered when Spring Boot would initialize the database with scripts
 * ({@code spring.sql.init.mode} not {@code never}) and the application defines no
 * initializer of its own; {@code litefs.schema.enabled=false} restores Spring Boot's
 * plain behaviour.
 *
 * @since 0.3.0
 */
@AutoConfiguration(before = DataSourceInitializationAutoConfiguration.class,
		after = { LiteFsNodeAutoConfiguration.class, DataSourceAutoConfiguration.class })
@ConditionalOnClass({ DatabasePopulator.class, SQLiteDataSource.class })
@ConditionalOnLiteFsEnabled
@ConditionalOnBooleanProperty(name = { "litefs.schema.enabled", "litefs.flyway.enabled" }, matchIfMissing = true)
@ConditionalOnSingleCandidate(DataSource.class)
@ConditionalOnBean(LiteFsNode.class)
@ConditionalOnMissingBean(ApplicationScriptDatabaseInitializer.class)
@ConditionalOnSqlInitialization
@Import(DatabaseInitializationDependencyConfigurer.class)
@EnableConfigurationProperties({ SqlInitializationProperties.class, LiteFsSchemaProperties.class,
		LiteFsFlywayProperties.class })
@SuppressWarnings("deprecation") // litefs.flyway.*, still read
public final class LiteFsSqlInitAutoConfiguration {

	@Bean
	LiteFsScriptDatabaseInitializer liteFsScriptDatabaseInitializer(DataSource dataSource,
			SqlInitializationProperties sqlInit, LiteFsNode node, LiteFsSchemaProperties schema,
			LiteFsFlywayProperties deprecated, LiteFsScheduler scheduler) {
		LiteFsSchemaProperties settings = deprecated.over(schema);
		return new LiteFsScriptDatabaseInitializer(dataSource, ApplicationScriptDatabaseInitializer.getSettings(sqlInit),
				node, settings.getReplicaMode(), settings.getReplicaTimeout(), settings.isReplicaFailOnTimeout(),
				scheduler);
	}

}
