package dev.litefs.spring.halt;

import java.time.Duration;

import dev.litefs.spring.autoconfigure.LiteFsAutoConfiguration;
import dev.litefs.spring.autoconfigure.LiteFsProperties;
import dev.litefs.spring.node.LiteFsNode;
import dev.litefs.spring.node.LiteFsScheduler;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

import static dev.litefs.spring.internal.PropertyChecks.check;
import static dev.litefs.spring.internal.PropertyChecks.notNegative;

/**
 * Auto-configuration of {@link LiteFsHalt}: writes made on a replica under LiteFS's HALT
 * lock, observed through the application's {@link ObservationRegistry} when it has one.
 *
 * @since 0.2.0
 */
@AutoConfiguration(after = LiteFsAutoConfiguration.class)
@ConditionalOnBean(LiteFsNode.class)
public final class LiteFsHaltAutoConfiguration {

	/** LiteFS drops a HALT lock held longer than this (its TTL). */
	private static final Duration LITEFS_TTL = Duration.ofSeconds(30);

	@Bean
	@ConditionalOnMissingBean
	LiteFsHalt liteFsHalt(LiteFsNode node, LiteFsProperties properties, ObjectProvider<ObservationRegistry> observations,
			LiteFsScheduler scheduler) {
		LiteFsProperties.Halt halt = properties.getHalt();
		Duration maxHold = check("litefs.halt.max-hold", halt.getMaxHold(),
				halt.getMaxHold().toMillis() >= 1 && halt.getMaxHold().compareTo(LITEFS_TTL) < 0,
				"must be at least 1ms and below LiteFS's 30s lock TTL");
		return new LiteFsHalt(node, maxHold, notNegative("litefs.halt.wait-timeout", halt.getWaitTimeout()),
				observations.getIfAvailable(() -> ObservationRegistry.NOOP), scheduler);
	}

}
