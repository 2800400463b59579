package dev.litefs.spring.consistency;

import java.nio.file.Path;
import java.util.EnumSet;

import dev.litefs.spring.actuate.ConsistencyEndpointContributor;
import dev.litefs.spring.autoconfigure.LiteFsAutoConfiguration;
import dev.litefs.spring.routing.LiteFsRoutingAutoConfiguration;
import dev.litefs.spring.routing.PrimaryRouter;
import dev.litefs.spring.testapp.ExceptionText;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.DispatcherType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.DelegatingFilterProxyRegistrationBean;
import org.springframework.web.servlet.DispatcherServlet;

import static org.assertj.core.api.Assertions.assertThat;

class LiteFsConsistencyAutoConfigurationTests {

	private static final AutoConfigurations configurations = AutoConfigurations.of(LiteFsAutoConfiguration.class,
			LiteFsRoutingAutoConfiguration.class, LiteFsConsistencyAutoConfiguration.class);

	@TempDir
	Path dir;

	WebApplicationContextRunner webContextRunner() {
		return new WebApplicationContextRunner().withConfiguration(configurations)
			.withPropertyValues("litefs.mount-dir=" + this.dir, "litefs.api-url=http://localhost:1");
	}

	@Test
	void waitsAndSetsTheCookieInAServletApplication() {
		webContextRunner().run((context) -> {
			assertThat(context).hasSingleBean(PositionWatcher.class)
				.hasSingleBean(ConsistencyFilter.class);
			DelegatingFilterProxyRegistrationBean registration = context.getBean("consistencyFilterRegistration",
					DelegatingFilterProxyRegistrationBean.class);
			assertThat(registration.isAsyncSupported()).isTrue();
			assertThat(registration.determineDispatcherTypes())
				.isEqualTo(EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC));
			DelegatingFilterProxyRegistrationBean routing = context.getBean("primaryRoutingFilterRegistration",
					DelegatingFilterProxyRegistrationBean.class);
			assertThat(registration.getOrder()).isGreaterThan(routing.getOrder());
		});
	}

	@Test
	void backsOffWhenDisabled() {
		webContextRunner().withPropertyValues("litefs.consistency.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(PositionWatcher.class)
				.doesNotHaveBean(ConsistencyFilter.class)
				.hasSingleBean(PrimaryRouter.class));
	}

	@Test
	void backsOffWhenLiteFsIsDisabled() {
		webContextRunner().withPropertyValues("litefs.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(PositionWatcher.class)
				.doesNotHaveBean(ConsistencyFilter.class));
	}

	@Test
	void backsOffWithoutSpringMvc() {
		webContextRunner().withClassLoader(new FilteredClassLoader(DispatcherServlet.class))
			.run((context) -> assertThat(context).doesNotHaveBean(PositionWatcher.class));
	}

	@Test
	void backsOffOutsideAWebApplication() {
		new ApplicationContextRunner().withConfiguration(configurations)
			.withPropertyValues("litefs.mount-dir=" + this.dir, "litefs.api-url=http://localhost:1")
			.run((context) -> assertThat(context).doesNotHaveBean(PositionWatcher.class));
	}

	@Test
	void describesItselfInTheLiteFsEndpointWithActuatorOnly() {
		webContextRunner().run((context) -> assertThat(context).hasSingleBean(ConsistencyEndpointContributor.class));
		webContextRunner().withClassLoader(new FilteredClassLoader("org.springframework.boot.actuate"))
			.run((context) -> assertThat(context).hasSingleBean(PositionWatcher.class)
				.doesNotHaveBean(ConsistencyEndpointContributor.class));
	}

	@Test
	void waitsWithoutMicrometerMetrics() {
		webContextRunner().withClassLoader(new FilteredClassLoader(MeterRegistry.class))
			.run((context) -> assertThat(context).hasSingleBean(PositionWatcher.class));
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', textBlock = """
			litefs.consistency.timeout=-1s           | litefs.consistency.timeout must not be negative
			litefs.consistency.timeout=1h            | litefs.consistency.timeout must be less than 10 minutes
			litefs.consistency.on-timeout=sometimes  | litefs.consistency.on-timeout
			litefs.consistency.cookie-max-age=0s     | litefs.consistency.cookie-max-age must be at least 1s
			litefs.consistency.exclude=static/**     | litefs.consistency.exclude holds an invalid path pattern
			litefs.consistency.poll-interval=10us    | litefs.consistency.poll-interval must be at least 100us
			litefs.consistency.poll-interval=2s      | litefs.consistency.poll-interval must be at most 1s
			""")
	void invalidPropertiesFailTheStartupNamingTheProperty(String property, String message) {
		webContextRunner().withPropertyValues(property).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(ExceptionText.of(context.getStartupFailure())).contains(message);
		});
	}

}
