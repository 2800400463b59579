package dev.litefs.sample.posts;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.client.RestTestClient;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.util.HtmlUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample app started whole, on a fake LiteFS mount of the subclass's choosing
 * ({@code @AutoConfigureLiteFs}), and
 * reached both through MockMvc and over HTTP on a random port: each scenario runs once
 * {@link Via each way}. The scenarios here hold on any node; the context is closed after
 * the class, with its mount.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@AutoConfigureMockMvc
@DirtiesContext
abstract class PostsAppTests {

	/** How a scenario reaches the application. */
	enum Via {

		/** Through MockMvc, inside the JVM. */
		MOCK_MVC,

		/** Over HTTP to the embedded server, which does not follow redirects. */
		HTTP

	}

	@Autowired
	private MockMvc mockMvc;

	@LocalServerPort
	private int port;

	@ParameterizedTest
	@EnumSource
	void apiAnswersAnUnknownIdWithNotFound(Via via) {
		expectProblem(client(via).get().uri("/api/posts/999").exchange(), HttpStatus.NOT_FOUND)
			.jsonPath("$.detail").isEqualTo("No post has ID 999.")
			.jsonPath("$.instance").isEqualTo("/api/posts/999");
	}

	@ParameterizedTest
	@EnumSource
	void apiAnswersAnIdThatIsNoNumberWithBadRequest(Via via) {
		expectProblem(client(via).get().uri("/api/posts/first").exchange(), HttpStatus.BAD_REQUEST)
			.jsonPath("$.detail").value((String detail) -> assertThat(detail).contains("'id'").contains("'first'"));
	}

	@ParameterizedTest
	@EnumSource
	void healthIsUp(Via via) {
		client(via).get().uri("/actuator/health").exchange().expectBody().jsonPath("$.status").isEqualTo("UP");
	}

	@ParameterizedTest
	@ValueSource(strings = { "/actuator/info", "/actuator/metrics" })
	void actuatorAnswers(String path) {
		client(Via.HTTP).get().uri(path).exchange().expectStatus().isOk();
	}

	RestTestClient client(Via via) {
		return switch (via) {
			case MOCK_MVC -> RestTestClient.bindTo(this.mockMvc).build();
			case HTTP -> RestTestClient.bindToServer(new JdkClientHttpRequestFactory())
				.baseUrl("http://localhost:" + this.port)
				.build();
		};
	}

	/** GET / and expect a page. */
	String page(Via via) {
		return client(via).get()
			.uri("/")
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.contentTypeCompatibleWith(MediaType.TEXT_HTML)
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();
	}

	/** Expect an RFC 9457 problem detail with this status. */
	static RestTestClient.BodyContentSpec expectProblem(RestTestClient.ResponseSpec response, HttpStatus status) {
		return response.expectStatus()
			.isEqualTo(status)
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.status")
			.isEqualTo(status.value());
	}

	static MultiValueMap<String, String> form(String title, String body) {
		MultiValueMap<String, String> form = new LinkedMultiValueMap<>();
		form.add("title", title);
		form.add("body", body);
		return form;
	}

	/** The text of every element of the page carrying the given CSS class, unescaped. */
	static List<String> texts(String html, String cssClass) {
		Matcher matcher = Pattern
			.compile("class=\"(?:[^\"]* )?" + Pattern.quote(cssClass) + "(?: [^\"]*)?\"[^>]*>([^<]*)<")
			.matcher(html);
		List<String> texts = new ArrayList<>();
		while (matcher.find()) {
			texts.add(HtmlUtils.htmlUnescape(matcher.group(1)));
		}
		return texts;
	}

	/** The titles of the posts on the page, top to bottom. */
	static List<String> titles(String html) {
		Matcher matcher = Pattern.compile("<article class=\"post\"[^>]*>\\s*<h2>([^<]*)</h2>").matcher(html);
		List<String> titles = new ArrayList<>();
		while (matcher.find()) {
			titles.add(HtmlUtils.htmlUnescape(matcher.group(1)));
		}
		return titles;
	}

}
