package dev.litefs.sample.posts;

import java.nio.file.Path;
import java.util.Map;

import dev.litefs.sample.DemoUser;
import dev.litefs.spring.node.LiteFsNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample app with the starter turned off ({@code litefs.enabled=false}), as the
 * benchmarks run it for comparison: no {@link LiteFsNode}, a DataSource configured by
 * hand, Spring Boot's own Flyway, and every endpoint still answering.
 */
class PostsWithoutLiteFsTests extends PostsAppTests {

	@TempDir
	static Path dataDir;

	@DynamicPropertySource
	static void withoutLiteFs(DynamicPropertyRegistry registry) {
		registry.add("litefs.enabled", () -> "false");
		registry.add("spring.datasource.url", () -> "jdbc:sqlite:" + dataDir.resolve("app.db"));
		registry.add("HOSTNAME", () -> "plain-host");
	}

	@Autowired
	private ApplicationContext context;

	@Autowired
	private PostRepository posts;

	@Test
	void runsWithoutANode() {
		assertThat(this.context.getBeanProvider(LiteFsNode.class).getIfAvailable()).isNull();
	}

	@ParameterizedTest
	@EnumSource
	void apiWritesAPostNamedAfterTheHost(Via via) {
		client(via).post()
			.uri("/api/posts")
			.header(DemoUser.AUTHORIZATION, DemoUser.BASIC)
			.contentType(MediaType.APPLICATION_JSON)
			.body(Map.of("title", "Without LiteFS " + via, "body", "still a post"))
			.exchange()
			.expectStatus()
			.isCreated()
			.expectBody()
			.jsonPath("$.hostname")
			.isEqualTo("plain-host");

		assertThat(this.posts.findNewestFirst()).filteredOn((post) -> post.title().equals("Without LiteFS " + via))
			.singleElement()
			.extracting(Post::hostname)
			.isEqualTo("plain-host");
	}

	@ParameterizedTest
	@EnumSource
	void pageFooterNamesTheHostAndSaysLiteFsIsOff(Via via) {
		String page = page(via);

		assertThat(texts(page, "hostname")).containsExactly("plain-host");
		assertThat(texts(page, "role")).containsExactly("off");
		assertThat(texts(page, "txid")).isEmpty();
	}

}
