package dev.litefs.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

import dev.litefs.spring.routing.RoutingOutcome;
import dev.litefs.spring.test.autoconfigure.ClusterApplication;
import dev.litefs.spring.test.cluster.LiteFsCluster;
import dev.litefs.spring.test.cluster.RealLiteFs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An application written as any Spring application is, moved onto LiteFS as
 * {@code docs/your-existing-app.md} says, on a real two-node cluster (one per class): a
 * primary, and a replica that forwards. Writes through the replica, by form and by JSON,
 * are forwarded once and stored once; a redirect after a form's {@code POST} reads its own
 * write on the replica with the client's cookie; {@code @Transactional(readOnly = true)}
 * reads stay on the replica; a write the application did not declare is caught by the
 * safety net however the data layer wraps SQLite's refusal; a form with errors comes back
 * as the form.
 */
@RealLiteFs
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(OutputCaptureExtension.class)
abstract class NotesOnLiteFsTests {

	private static final JsonMapper json = JsonMapper.builder().build();

	private final Class<?> application;

	private LiteFsCluster cluster;

	private ClusterApplication primary;

	private ClusterApplication replica;

	private HttpClient browser;

	NotesOnLiteFsTests(Class<?> application) {
		this.application = application;
	}

	@BeforeAll
	void startCluster() {
		this.cluster = LiteFsCluster.builder().hostnames("127.0.0.1", "node-b").start();
		this.primary = ClusterApplication.start(this.application, this.cluster.primary());
		this.replica = ClusterApplication.start(this.application, this.cluster.node(1),
				"--litefs.routing.strategy=forward",
				"--litefs.routing.forward.url-template=http://{primary}:" + this.primary.port());
	}

	@AfterAll
	void stopCluster() {
		for (AutoCloseable each : new AutoCloseable[] { this.replica, this.primary, this.cluster }) {
			if (each != null) {
				try {
					each.close();
				}
				catch (Exception ex) {
					throw new IllegalStateException(ex);
				}
			}
		}
	}

	/** A client that keeps cookies, as a browser does, and does not follow redirects. */
	@BeforeEach
	void newClient() {
		this.browser = HttpClient.newBuilder()
			.cookieHandler(new CookieManager(null, CookiePolicy.ACCEPT_ALL))
			.connectTimeout(Duration.ofSeconds(5))
			.build();
		this.primary.recorder().clear();
		this.replica.recorder().clear();
	}

	@Test
	void aJsonWriteThroughTheReplicaIsForwardedOnceAndStoredOnce() {
		String title = unique("json");
		HttpResponse<String> created = send(this.replica, "/api/notes",
				post("application/json", "{\"title\": \"" + title + "\"}"));
		assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
		assertThat(json(created).get("node").asString()).isEqualTo("127.0.0.1");
		assertForwardedOnce("POST", "/api/notes");
		assertThat(countOnPrimary(title)).isEqualTo(1);
	}

	@Test
	void aFormThroughTheReplicaRedirectsToAPageThatReadsItsOwnWriteThere() {
		String title = unique("form");
		HttpResponse<String> posted = send(this.replica, "/notes", form(title));
		assertThat(posted.statusCode()).as(posted.body()).isEqualTo(302);
		String location = posted.headers().firstValue("Location").orElseThrow();
		assertThat(location).doesNotContain(";jsessionid=");
		URI page = this.replica.uri("/").resolve(location);
		assertThat(page.getPort()).isEqualTo(this.replica.port());
		assertForwardedOnce("POST", "/notes");

		HttpResponse<String> read = send(this.replica, page.getRawPath(), HttpRequest.newBuilder().GET());
		assertThat(read.statusCode()).isEqualTo(200);
		assertThat(read.body()).contains("<h1>" + title + "</h1>").contains("Served by <span class=\"node\">node-b</span>");
		assertThat(this.replica.recorder().routed()).hasSize(1);
		assertThat(countOnPrimary(title)).isEqualTo(1);
	}

	@Test
	void readOnlyTransactionsStayOnTheReplica() {
		HttpResponse<String> list = send(this.replica, "/api/notes", HttpRequest.newBuilder().GET());
		assertThat(list.statusCode()).isEqualTo(200);
		JsonNode answer = json(list);
		assertThat(answer.get("node").asString()).isEqualTo("node-b");
		JsonNode welcome = answer.get("notes").get(answer.get("notes").size() - 1);
		assertThat(welcome.get("title").asString()).isEqualTo("Welcome");
		// written by SQLite's current_timestamp, read back as a date
		assertThat(LocalDateTime.parse(welcome.get("createdAt").asString()))
			.isBetween(LocalDateTime.now(ZoneOffset.UTC).minusHours(1), LocalDateTime.now(ZoneOffset.UTC).plusMinutes(1));
		HttpResponse<String> page = send(this.replica, "/notes", HttpRequest.newBuilder().GET());
		assertThat(page.body()).contains("Welcome").contains("Served by <span class=\"node\">node-b</span>");
		assertThat(this.replica.recorder().routed()).isEmpty();
	}

	@Test
	void aWriteTheApplicationDidNotDeclareIsCaughtByTheSafetyNet(CapturedOutput output) {
		String title = unique("viewed");
		long id = json(send(this.primary, "/api/notes", post("application/json", "{\"title\": \"" + title + "\"}")))
			.get("id")
			.asLong();
		this.cluster.awaitReplicated("app.db", Duration.ofSeconds(10));
		String path = "/api/notes/" + id + "/views";
		for (int view = 1; view <= 2; view++) {
			HttpResponse<String> counted = send(this.replica, path, HttpRequest.newBuilder().GET());
			assertThat(counted.statusCode()).as(counted.body()).isEqualTo(200);
			assertThat(json(counted).get("views").asLong()).isEqualTo(view);
			assertThat(json(counted).get("node").asString()).isEqualTo("127.0.0.1");
			assertForwardedOnce("GET", path);
			this.replica.recorder().clear();
		}
		assertThat(output.getOut()).containsOnlyOnce("A write reached SQLite on replica node node-b")
			.doesNotContain(" ERROR ");
	}

	@Test
	void aFormWithErrorsThroughTheReplicaComesBackAsTheForm() {
		long before = notesOnPrimary();
		HttpResponse<String> page = send(this.replica, "/notes", form(" "));
		assertThat(page.statusCode()).isEqualTo(200);
		assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(
				(type) -> assertThat(type).startsWith("text/html"));
		assertThat(page.body()).contains("<p class=\"field-error\">Give the note a title.</p>")
			.contains("Served by <span class=\"node\">127.0.0.1</span>");
		assertForwardedOnce("POST", "/notes");
		assertThat(notesOnPrimary()).isEqualTo(before);
	}

	/** Once the replica's recorder has it: it hears of a request once its answer is written. */
	private void assertForwardedOnce(String method, String path) {
		this.replica.recorder().awaitRouted((routed) -> routed.isOf(method, path));
		assertThat(this.replica.recorder().routed()).singleElement().satisfies((routed) -> {
			assertThat(routed.isOf(method, path)).as(routed.toString()).isTrue();
			assertThat(routed.outcome()).isEqualTo(RoutingOutcome.FORWARDED);
		});
		assertThat(this.primary.recorder().routed()).isEmpty();
	}

	private long countOnPrimary(String title) {
		return json(send(this.primary, "/api/notes/count?title=" + URLEncoder.encode(title, StandardCharsets.UTF_8),
				HttpRequest.newBuilder().GET()))
			.get("count")
			.asLong();
	}

	private long notesOnPrimary() {
		return json(send(this.primary, "/api/notes", HttpRequest.newBuilder().GET())).get("notes").size();
	}

	private static String unique(String prefix) {
		return prefix + " " + UUID.randomUUID().toString().substring(0, 8);
	}

	private static HttpRequest.Builder post(String contentType, String body) {
		return HttpRequest.newBuilder().header("Content-Type", contentType).POST(BodyPublishers.ofString(body));
	}

	private static HttpRequest.Builder form(String title) {
		return post("application/x-www-form-urlencoded", "title=" + URLEncoder.encode(title, StandardCharsets.UTF_8))
			.header("Accept", "text/html");
	}

	private HttpResponse<String> send(ClusterApplication app, String path, HttpRequest.Builder request) {
		try {
			return this.browser.send(request.uri(app.uri(path)).timeout(Duration.ofSeconds(30)).build(),
					HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private static JsonNode json(HttpResponse<String> answer) {
		return json.readTree(answer.body());
	}

}
