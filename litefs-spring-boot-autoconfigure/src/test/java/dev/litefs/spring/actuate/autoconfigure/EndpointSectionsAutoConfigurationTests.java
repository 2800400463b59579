package dev.litefs.spring.actuate.autoconfigure;

import java.nio.file.Path;

import dev.litefs.spring.node.autoconfigure.LiteFsNodeAutoConfiguration;
import dev.litefs.spring.consistency.autoconfigure.LiteFsConsistencyAutoConfiguration;
import dev.litefs.spring.routing.autoconfigure.LiteFsRoutingAutoConfiguration;
import dev.litefs.spring.test.FakeLiteFsMount;
import dev.litefs.spring.actuate.LiteFsEndpoint;
import dev.litefs.spring.actuate.LiteFsEndpointContributor;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code litefs} endpoint and its sections are registered from the actuate side, only
 * while the endpoint is available: enabled and exposed.
 */
class EndpointSectionsAutoConfigurationTests {

	private static final String[] SECTIONS = { "routingEndpointContributor", "consistencyEndpointContributor" };

	@TempDir
	Path dir;

	@BeforeEach
	void mount() {
		FakeLiteFsMount.replicaOf(this.dir, "node-a");
	}

	WebApplicationContextRunner contextRunner() {
		return new WebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(LiteFsNodeAutoConfiguration.class, LiteFsRoutingAutoConfiguration.class,
					LiteFsConsistencyAutoConfiguration.class, LiteFsActuatorAutoConfiguration.class))
			.withPropertyValues("litefs.mount-dir=" + this.dir, "litefs.hostname=node-b",
					"litefs.api-url=http://127.0.0.1:1");
	}

	@Test
	void anExposedEndpointHasTheSectionsOfTheConfiguredFeatures() {
		contextRunner().withPropertyValues("management.endpoints.web.exposure.include=litefs").run((context) -> {
			assertThat(context).hasSingleBean(LiteFsEndpoint.class).hasBean(SECTIONS[0]).hasBean(SECTIONS[1]);
			assertThat(context.getBean(LiteFsEndpoint.class).litefs()).containsKeys("routing", "consistency")
				.doesNotContainKey("flyway");
		});
	}

	@Test
	void anEndpointThatIsNotExposedHasNoParts() {
		contextRunner().run((context) -> assertThat(context).hasNotFailed()
			.doesNotHaveBean(LiteFsEndpoint.class)
			.doesNotHaveBean(LiteFsEndpointContributor.class)
			.hasBean("primaryRouter")
			.hasBean("consistencyFilter"));
	}

	@Test
	void anEndpointWithoutAccessHasNoParts() {
		contextRunner()
			.withPropertyValues("management.endpoints.web.exposure.include=litefs",
					"management.endpoint.litefs.access=NONE")
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(LiteFsEndpoint.class)
				.doesNotHaveBean(LiteFsEndpointContributor.class));
	}

	@Test
	void aSectionIsReplacedByABeanOfItsName() {
		LiteFsEndpointContributor own = new LiteFsEndpointContributor() {

			@Override
			public String name() {
				return "routing";
			}

			@Override
			public Object describe() {
				return "mine";
			}

		};
		contextRunner().withPropertyValues("management.endpoints.web.exposure.include=litefs")
			.withBean(SECTIONS[0], LiteFsEndpointContributor.class, () -> own)
			.run((context) -> assertThat(context.getBean(LiteFsEndpoint.class).litefs()).containsEntry("routing",
					"mine"));
	}

}
