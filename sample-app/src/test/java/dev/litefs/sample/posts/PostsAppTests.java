package dev.litefs.sample.posts;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.MediaType;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.client.RestTestClient;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.util.HtmlUtils;

/**
 * The sample app started whole, on a fake LiteFS mount of the subclass's choosing, and
 * reached both through MockMvc and over HTTP on a random port: each scenario runs once
 * {@link Via each way}. The context is closed after the class, with its mount.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "litefs.api-url=")
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
