package dev.litefs.spring.etag.autoconfigure;

import java.nio.file.Path;

import dev.litefs.spring.consistency.autoconfigure.LiteFsConsistencyAutoConfiguration;
import dev.litefs.spring.etag.TxidETagInterceptor;
import dev.litefs.spring.node.autoconfigure.LiteFsNodeAutoConfiguration;
import dev.litefs.spring.testapp.ExceptionText;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.web.servlet.DispatcherServlet;

import static org.assertj.core.api.Assertions.assertThat;

class LiteFsETagAutoConfigurationTests {

	@TempDir
	Path dir;

	WebApplicationContextRunner webContextRunner() {
		return new WebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(LiteFsNodeAutoConfiguration.class,
					LiteFsConsistencyAutoConfiguration.class, LiteFsETagAutoConfiguration.class))
			.withPropertyValues("litefs.mount-dir=" + this.dir, "litefs.api-url=http://localhost:1");
	}

	@Test
	void theInterceptorIsThereOnAServletApplicationOnly() {
		webContextRunner().run((context) -> assertThat(context).hasSingleBean(TxidETagInterceptor.class));
		webContextRunner().withClassLoader(new FilteredClassLoader(DispatcherServlet.class))
			.run((context) -> assertThat(context).doesNotHaveBean(TxidETagInterceptor.class));
		webContextRunner().withPropertyValues("litefs.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(TxidETagInterceptor.class));
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', textBlock = """
			litefs.etag.paths=posts/**   | Property litefs.etag.paths with value '[posts/**]' is invalid: 'posts/**' is not a valid path pattern: it must start with '/'
			litefs.etag.vary=Accept:     | Property litefs.etag.vary with value '[Accept:]' is invalid: 'Accept:' is not an HTTP header name
			""")
	void invalidPropertiesFailTheStartupNamingTheProperty(String property, String message) {
		webContextRunner().withPropertyValues(property).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(ExceptionText.of(context.getStartupFailure())).contains(message);
		});
	}

}
