package dev.litefs.spring.jdbc.autoconfigure;

import javax.sql.DataSource;

import dev.litefs.spring.jdbc.DatabaseWrites;
import dev.litefs.spring.jdbc.PoolEvictionOnRecovery;
import dev.litefs.spring.jdbc.UnavailableDatabaseGuard;
import dev.litefs.spring.jdbc.VirtualThreadCarriersCheck;
import dev.litefs.spring.node.LiteFsNode;
import dev.litefs.spring.node.autoconfigure.ConditionalOnLiteFsEnabled;
import dev.litefs.spring.node.autoconfigure.LiteFsNodeAutoConfiguration;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnThreading;
import org.springframework.boot.thread.Threading;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Auto-configuration of the application's {@link DataSource} on a LiteFS mount: no
 * connection is asked of the pool while LiteFS is down, Hikari's connections to a
 * mount that went away are evicted once it is back, and each connection's commits tell
 * which databases a request wrote.
 *
 * @since 0.2.0
 */
@AutoConfiguration(after = LiteFsNodeAutoConfiguration.class,
		beforeName = "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration")
@ConditionalOnLiteFsEnabled
@ConditionalOnBean(LiteFsNode.class)
public final class LiteFsJdbcAutoConfiguration {

	/** No connection is asked of the pool while LiteFS is down or restarting. */
	@Bean
	@ConditionalOnMissingBean
	static UnavailableDatabaseGuard liteFsUnavailableDatabaseGuard(ObjectProvider<LiteFsNode> node,
			ObjectProvider<DatabaseWrites> writes) {
		return new UnavailableDatabaseGuard(node, writes);
	}

	/**
	 * Which databases on the mount the current request wrote, told by each connection's
	 * commits: the {@code __txid} cookie's entries.
	 */
	@Bean
	@ConditionalOnMissingBean
	DatabaseWrites liteFsDatabaseWrites(LiteFsNode node) {
		return new DatabaseWrites(node);
	}

	/** Hikari's connections to a LiteFS mount that went away are evicted once it is back. */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "com.zaxxer.hikari.HikariDataSource")
	static class PoolEvictionConfiguration {

		@Bean
		@ConditionalOnMissingBean
		PoolEvictionOnRecovery liteFsPoolEvictionOnRecovery(ObjectProvider<DataSource> dataSources) {
			return new PoolEvictionOnRecovery(dataSources);
		}

		/** On virtual threads, a warning when SQLite's lock waits could hold every carrier thread. */
		@Bean
		@ConditionalOnThreading(Threading.VIRTUAL)
		@ConditionalOnMissingBean
		VirtualThreadCarriersCheck liteFsVirtualThreadCarriersCheck(ObjectProvider<DataSource> dataSources,
				ObjectProvider<LiteFsNode> node) {
			return new VirtualThreadCarriersCheck(dataSources, node);
		}

	}

}
