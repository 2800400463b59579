package dev.litefs.spring.halt;

import dev.litefs.spring.autoconfigure.LiteFsAutoConfiguration;
import dev.litefs.spring.autoconfigure.LiteFsProperties;
import dev.litefs.spring.node.LiteFsNode;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Auto-configuration of {@link LiteFsHalt}: writes made on a replica under LiteFS's HALT
 * lock, observed through Micrometer when the application has it.
 */
@AutoConfiguration(after = LiteFsAutoConfiguration.class)
@ConditionalOnBean(LiteFsNode.class)
public final class LiteFsHaltAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	LiteFsHalt liteFsHalt(LiteFsNode node, LiteFsProperties properties, ObjectProvider<HaltObservations> observations) {
		LiteFsProperties.Halt halt = properties.getHalt();
		return new LiteFsHalt(node, halt.getMaxHold(), halt.getWaitTimeout(),
				observations.getIfAvailable(() -> HaltObservations.NONE));
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(ObservationRegistry.class)
	static class ObservationConfiguration {

		@Bean
		@ConditionalOnMissingBean
		HaltObservations liteFsHaltObservations(ObjectProvider<ObservationRegistry> registry) {
			return new MicrometerHaltObservations(registry.getIfAvailable(() -> ObservationRegistry.NOOP));
		}

	}

}
