package dev.litefs.spring.routing;

import java.nio.file.Path;

import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration;
import org.springframework.boot.liquibase.autoconfigure.LiquibaseAutoConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * An unusable URL template fails start-up with Spring Boot's failure report, written by
 * the starter's analyzer: the value, what is wrong with it, and what a usable one looks
 * like. Each template is checked whichever routing strategy is in use.
 */
@ExtendWith(OutputCaptureExtension.class)
class UnusableUrlTemplateFailureAnalyzerTests {

	@TempDir
	Path dir;

	@ParameterizedTest
	@CsvSource(delimiter = '|', textBlock = """
			forward  | ftp://{primary}            | it must start with http:// or https://
			forward  | http://node-a:8080         | it must contain {primary}, the primary's hostname
			redirect | http://{primary}:{port}/app | it must hold only a scheme, a host and a port
			redirect | http://{primary}:99999      | it has port 99999, outside 1 to 65535
			""")
	void anUnusableTemplateSaysWhatIsWrongAndWhatAUsableOneLooksLike(String strategy, String template,
			String problem, CapturedOutput output) {
		String property = "litefs.routing." + strategy + ".url-template";
		assertThatThrownBy(() -> application().properties(property + "=" + template).run()).rootCause()
			.isInstanceOf(UnusableUrlTemplateException.class);
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains(property + " is '" + template + "', which is not a usable URL template: " + problem)
			.contains("Set " + property + " to the primary's URL with only a scheme (http or https), a host and, "
					+ "if needed, a port (1 to 65535)")
			.contains("- {primary}, the primary's LiteFS hostname (required")
			.contains("- {port}, this server's port.")
			.contains("For example http://{primary}:{port} (the default)")
			.doesNotContain("Review the configuration property");
	}

	private SpringApplicationBuilder application() {
		// the strategy is forward: an unusable redirect template fails start-up too
		return new SpringApplicationBuilder(AutoConfiguredApplication.class).web(WebApplicationType.SERVLET)
			.properties("spring.main.banner-mode=off", "server.port=0", "litefs.mount-dir=" + this.dir,
					"litefs.hostname=node-a", "litefs.api-url=http://127.0.0.1:1", "litefs.routing.strategy=forward");
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration(exclude = { LiquibaseAutoConfiguration.class, HibernateJpaAutoConfiguration.class }) // on this module's test classpath
	static class AutoConfiguredApplication {

	}

}
