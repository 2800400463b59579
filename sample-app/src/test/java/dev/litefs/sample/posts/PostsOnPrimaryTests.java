package dev.litefs.sample.posts;

import java.util.Map;

import dev.litefs.sample.DemoUser;
import dev.litefs.spring.test.autoconfigure.AutoConfigureLiteFs;
import dev.litefs.spring.test.autoconfigure.AutoConfigureLiteFs.Role;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.util.MultiValueMap;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.client.RestTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every endpoint and error case on the primary, where writes happen: LiteFS's files
 * say primary, and the database is a real SQLite file in the fake mount.
 */
@AutoConfigureLiteFs(role = Role.PRIMARY, hostname = "node-a", txid = 7)
class PostsOnPrimaryTests extends PostsAppTests {

	@Autowired
	private PostRepository posts;

	@Autowired
	private JdbcClient jdbc;

	@BeforeEach
	void noPosts() {
		this.jdbc.sql("DELETE FROM posts").update();
	}

	@ParameterizedTest
	@EnumSource
	void pageListsPostsNewestFirstAndNamesThePrimaryInItsFooter(Via via) {
		this.posts.create(new NewPost("Older", "first"), "node-a");
		this.posts.create(new NewPost("Newer", "second"), "node-a");

		String page = page(via);

		assertThat(titles(page)).containsExactly("Newer", "Older");
		assertThat(texts(page, "body")).containsExactly("second", "first");
		assertThat(texts(page, "host")).containsExactly("node-a", "node-a");
		assertThat(texts(page, "hostname")).containsExactly("node-a");
		assertThat(texts(page, "role")).containsExactly("primary");
		assertThat(texts(page, "txid")).containsExactly("0000000000000007");
		assertThat(page).doesNotContain("class=\"primary\"");
	}

	@ParameterizedTest
	@EnumSource
	void pageWithoutPostsInvitesTheFirstOne(Via via) {
		String page = page(via);

		assertThat(titles(page)).isEmpty();
		assertThat(texts(page, "empty")).containsExactly("No posts yet. Write the first one.");
		assertThat(page).doesNotContain("action=\"/posts\"").contains("Sign in to write a post");
	}

	@ParameterizedTest
	@EnumSource
	void pageServesItsStylesheetFromTheApp(Via via) {
		assertThat(page(via)).contains("href=\"/style.css\"").doesNotContain("http://").doesNotContain("https://");
		client(via).get()
			.uri("/style.css")
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.contentTypeCompatibleWith("text/css");
	}

	@ParameterizedTest
	@EnumSource
	void formWritesThePostAndRedirectsToThePage(Via via) {
		SignedIn.demo(client(via)).postForm(client(via), form("  Hello from the form  ", "Line one\nLine two"))
			.expectStatus()
			.isSeeOther()
			.expectHeader()
			.location("/");

		assertThat(this.posts.findNewestFirst()).singleElement().satisfies((post) -> {
			assertThat(post.title()).isEqualTo("Hello from the form");
			assertThat(post.body()).isEqualTo("Line one\nLine two");
			assertThat(post.hostname()).isEqualTo("node-a");
		});
		String page = page(via);
		assertThat(titles(page)).containsExactly("Hello from the form");
		assertThat(texts(page, "body")).containsExactly("Line one\nLine two");
	}

	@ParameterizedTest
	@EnumSource
	void writesTakeTheDemoUserAndTheFormItsCsrfToken(Via via) {
		client(via).post()
			.uri("/api/posts")
			.contentType(MediaType.APPLICATION_JSON)
			.body("{\"title\": \"anonymous\"}")
			.exchange()
			.expectStatus()
			.isUnauthorized();
		SignedIn demo = SignedIn.demo(client(via));
		new SignedIn(demo.cookie(), "not-the-token").postForm(client(via), form("forged", ""))
			.expectStatus()
			.isForbidden();

		assertThat(this.posts.findNewestFirst()).isEmpty();
	}

	@ParameterizedTest
	@EnumSource
	void formAcceptsTheLongestTitleAndBody(Via via) {
		SignedIn.demo(client(via)).postForm(client(via), form("t".repeat(200), "b".repeat(10_000)))
			.expectStatus()
			.isSeeOther();

		assertThat(this.posts.findNewestFirst()).singleElement().satisfies((post) -> {
			assertThat(post.title()).hasSize(200);
			assertThat(post.body()).hasSize(10_000);
		});
	}

	@ParameterizedTest
	@EnumSource
	void formWithoutTitleIsShownAgainWithTheMessageAndWritesNothing(Via via) {
		String page = postFormExpectingErrors(via, form("   ", "A body worth keeping"));

		assertThat(texts(page, "field-error")).containsExactly("Give the post a title.");
		assertThat(page).contains("A body worth keeping</textarea>");
		assertThat(texts(page, "role")).containsExactly("primary");
		assertThat(this.posts.findNewestFirst()).isEmpty();
	}

	@ParameterizedTest
	@EnumSource
	void formWithTooLongTitleAndBodyNamesBoth(Via via) {
		this.posts.create(new NewPost("Already there", ""), "node-a");

		String page = postFormExpectingErrors(via, form("t".repeat(201), "b".repeat(10_001)));

		assertThat(texts(page, "field-error")).containsExactly("Keep the title to 200 characters or fewer.",
				"Keep the body to 10000 characters or fewer.");
		assertThat(page).contains("value=\"" + "t".repeat(201) + "\"");
		assertThat(titles(page)).containsExactly("Already there");
		assertThat(this.posts.findNewestFirst()).hasSize(1);
	}

	@ParameterizedTest
	@EnumSource
	void formWithNoFieldsAtAllAsksForATitle(Via via) {
		String page = postFormExpectingErrors(via, form(null, null));

		assertThat(texts(page, "field-error")).containsExactly("Give the post a title.");
	}

	@ParameterizedTest
	@EnumSource
	void pageEscapesWhatPeopleWrite(Via via) {
		this.posts.create(new NewPost("<script>alert('t')</script>", "<b>bold</b> & more"), "node-a");

		String page = page(via);

		assertThat(page).doesNotContain("<script>").doesNotContain("<b>bold");
		assertThat(titles(page)).containsExactly("<script>alert('t')</script>");
		assertThat(texts(page, "body")).containsExactly("<b>bold</b> & more");
	}

	@ParameterizedTest
	@EnumSource
	void apiCreatesAPostAndAnswersWithItsLocation(Via via) {
		String location = client(via).post()
			.uri("/api/posts")
			.header(DemoUser.AUTHORIZATION, DemoUser.BASIC)
			.contentType(MediaType.APPLICATION_JSON)
			.body(Map.of("title", "From the API", "body", "JSON body"))
			.exchange()
			.expectStatus()
			.isCreated()
			.expectHeader()
			.contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
			.expectHeader()
			.valueMatches("Location", "/api/posts/\\d+")
			.expectBody()
			.jsonPath("$.title").isEqualTo("From the API")
			.jsonPath("$.body").isEqualTo("JSON body")
			.jsonPath("$.hostname").isEqualTo("node-a")
			.jsonPath("$.createdAt").isNotEmpty()
			.returnResult()
			.getResponseHeaders()
			.getLocation()
			.toString();

		Post stored = this.posts.findNewestFirst().get(0);
		assertThat(location).isEqualTo("/api/posts/" + stored.id());
		client(via).get()
			.uri(location)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.id").isEqualTo(stored.id())
			.jsonPath("$.title").isEqualTo("From the API")
			.jsonPath("$.createdAt").isEqualTo(stored.createdAt().toString());
	}

	@ParameterizedTest
	@EnumSource
	void apiWithoutBodyFieldStoresAnEmptyBody(Via via) {
		client(via).post()
			.uri("/api/posts")
			.header(DemoUser.AUTHORIZATION, DemoUser.BASIC)
			.contentType(MediaType.APPLICATION_JSON)
			.body("{\"title\": \"Only a title\"}")
			.exchange()
			.expectStatus()
			.isCreated()
			.expectBody()
			.jsonPath("$.body").isEqualTo("");
	}

	@ParameterizedTest
	@EnumSource
	void apiListsPostsNewestFirst(Via via) {
		Post older = this.posts.create(new NewPost("Older", ""), "node-a");
		Post newer = this.posts.create(new NewPost("Newer", "text"), "node-a");

		client(via).get()
			.uri("/api/posts")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.length()").isEqualTo(2)
			.jsonPath("$[0].id").isEqualTo(newer.id())
			.jsonPath("$[0].title").isEqualTo("Newer")
			.jsonPath("$[0].body").isEqualTo("text")
			.jsonPath("$[0].hostname").isEqualTo("node-a")
			.jsonPath("$[1].id").isEqualTo(older.id());
	}

	@ParameterizedTest
	@EnumSource
	void apiWithoutPostsListsNone(Via via) {
		client(via).get().uri("/api/posts").exchange().expectStatus().isOk().expectBody().json("[]");
	}

	@ParameterizedTest
	@EnumSource
	void apiNamesEveryInvalidFieldAndWritesNothing(Via via) {
		expectProblem(postJson(via, "{\"title\": \"" + "t".repeat(201) + "\", \"body\": \"" + "b".repeat(10_001) + "\"}"),
				HttpStatus.BAD_REQUEST)
			.jsonPath("$.title").isEqualTo("Invalid post")
			.jsonPath("$.errors.length()").isEqualTo(2)
			.jsonPath("$.errors[?(@.pointer == '#/title')].detail").isEqualTo("Keep the title to 200 characters or fewer.")
			.jsonPath("$.errors[?(@.pointer == '#/body')].detail").isEqualTo("Keep the body to 10000 characters or fewer.");
		assertThat(this.posts.findNewestFirst()).isEmpty();
	}

	@ParameterizedTest
	@EnumSource
	void apiAsksForATitle(Via via) {
		expectProblem(postJson(via, "{\"title\": \"  \", \"body\": \"text\"}"), HttpStatus.BAD_REQUEST)
			.jsonPath("$.detail").isEqualTo("Give the post a title.")
			.jsonPath("$.errors[0].pointer").isEqualTo("#/title")
			.jsonPath("$.errors[0].detail").isEqualTo("Give the post a title.");
	}

	@ParameterizedTest
	@EnumSource
	void apiSaysWhereTheJsonIsMalformed(Via via) {
		expectProblem(postJson(via, "{\"title\": \"x\",}"), HttpStatus.BAD_REQUEST)
			.jsonPath("$.title").isEqualTo("Unreadable post")
			.jsonPath("$.detail").value((String detail) -> assertThat(detail)
				.startsWith("The body is not valid JSON at line 1, column 15"));
	}

	@ParameterizedTest
	@EnumSource
	void apiNamesAFieldOfTheWrongType(Via via) {
		expectProblem(postJson(via, "{\"title\": {\"text\": \"x\"}}"), HttpStatus.BAD_REQUEST)
			.jsonPath("$.detail").value((String detail) -> assertThat(detail)
				.startsWith("'title' must be a JSON string."));
	}

	@ParameterizedTest
	@EnumSource
	void apiRefusesABodyThatIsNoObject(Via via) {
		for (String body : new String[] { "", "null", "[]", "\"a title\"" }) {
			expectProblem(postJson(via, body), HttpStatus.BAD_REQUEST).jsonPath("$.detail")
				.isEqualTo("The body must be a JSON object: {\"title\": \"...\", \"body\": \"...\"}.");
		}
		assertThat(this.posts.findNewestFirst()).isEmpty();
	}

	@ParameterizedTest
	@EnumSource
	void apiRefusesAnotherMediaType(Via via) {
		expectProblem(client(via).post()
			.uri("/api/posts")
			.header(DemoUser.AUTHORIZATION, DemoUser.BASIC)
			.contentType(MediaType.TEXT_PLAIN)
			.body("title=x")
			.exchange(), HttpStatus.UNSUPPORTED_MEDIA_TYPE);
	}

	private String postFormExpectingErrors(Via via, MultiValueMap<String, String> form) {
		return SignedIn.demo(client(via)).postForm(client(via), form)
			.expectStatus()
			.isEqualTo(HttpStatus.UNPROCESSABLE_CONTENT)
			.expectHeader()
			.contentTypeCompatibleWith(MediaType.TEXT_HTML)
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();
	}

	private RestTestClient.ResponseSpec postJson(Via via, String json) {
		return client(via).post().uri("/api/posts")
			.header(DemoUser.AUTHORIZATION, DemoUser.BASIC).contentType(MediaType.APPLICATION_JSON).body(json).exchange();
	}

}
