package dev.litefs.spring.primary.autoconfigure;

import java.util.function.Supplier;

import dev.litefs.spring.node.LiteFsNode;
import dev.litefs.spring.node.LiteFsScheduler;
import dev.litefs.spring.node.autoconfigure.LiteFsNodeAutoConfiguration;
import dev.litefs.spring.primary.PrimaryBound;
import dev.litefs.spring.primary.PrimaryBoundLifecycles;
import dev.litefs.spring.primary.PrimaryOnly;
import dev.litefs.spring.primary.PrimaryOnlyMethodInterceptor;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.aop.Advisor;
import org.springframework.aop.support.DefaultPointcutAdvisor;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Role;
import org.springframework.core.Ordered;

/**
 * Auto-configuration of the work that belongs to the primary: {@link PrimaryOnly}
 * methods and {@link PrimaryBound} lifecycle beans.
 *
 * @since 0.2.0
 */
@AutoConfiguration(after = LiteFsNodeAutoConfiguration.class)
@ConditionalOnBean(LiteFsNode.class)
public final class LiteFsPrimaryAutoConfiguration {

	/**
	 * Outside @EnsurePrimary's advice (LiteFsRoutingAutoConfiguration's, at
	 * {@code HIGHEST_PRECEDENCE + 100}), and so outside @Transactional's: a skip refuses
	 * nothing.
	 */
	static final int PRIMARY_ONLY_ORDER = Ordered.HIGHEST_PRECEDENCE + 90;

	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	@ConditionalOnMissingBean(name = "primaryOnlyAdvisor")
	static Advisor primaryOnlyAdvisor(ObjectProvider<LiteFsNode> node, ObjectProvider<ObservationRegistry> observations) {
		DefaultPointcutAdvisor advisor = new DefaultPointcutAdvisor(PrimaryOnlyMethodInterceptor.pointcut(),
				new PrimaryOnlyMethodInterceptor(node::getObject, observationRegistry(observations)));
		advisor.setOrder(PRIMARY_ONLY_ORDER);
		return advisor;
	}

	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	@ConditionalOnMissingBean
	static PrimaryBoundLifecycles.StartGate primaryBoundStartGate(ObjectProvider<LiteFsNode> node,
			ObjectProvider<ObservationRegistry> observations) {
		return new PrimaryBoundLifecycles.StartGate(node::getObject, observationRegistry(observations));
	}

	@Bean
	@ConditionalOnMissingBean
	PrimaryBoundLifecycles primaryBoundLifecycles(LiteFsNode node, LiteFsScheduler scheduler) {
		return new PrimaryBoundLifecycles(node, node.pollInterval(), scheduler);
	}

	private static Supplier<ObservationRegistry> observationRegistry(ObjectProvider<ObservationRegistry> observations) {
		return () -> observations.getIfAvailable(() -> ObservationRegistry.NOOP);
	}

}
