package dev.litefs.spring.session.autoconfigure;

import java.nio.file.Path;

import dev.litefs.spring.halt.autoconfigure.LiteFsHaltAutoConfiguration;
import dev.litefs.spring.node.autoconfigure.LiteFsNodeAutoConfiguration;
import dev.litefs.spring.session.ContainerSessionsWarning;
import dev.litefs.spring.session.LiteFsSessionRepository;
import dev.litefs.spring.session.SessionWriteFilter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.session.autoconfigure.SessionAutoConfiguration;
import org.springframework.boot.session.jdbc.autoconfigure.JdbcSessionAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.session.SessionRepository;
import org.springframework.session.jdbc.JdbcIndexedSessionRepository;
import org.springframework.session.web.http.SessionRepositoryFilter;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What {@link LiteFsSessionAutoConfiguration} configures; the sessions themselves are
 * proved on real LiteFS by {@code RealSessionsTests}.
 */
class LiteFsSessionAutoConfigurationTests {

	@TempDir
	Path dir;

	WebApplicationContextRunner contextRunner() {
		return new WebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(LiteFsNodeAutoConfiguration.class, LiteFsHaltAutoConfiguration.class,
					DataSourceAutoConfiguration.class, DataSourceTransactionManagerAutoConfiguration.class,
					JdbcSessionAutoConfiguration.class,
					SessionAutoConfiguration.class, LiteFsSessionAutoConfiguration.class))
			.withPropertyValues("litefs.mount-dir=" + this.dir, "litefs.api-url=http://localhost:1",
					"spring.session.jdbc.initialize-schema=never", "spring.datasource.url=jdbc:sqlite:" + this.dir.resolve("app.db"));
	}

	@Test
	void wrapsSpringSessionJdbcAndWritesJustOutsideItsFilter() {
		contextRunner().run((context) -> {
			assertThat(context).hasSingleBean(LiteFsSessionRepository.class)
				.hasSingleBean(JdbcIndexedSessionRepository.class)
				.doesNotHaveBean(ContainerSessionsWarning.class);
			assertThat(context.getBean(SessionRepository.class)).isInstanceOf(LiteFsSessionRepository.class);
			FilterRegistrationBean<?> writes = context.getBean("liteFsSessionWriteFilter", FilterRegistrationBean.class);
			assertThat(writes.getFilter()).isInstanceOf(SessionWriteFilter.class);
			assertThat(writes.getOrder()).isEqualTo(SessionRepositoryFilter.DEFAULT_ORDER - 1);
		});
	}

	@Test
	void leavesSpringSessionAloneWhenDisabled() {
		contextRunner().withPropertyValues("litefs.session.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(LiteFsSessionRepository.class)
				.hasSingleBean(JdbcIndexedSessionRepository.class));
	}

	@Test
	void warnsOfContainerSessionsWithoutSpringSession() {
		contextRunner().withClassLoader(new FilteredClassLoader("org.springframework.session"))
			.run((context) -> assertThat(context).hasSingleBean(ContainerSessionsWarning.class)
				.doesNotHaveBean(LiteFsSessionRepository.class));
	}

	@Test
	void failsStartUpOnATooShortLastAccessInterval() {
		contextRunner().withPropertyValues("litefs.session.last-access-interval=10ms")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("litefs.session.last-access-interval")
				.hasMessageContaining("must be at least 100ms"));
	}

}
