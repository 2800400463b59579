package dev.litefs.spring.halt.autoconfigure;

import dev.litefs.spring.halt.LiteFsHalt;
import dev.litefs.spring.node.LiteFsNode;
import dev.litefs.spring.node.LiteFsScheduler;
import dev.litefs.spring.node.autoconfigure.LiteFsNodeAutoConfiguration;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of {@link LiteFsHalt}: writes made on a replica under LiteFS's HALT
 * lock, observed through the application's {@link ObservationRegistry} when it has one.
 *
 * @since 0.2.0
 */
@AutoConfiguration(after = LiteFsNodeAutoConfiguration.class)
@ConditionalOnBean(LiteFsNode.class)
@EnableConfigurationProperties(LiteFsHaltProperties.class)
public final class LiteFsHaltAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	LiteFsHalt liteFsHalt(LiteFsNode node, LiteFsHaltProperties halt, ObjectProvider<ObservationRegistry> observations,
			LiteFsScheduler scheduler) {
		return new LiteFsHalt(node, halt.getMaxHold(), halt.getWaitTimeout(),
				observations.getIfAvailable(() -> ObservationRegistry.NOOP), scheduler);
	}

}
