package dev.litefs.spring.cache.autoconfigure;

import dev.litefs.spring.cache.TxidCacheManager;
import dev.litefs.spring.node.LiteFsNode;
import dev.litefs.spring.node.autoconfigure.LiteFsNodeAutoConfiguration;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cache.CacheManager;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of TXID-stamped caches: with {@code litefs.cache.enabled}, every
 * {@link CacheManager} bean is decorated by a {@link TxidCacheManager}.
 *
 * @since 0.2.0
 */
@AutoConfiguration(after = LiteFsNodeAutoConfiguration.class)
@ConditionalOnBooleanProperty("litefs.cache.enabled")
@EnableConfigurationProperties(LiteFsCacheProperties.class)
public final class LiteFsCacheAutoConfiguration {

	/**
	 * Decorates the cache managers as they are made; static, as a post-processor is made
	 * before other beans. The node and the properties are looked up on the first cache
	 * manager; without a node (the starter turned off) they stay as they are.
	 */
	@Bean
	static BeanPostProcessor txidCacheManagerPostProcessor(ObjectProvider<LiteFsNode> node,
			ObjectProvider<LiteFsCacheProperties> properties) {
		return new BeanPostProcessor() {

			@Override
			public Object postProcessAfterInitialization(Object bean, String name) {
				if (!(bean instanceof CacheManager manager) || bean instanceof TxidCacheManager) {
					return bean;
				}
				LiteFsNode liteFsNode = node.getIfAvailable();
				return (liteFsNode != null)
						? new TxidCacheManager(manager, liteFsNode, properties.getObject().getNames()) : bean;
			}

		};
	}

}
