package dev.litefs.spring.routing;

import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import dev.litefs.spring.internal.ProblemResponses;
import dev.litefs.spring.test.FakeLiteFsMount;
import dev.litefs.spring.testapp.TestNode;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.MediaType;
import org.springframework.web.servlet.View;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.request;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * The starter's own answers negotiated as Spring MVC negotiates its problem details: a
 * browser gets the application's error view, with the problem's title and detail in the
 * error attributes; every other client the {@code application/problem+json} answer.
 * Answers written by a filter before Spring MVC ("Not the primary" of a declared write)
 * and by an exception resolver (a database fault) alike.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProblemPageTests {

	/** What Chromium sends for a page. */
	static final String BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,"
			+ "image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7";

	private static final JsonMapper json = new JsonMapper();

	private TestNode replica;

	@BeforeAll
	void startReplica(@TempDir Path dir) {
		this.replica = TestNode.start(List.of(ApplicationErrorView.class),
				FakeLiteFsMount.replicaOf(dir.resolve("node-b"), "node-a"), "node-b", "litefs.routing.strategy=reject",
				"litefs.routing.retry-after=3s");
	}

	@AfterAll
	void stopReplica() {
		this.replica.close();
	}

	@Test
	void aBrowserRefusedByTheRoutingFilterGetsTheApplicationsErrorPage() {
		HttpResponse<String> page = this.replica.send(this.replica.request("/forms")
			.header("Accept", BROWSER_ACCEPT)
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(BodyPublishers.ofString("title=hello")));
		assertThat(page.statusCode()).isEqualTo(503);
		assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(
				(type) -> assertThat(MediaType.parseMediaType(type).isCompatibleWith(MediaType.TEXT_HTML)).isTrue());
		assertThat(page.headers().firstValue("Retry-After")).hasValue("3");
		assertThat(page.body()).contains("<h1>503 Service Unavailable</h1>")
			.contains("<h2>Not the primary</h2>")
			.contains("node-a")
			.contains("path /forms");
		assertThat(this.replica.calls().of("form")).isZero();
	}

	@Test
	void aBrowserWhoseRequestAnExceptionResolverAnswersGetsTheApplicationsErrorPage() {
		HttpResponse<String> page = this.replica.send(this.replica.request("/posts/sqlite-error?code=SQLITE_BUSY")
			.header("Accept", BROWSER_ACCEPT)
			.POST(BodyPublishers.noBody()));
		assertThat(page.statusCode()).isEqualTo(503);
		assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(
				(type) -> assertThat(type).startsWith("text/html"));
		assertThat(page.headers().firstValue("Retry-After")).hasValue("3");
		assertThat(page.body()).contains("<h2>Database fault</h2>").contains("It is safe to retry.");
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "*/*", "application/json", "application/problem+json",
			"text/html;q=0.5, application/json", "application/json, text/html", "text/*;q=0.9, */*",
			"not a media type" })
	void everyOtherClientGetsTheProblemDetail(String accept) {
		var request = this.replica.request("/forms")
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(BodyPublishers.ofString("title=hello"));
		if (!accept.isEmpty()) {
			request.header("Accept", accept);
		}
		HttpResponse<String> answer = this.replica.send(request);
		assertThat(answer.statusCode()).isEqualTo(503);
		assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/problem+json");
		assertThat(answer.headers().firstValue("Retry-After")).hasValue("3");
		JsonNode problem = json.readTree(answer.body());
		assertThat(problem.get("title").asString()).isEqualTo("Not the primary");
		assertThat(problem.get("instance").asString()).isEqualTo("/forms");
	}

	@ParameterizedTest
	@ValueSource(strings = { "text/html", "text/html, application/json", "application/json;q=0.5, text/html" })
	void htmlPreferredToJsonIsAPage(String accept) throws Exception {
		this.replica.mockMvc()
			.perform(post("/forms").contentType(MediaType.APPLICATION_FORM_URLENCODED)
				.param("title", "hello")
				.header("Accept", accept))
			.andExpect(status().isServiceUnavailable())
			.andExpect((result) -> assertThat(result.getResponse().getErrorMessage()).contains("must be sent to the primary, node-a"))
			.andExpect(request().attribute(ProblemResponses.PROBLEM_ATTRIBUTE,
					org.hamcrest.Matchers.hasProperty("title", org.hamcrest.Matchers.is("Not the primary"))));
	}

	/** The application's own error view: what Boot's {@code BasicErrorController} renders for a browser. */
	@Configuration(proxyBeanMethods = false)
	static class ApplicationErrorView {

		@Bean
		View error() {
			return new View() {

				@Override
				public String getContentType() {
					return "text/html";
				}

				@Override
				public void render(Map<String, ?> model, HttpServletRequest request, HttpServletResponse response)
						throws Exception {
					response.setContentType("text/html;charset=UTF-8");
					response.getOutputStream()
						.write(("<h1>" + model.get("status") + " " + model.get("error") + "</h1><h2>" + model.get("title")
								+ "</h2><p>" + model.get("detail") + "</p><p>path " + model.get("path") + "</p>")
							.getBytes(StandardCharsets.UTF_8));
				}

			};
		}

	}

}
