package dev.litefs.spring.etag.autoconfigure;

import java.nio.file.Path;
import java.util.List;

import dev.litefs.spring.consistency.autoconfigure.LiteFsConsistencyAutoConfiguration;
import dev.litefs.spring.etag.TxidETag;
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
import org.springframework.boot.webmvc.autoconfigure.DispatcherServletAutoConfiguration;
import org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration;
import org.springframework.context.ApplicationContext;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.DispatcherServlet;
import org.springframework.web.servlet.HandlerExecutionChain;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

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

	@Test
	void theInterceptorRunsOnlyWhenAHandlerIsMarkedOrAPathIsConfigured() {
		WebApplicationContextRunner mvc = webContextRunner().withConfiguration(AutoConfigurations
			.of(DispatcherServletAutoConfiguration.class, WebMvcAutoConfiguration.class));
		mvc.withUserConfiguration(PlainController.class)
			.run((context) -> assertThat(interceptorsOf(context, "/plain")).as("nothing uses it")
				.noneMatch(TxidETagInterceptor.class::isInstance));
		mvc.withUserConfiguration(PlainController.class, MarkedController.class)
			.run((context) -> assertThat(interceptorsOf(context, "/plain")).as("a marked handler")
				.anyMatch(TxidETagInterceptor.class::isInstance));
		mvc.withUserConfiguration(PlainController.class)
			.withPropertyValues("litefs.etag.paths=/plain")
			.run((context) -> assertThat(interceptorsOf(context, "/plain")).as("a path")
				.anyMatch(TxidETagInterceptor.class::isInstance));
	}

	private static List<HandlerInterceptor> interceptorsOf(ApplicationContext context, String path) throws Exception {
		HandlerExecutionChain chain = context.getBean("requestMappingHandlerMapping", RequestMappingHandlerMapping.class)
			.getHandler(new MockHttpServletRequest("GET", path));
		assertThat(chain).isNotNull();
		return chain.getInterceptorList();
	}

	@RestController
	static class PlainController {

		@GetMapping("/plain")
		String plain() {
			return "plain";
		}

	}

	@RestController
	static class MarkedController {

		@TxidETag
		@GetMapping("/marked")
		String marked() {
			return "marked";
		}

	}

}
