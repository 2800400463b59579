package dev.litefs.spring.actuate.autoconfigure;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import dev.litefs.spring.node.autoconfigure.LiteFsNodeAutoConfiguration;
import dev.litefs.spring.node.LiteFsNode;
import dev.litefs.spring.testapp.ExceptionText;
import dev.litefs.spring.test.FakeLiteFsMount;
import dev.litefs.spring.actuate.LiteFsEndpoint;
import dev.litefs.spring.actuate.LiteFsHealthIndicator;
import dev.litefs.spring.actuate.LiteFsInfoContributor;
import dev.litefs.spring.actuate.LiteFsMetrics;
import dev.litefs.spring.actuate.LiteFsReadinessGroupPostProcessor;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.info.InfoContributor;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

class LiteFsActuatorAutoConfigurationTests {

	@TempDir
	Path dir;

	ApplicationContextRunner contextRunner() {
		return new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(LiteFsNodeAutoConfiguration.class, LiteFsActuatorAutoConfiguration.class))
			.withPropertyValues("litefs.mount-dir=" + this.dir, "litefs.hostname=node-b",
					"litefs.api-url=http://127.0.0.1:1", "management.endpoints.web.exposure.include=litefs");
	}

	ApplicationContextRunner withMeterRegistry() {
		return contextRunner().withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
				CompositeMeterRegistryAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class));
	}

	@Test
	void withActuatorAndMicrometerEveryPartIsConfigured() {
		withMeterRegistry().run((context) -> {
			assertThat(context).hasSingleBean(LiteFsEndpoint.class)
				.hasSingleBean(LiteFsInfoContributor.class)
				.hasSingleBean(LiteFsMetrics.class)
				.hasSingleBean(LiteFsReadinessGroupPostProcessor.class);
			assertThat(context).getBean("litefsHealthIndicator").isInstanceOf(LiteFsHealthIndicator.class);
		});
	}

	@Test
	void theMetricsAreBoundToTheMeterRegistry() {
		withMeterRegistry().run((context) -> {
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.get("litefs.txid").gauge().value()).isZero();
			assertThat(registry.get("litefs.primary").gauge().value()).isEqualTo(1);
			assertThat(registry.get("litefs.lag").timeGauge().value()).isZero();
			assertThat(registry.get("litefs.role.changes").counters()).hasSize(4);
		});
	}

	@Test
	void theMaximumLagReachesTheHealthIndicator() {
		FakeLiteFsMount.replicaOf(this.dir, "node-a").lag(Duration.ofSeconds(20));
		contextRunner().withPropertyValues("litefs.health.max-lag=1m").run((context) -> {
			HealthIndicator health = context.getBean("litefsHealthIndicator", HealthIndicator.class);
			assertThat(health.health().getStatus().getCode()).isEqualTo("UP");
		});
	}

	@Test
	void theMaximumLagIsTenSecondsByDefaultAsInLiteFsProxy() {
		assertThat(new LiteFsHealthProperties().getMaxLag()).isEqualTo(Duration.ofSeconds(10));
	}

	@Test
	void aMaximumLagBelowOneMillisecondStopsStartupNamingTheProperty() {
		contextRunner().withPropertyValues("litefs.health.max-lag=0s")
			.run((context) -> assertThat(ExceptionText.of(context.getStartupFailure()))
				.contains("Property litefs.health.max-lag with value 'PT0S' is invalid: must be at least 1ms"));
	}

	@Nested
	class BacksOff {

		@Test
		void withoutActuatorOnlyTheMetricsAreRegistered() {
			withMeterRegistry()
				.withClassLoader(new FilteredClassLoader(Endpoint.class, HealthIndicator.class, InfoContributor.class))
				.run((context) -> assertThat(context).hasSingleBean(LiteFsMetrics.class)
					.doesNotHaveBean(LiteFsEndpoint.class)
					.doesNotHaveBean(LiteFsHealthIndicator.class)
					.doesNotHaveBean(LiteFsReadinessGroupPostProcessor.class)
					.doesNotHaveBean(LiteFsInfoContributor.class));
		}

		@Test
		void withoutMicrometerEverythingButTheMetricsIsRegistered() {
			contextRunner().withClassLoader(new FilteredClassLoader(MeterBinder.class))
				.run((context) -> assertThat(context).doesNotHaveBean(LiteFsMetrics.class)
					.hasSingleBean(LiteFsEndpoint.class)
					.hasSingleBean(LiteFsHealthIndicator.class)
					.hasSingleBean(LiteFsInfoContributor.class));
		}

		@Test
		void withoutAMeterRegistryThereAreNoMetrics() {
			contextRunner().run((context) -> assertThat(context).doesNotHaveBean(LiteFsMetrics.class));
		}

		@Test
		void whenLiteFsIsDisabled() {
			new ApplicationContextRunner()
				.withConfiguration(
						AutoConfigurations.of(LiteFsNodeAutoConfiguration.class, LiteFsActuatorAutoConfiguration.class))
				.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
				.withPropertyValues("litefs.enabled=false", "management.endpoints.web.exposure.include=litefs")
				.run((context) -> assertThat(context).hasNotFailed()
					.doesNotHaveBean(LiteFsNode.class)
					.doesNotHaveBean(LiteFsEndpoint.class)
					.doesNotHaveBean(LiteFsHealthIndicator.class)
					.doesNotHaveBean(LiteFsInfoContributor.class)
					.doesNotHaveBean(LiteFsMetrics.class));
		}

		@Test
		void whenTheHealthIndicatorIsDisabled() {
			contextRunner().withPropertyValues("management.health.litefs.enabled=false")
				.run((context) -> assertThat(context).doesNotHaveBean(LiteFsHealthIndicator.class)
					.doesNotHaveBean(LiteFsReadinessGroupPostProcessor.class)
					.hasSingleBean(LiteFsEndpoint.class));
		}

		@Test
		void whenTheInfoContributorIsDisabled() {
			contextRunner().withPropertyValues("management.info.litefs.enabled=false")
				.run((context) -> assertThat(context).doesNotHaveBean(LiteFsInfoContributor.class)
					.hasSingleBean(LiteFsEndpoint.class));
		}

		@Test
		void whenTheEndpointIsNotExposed() {
			contextRunner().withPropertyValues("management.endpoints.web.exposure.include=health")
				.run((context) -> assertThat(context).doesNotHaveBean(LiteFsEndpoint.class)
					.hasSingleBean(LiteFsHealthIndicator.class));
		}

		@Test
		void whenTheEndpointIsNotAccessible() {
			contextRunner().withPropertyValues("management.endpoint.litefs.access=NONE")
				.run((context) -> assertThat(context).doesNotHaveBean(LiteFsEndpoint.class));
		}

		@Test
		void fromTheApplicationsOwnBeans() {
			withMeterRegistry().withUserConfiguration(OwnBeans.class).run((context) -> {
				assertThat(context).getBean("litefsHealthIndicator").isSameAs(OwnBeans.HEALTH);
				assertThat(context).doesNotHaveBean(LiteFsHealthIndicator.class);
				assertThat(context).getBean(LiteFsEndpoint.class).isSameAs(context.getBean("ownEndpoint"));
				// replaced by name, as their types are the starter's own
				assertThat(context).getBean(LiteFsInfoContributor.class)
					.isSameAs(context.getBean("liteFsInfoContributor"));
				assertThat(context).getBean(LiteFsMetrics.class).isSameAs(context.getBean("liteFsMetrics"));
			});
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnBeans {

		static final HealthIndicator HEALTH = () -> Health.up().build();

		@Bean
		HealthIndicator litefsHealthIndicator() {
			return HEALTH;
		}

		@Bean
		LiteFsEndpoint ownEndpoint(LiteFsNode node) {
			return new LiteFsEndpoint(node, List.of());
		}

		@Bean
		LiteFsInfoContributor liteFsInfoContributor(LiteFsNode node) {
			return new LiteFsInfoContributor(node);
		}

		@Bean
		LiteFsMetrics liteFsMetrics(LiteFsNode node) {
			return new LiteFsMetrics(node);
		}

	}

}
