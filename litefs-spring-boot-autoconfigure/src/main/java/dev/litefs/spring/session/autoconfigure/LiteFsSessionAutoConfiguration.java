package dev.litefs.spring.session.autoconfigure;

import javax.sql.DataSource;

import dev.litefs.spring.consistency.ConsistencyFilter;
import dev.litefs.spring.consistency.autoconfigure.LiteFsConsistencyAutoConfiguration;
import dev.litefs.spring.halt.LiteFsHalt;
import dev.litefs.spring.halt.autoconfigure.LiteFsHaltAutoConfiguration;
import dev.litefs.spring.node.LiteFsNode;
import dev.litefs.spring.node.LiteFsScheduler;
import dev.litefs.spring.node.autoconfigure.LiteFsNodeAutoConfiguration;
import dev.litefs.spring.routing.autoconfigure.LiteFsRoutingAutoConfiguration;
import dev.litefs.spring.routing.autoconfigure.LiteFsRoutingProperties;
import dev.litefs.spring.session.ContainerSessionsWarning;
import dev.litefs.spring.session.LastAccessWrites;
import dev.litefs.spring.session.LiteFsSessionRepository;
import dev.litefs.spring.session.SessionWriteFilter;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.session.autoconfigure.SessionProperties;
import org.springframework.boot.session.jdbc.autoconfigure.JdbcSessionProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.scheduling.support.CronExpression;
import org.springframework.session.config.SessionRepositoryCustomizer;
import org.springframework.session.jdbc.JdbcIndexedSessionRepository;

/**
 * Auto-configuration of HTTP sessions on LiteFS: with Spring Session JDBC, its
 * repository wrapped in {@link LiteFsSessionRepository} and the
 * {@link SessionWriteFilter} outside Spring Session's filter; without Spring Session, on a
 * node of a cluster, the {@link ContainerSessionsWarning}.
 *
 * @since 0.3.0
 */
@AutoConfiguration(
		after = { LiteFsNodeAutoConfiguration.class, LiteFsHaltAutoConfiguration.class,
				LiteFsRoutingAutoConfiguration.class, LiteFsConsistencyAutoConfiguration.class },
		afterName = { "org.springframework.boot.session.jdbc.autoconfigure.JdbcSessionAutoConfiguration",
				"org.springframework.boot.session.autoconfigure.SessionAutoConfiguration" })
@ConditionalOnBean(LiteFsNode.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@EnableConfigurationProperties(LiteFsSessionProperties.class)
public final class LiteFsSessionAutoConfiguration {

	/** Sessions of Spring Session JDBC, made to work on every node. */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(JdbcIndexedSessionRepository.class)
	@ConditionalOnBean({ JdbcIndexedSessionRepository.class, LiteFsHalt.class })
	@ConditionalOnBooleanProperty(name = "litefs.session.enabled", matchIfMissing = true)
	static final class JdbcSessionsConfiguration {

		/** Spring Session's own cleanup would run on every node; the wrapper's runs on the primary. */
		@Bean
		SessionRepositoryCustomizer<JdbcIndexedSessionRepository> liteFsSessionCleanupOnPrimaryOnly() {
			return (repository) -> repository.setCleanupCron(Scheduled.CRON_DISABLED);
		}

		@Bean
		@Primary
		@ConditionalOnMissingBean
		LiteFsSessionRepository liteFsSessionRepository(JdbcIndexedSessionRepository jdbc, LiteFsNode node,
				LiteFsHalt halt, DataSource dataSource, JdbcSessionProperties jdbcSessions,
				LiteFsSessionProperties sessions, LiteFsScheduler scheduler) {
			LiteFsSessionRepository repository = new LiteFsSessionRepository(jdbc, node, halt,
					new LastAccessWrites(dataSource, jdbcSessions.getTableName(), sessions.getLastAccessInterval()),
					scheduler);
			if (!Scheduled.CRON_DISABLED.equals(jdbcSessions.getCleanupCron())) {
				repository.scheduleCleanup(CronExpression.parse(jdbcSessions.getCleanupCron()));
			}
			return repository;
		}

		/** Just outside Spring Session's filter, which writes the session as the response commits. */
		@Bean
		@ConditionalOnMissingBean(name = "liteFsSessionWriteFilter")
		FilterRegistrationBean<SessionWriteFilter> liteFsSessionWriteFilter(LiteFsNode node,
				ObjectProvider<ConsistencyFilter> consistency, ObjectProvider<LiteFsRoutingProperties> routing,
				ObjectProvider<SessionProperties> sessionProperties) {
			SessionWriteFilter filter = new SessionWriteFilter(node.hostname(), consistency.getIfAvailable(),
					routing.getIfAvailable(LiteFsRoutingProperties::new).getRetryAfter());
			return outsideSpringSession(filter, sessionProperties);
		}

	}

	/**
	 * Spring Session JDBC left as Boot configures it ({@code litefs.session.enabled=false}):
	 * its writes on a replica, which SQLite refuses, are answered by a clear {@code 503}.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(JdbcIndexedSessionRepository.class)
	@ConditionalOnBean(JdbcIndexedSessionRepository.class)
	@ConditionalOnBooleanProperty(name = "litefs.session.enabled", havingValue = false)
	static final class UnmanagedJdbcSessionsConfiguration {

		/** Just outside Spring Session's filter, which writes the session as the request ends. */
		@Bean
		@ConditionalOnMissingBean(name = "liteFsSessionWriteFilter")
		FilterRegistrationBean<SessionWriteFilter> liteFsSessionWriteFilter(LiteFsNode node,
				ObjectProvider<LiteFsRoutingProperties> routing, ObjectProvider<SessionProperties> sessionProperties) {
			SessionWriteFilter filter = new SessionWriteFilter(node,
					routing.getIfAvailable(LiteFsRoutingProperties::new).getRetryAfter());
			return outsideSpringSession(filter, sessionProperties);
		}

	}

	static FilterRegistrationBean<SessionWriteFilter> outsideSpringSession(SessionWriteFilter filter,
			ObjectProvider<SessionProperties> sessionProperties) {
		FilterRegistrationBean<SessionWriteFilter> registration = new FilterRegistrationBean<>(filter);
		SessionProperties properties = sessionProperties.getIfAvailable(SessionProperties::new);
		registration.setOrder(properties.getServlet().getFilterOrder() - 1);
		return registration;
	}

	/** Container sessions on a node of a cluster: they do not follow users. */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnMissingBean(type = "org.springframework.session.web.http.SessionRepositoryFilter")
	static final class ContainerSessionsConfiguration {

		@Bean
		ContainerSessionsWarning liteFsContainerSessionsWarning(LiteFsNode node) {
			return new ContainerSessionsWarning(node);
		}

	}

}
