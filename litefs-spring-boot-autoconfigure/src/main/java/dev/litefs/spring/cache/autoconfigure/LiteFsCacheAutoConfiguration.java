package dev.litefs.spring.cache.autoconfigure;

import dev.litefs.spring.cache.DatabaseCommits;
import dev.litefs.spring.cache.TxidCacheManager;
import dev.litefs.spring.node.LiteFsNode;
import dev.litefs.spring.node.autoconfigure.LiteFsNodeAutoConfiguration;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cache.CacheManager;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of TXID-stamped caches: with {@code litefs.cache.enabled}, every
 * {@link CacheManager} bean is decorated by a {@link TxidCacheManager}, which a
 * {@link DatabaseCommits} bean helps on a standalone node.
 *
 * @since 0.2.0
 */
@AutoConfiguration(after = LiteFsNodeAutoConfiguration.class)
@ConditionalOnBooleanProperty("litefs.cache.enabled")
@EnableConfigurationProperties(LiteFsCacheProperties.class)
public final class LiteFsCacheAutoConfiguration {

	/**
	 * The commits to the node's database, which date the entries on a standalone node;
	 * its connection is opened there only, at the first lookup.
	 */
	@Bean
	@ConditionalOnBean(LiteFsNode.class)
	@ConditionalOnMissingBean
	DatabaseCommits liteFsDatabaseCommits(LiteFsNode node) {
		return new DatabaseCommits(node.mount().databaseFile());
	}

	/**
	 * Decorates the cache managers as they are made; static, as a post-processor is made
	 * before other beans. The node, its commits and the properties are looked up on the
	 * first cache manager; without a node (the starter turned off) they stay as they are.
	 */
	@Bean
	static BeanPostProcessor txidCacheManagerPostProcessor(ObjectProvider<LiteFsNode> node,
			ObjectProvider<DatabaseCommits> commits, ObjectProvider<LiteFsCacheProperties> properties) {
		return new BeanPostProcessor() {

			@Override
			public Object postProcessAfterInitialization(Object bean, String name) {
				if (!(bean instanceof CacheManager manager) || bean instanceof TxidCacheManager) {
					return bean;
				}
				LiteFsNode liteFsNode = node.getIfAvailable();
				DatabaseCommits databaseCommits = commits.getIfAvailable();
				return (liteFsNode != null && databaseCommits != null) ? new TxidCacheManager(manager, liteFsNode,
						databaseCommits, properties.getObject().getNames()) : bean;
			}

		};
	}

}
