package dev.litefs.spring.consistency.autoconfigure;

import java.nio.file.Path;
import java.util.EnumSet;

import dev.litefs.spring.node.autoconfigure.LiteFsNodeAutoConfiguration;
import dev.litefs.spring.routing.autoconfigure.LiteFsRoutingAutoConfiguration;
import dev.litefs.spring.routing.PrimaryRouter;
import dev.litefs.spring.testapp.ExceptionText;
import dev.litefs.spring.consistency.ConsistencyFilter;
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

	private static final AutoConfigurations configurations = AutoConfigurations.of(LiteFsNodeAutoConfiguration.class,
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
			assertThat(context).hasSingleBean(ConsistencyFilter.class);
			assertThat(context.getBean(ConsistencyFilter.class).settings().readYourWrites()).isTrue();
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

	/** Read-your-writes off: no wait, and a filter that only confirms writes (WriteConfirmationTests). */
	@Test
	void keepsOnlyTheWriteConfirmationWhenDisabled() {
		webContextRunner().withPropertyValues("litefs.consistency.enabled=false").run((context) -> {
			assertThat(context).hasSingleBean(ConsistencyFilter.class).hasSingleBean(PrimaryRouter.class);
			assertThat(context.getBean(ConsistencyFilter.class).settings().readYourWrites()).isFalse();
		});
	}

	@Test
	void backsOffWhenLiteFsIsDisabled() {
		webContextRunner().withPropertyValues("litefs.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(ConsistencyFilter.class));
	}

	@Test
	void backsOffWithoutSpringMvc() {
		webContextRunner().withClassLoader(new FilteredClassLoader(DispatcherServlet.class))
			.run((context) -> assertThat(context).doesNotHaveBean(ConsistencyFilter.class));
	}

	@Test
	void backsOffOutsideAWebApplication() {
		new ApplicationContextRunner().withConfiguration(configurations)
			.withPropertyValues("litefs.mount-dir=" + this.dir, "litefs.api-url=http://localhost:1")
			.run((context) -> assertThat(context).doesNotHaveBean(ConsistencyFilter.class));
	}

	@Test
	void waitsWithoutActuator() {
		webContextRunner().withClassLoader(new FilteredClassLoader("org.springframework.boot.actuate"))
			.run((context) -> assertThat(context.getBean(ConsistencyFilter.class).settings().readYourWrites()).isTrue());
	}

	@Test
	void waitsWithoutMicrometerMetrics() {
		webContextRunner().withClassLoader(new FilteredClassLoader(MeterRegistry.class))
			.run((context) -> assertThat(context.getBean(ConsistencyFilter.class).settings().readYourWrites()).isTrue());
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', textBlock = """
			litefs.consistency.timeout=-1s           | Property litefs.consistency.timeout with value 'PT-1S' is invalid: must not be negative
			litefs.consistency.timeout=1h            | Property litefs.consistency.timeout with value 'PT1H' is invalid: must be less than 10 minutes
			litefs.consistency.on-timeout=sometimes  | litefs.consistency.on-timeout
			litefs.consistency.cookie-max-age=0s     | Property litefs.consistency.cookie-max-age with value 'PT0S' is invalid: must be at least 1s
			litefs.consistency.exclude=static/**     | Property litefs.consistency.exclude with value '[static/**]' is invalid: 'static/**' is not a valid path pattern: it must start with '/'
			litefs.wait-poll-interval=10us    | Property litefs.wait-poll-interval with value 'PT0.00001S' is invalid: must be at least 100us
			litefs.wait-poll-interval=2s      | Property litefs.wait-poll-interval with value 'PT2S' is invalid: must be at most 1s
			""")
	void invalidPropertiesFailTheStartupNamingTheProperty(String property, String message) {
		webContextRunner().withPropertyValues(property).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(ExceptionText.of(context.getStartupFailure())).contains(message);
		});
	}

}
