package dev.litefs.sample.cluster;

import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import dev.litefs.sample.DemoUser;
import dev.litefs.spring.test.cluster.LiteFsCluster;
import dev.litefs.spring.test.cluster.RealLiteFs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static dev.litefs.sample.cluster.Answers.RECOVERY;
import static dev.litefs.sample.cluster.Answers.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The course's deployment without Docker: Debian's nginx round-robin over a real two-node
 * LiteFS cluster (the primary, and node-b, a replica that forwards writes to it), from
 * the compose deployment's own {@code nginx.conf} ({@link Nginx}). Every request of these
 * tests goes through nginx, and only through nginx. Each client has a cookie jar, as a
 * browser does. Figures of the run with a node down land in
 * {@code target/nginx-round-robin.txt}.
 */
@RealLiteFs
@ExtendWith(OutputCaptureExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NginxRoundRobinTests {

	static LiteFsCluster cluster;

	static SampleNode primary;

	static SampleNode replica;

	static Nginx nginx;

	@BeforeAll
	static void start() throws Exception {
		cluster = LiteFsCluster.builder().hostnames("127.0.0.1", "node-b").start();
		primary = SampleNode.start(cluster.primary());
		replica = SampleNode.start(cluster.node(1), "--litefs.routing.strategy=forward",
				"--litefs.routing.forward.url-template=http://{primary}:" + primary.port());
		nginx = Nginx.inFrontOf(primary.port(), replica.port());
	}

	@AfterAll
	static void stop() {
		for (AutoCloseable each : new AutoCloseable[] { nginx, replica, primary, cluster }) {
			try {
				if (each != null) {
					each.close();
				}
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
		}
	}

	@Test
	@Order(1)
	void eachWriteIsStoredOnceAndItsWriterReadsItOnItsNextRequestWhicheverNodeServesIt() throws Exception {
		List<Exchange> exchanges = Collections.synchronizedList(new ArrayList<>());
		ExecutorService clients = Executors.newFixedThreadPool(4);
		try {
			List<Future<?>> running = new ArrayList<>();
			for (int c = 0; c < 4; c++) {
				String prefix = "once-" + c + "-";
				running.add(clients.submit(() -> {
					Client client = new Client();
					for (int i = 0; i < 8; i++) {
						exchanges.add(client.writeThenRead(prefix + i));
					}
					return null;
				}));
			}
			for (Future<?> each : running) {
				each.get();
			}
		}
		finally {
			clients.shutdownNow();
		}

		assertThat(exchanges).hasSize(32).allSatisfy((exchange) -> {
			assertThat(exchange.written()).as(exchange.toString()).isEqualTo(201);
			assertThat(exchange.read()).as("the writer's next request: " + exchange).isEqualTo(200);
		});
		assertThat(exchanges).extracting(Exchange::writtenBy)
			.as("writes landed on both nodes")
			.contains(address(primary), address(replica));
		assertThat(exchanges).extracting(Exchange::readBy)
			.as("reads right after a write landed on both nodes")
			.contains(address(primary), address(replica));
		cluster.awaitReplicated("app.db", RECOVERY);
		Set<String> written = exchanges.stream().map(Exchange::title).collect(Collectors.toSet());
		for (Map.Entry<String, List<String>> onNode : titlesOnEachNode(new Client()).entrySet()) {
			List<String> stored = onNode.getValue().stream().filter(written::contains).toList();
			assertThat(stored).as("each write once, on " + onNode.getKey()).hasSize(32).doesNotHaveDuplicates();
		}
	}

	@Test
	@Order(2)
	void aFormPostIsRedirectedToThePageThatShowsIt() {
		Client client = new Client();
		String csrf = client.signIn();
		Set<String> postedTo = new HashSet<>();
		for (int round = 0; round < 2; round++) {
			String title = "Form post " + round;
			HttpResponse<String> posted = client.postForm("/posts",
					Map.of("title", title, "body", "through nginx", "_csrf", csrf));

			assertThat(posted.statusCode()).as(posted.body()).isEqualTo(303);
			HttpResponse<String> page = client.get(URI.create(posted.headers().firstValue("Location").orElseThrow()).getPath());
			assertThat(page.statusCode()).isEqualTo(200);
			assertThat(page.body()).contains(title);
			postedTo.add(servedBy(posted));
			// one more request, so that the next post lands on the other node
			client.get("/actuator/health");
		}
		assertThat(postedTo).as("a form post on each node").containsExactlyInAnyOrder(address(primary),
				address(replica));
	}

	@Test
	@Order(3)
	void healthReportsEachNode() {
		Client client = new Client();
		Map<String, String> roleByNode = new TreeMap<>();
		for (int i = 0; i < 4; i++) {
			HttpResponse<String> health = client.get("/actuator/health");
			assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
			JsonNode litefs = SampleNode.json(health.body()).get("components").get("litefs");
			assertThat(litefs.get("status").asString()).isEqualTo("UP");
			roleByNode.put(servedBy(health), litefs.get("details").get("role").asString());
		}
		assertThat(roleByNode).containsOnly(Map.entry(address(primary), "primary"),
				Map.entry(address(replica), "replica"));
	}

	/**
	 * Three clients write and read their writes, and two read the list, for about 5 s;
	 * meanwhile node-b's LiteFS is killed, and started again 2.5 s later. nginx sends a
	 * read that node-b could not serve to the primary and leaves node-b out; a POST that
	 * lands on node-b is not sent elsewhere (nginx never retries one) and gets node-b's
	 * problem detail. A read of a client's own write that lands on node-b waits there
	 * for node-b to catch up ({@code litefs.consistency.timeout}), as a replica behind
	 * does.
	 */
	@Test
	@Order(4)
	void aNodeWhoseLiteFsDiedIsLeftOutAndNoClientSeesABareError(CapturedOutput output) throws Exception {
		List<Exchange> exchanges = Collections.synchronizedList(new ArrayList<>());
		AtomicBoolean writing = new AtomicBoolean(true);
		ExecutorService clients = Executors.newFixedThreadPool(5);
		List<Future<?>> running = new ArrayList<>();
		try {
			for (int c = 0; c < 3; c++) {
				String prefix = "down-" + c + "-";
				running.add(clients.submit(() -> {
					Client client = new Client();
					for (int i = 0; writing.get(); i++) {
						exchanges.add(client.writeThenRead(prefix + i));
						Thread.sleep(20);
					}
					return null;
				}));
			}
			for (int c = 0; c < 2; c++) {
				running.add(clients.submit(() -> {
					Client client = new Client();
					while (writing.get()) {
						exchanges.add(client.readList());
						Thread.sleep(20);
					}
					return null;
				}));
			}
			Thread.sleep(1000);
			cluster.node(1).kill();
			Thread.sleep(2500);
			cluster.node(1).start();
			Thread.sleep(1500);
		}
		finally {
			writing.set(false);
			for (Future<?> each : running) {
				each.get();
			}
			clients.shutdownNow();
		}
		Client client = new Client();
		eventually(() -> client.get("/actuator/health/readiness"),
				(answer) -> answer.statusCode() == 200 && servedBy(answer).equals(address(replica)));
		cluster.awaitReplicated("app.db", RECOVERY);
		Figures figures = Figures.of(exchanges, titlesOnEachNode(client).get(address(primary)));
		Path record = Path.of("target", "nginx-round-robin.txt");
		Files.writeString(record, figures + System.lineSeparator());
		System.out.println("nginx round-robin, node-b's LiteFS killed for 2.5 s: " + figures);

		assertThat(figures.bare()).as("answers neither 2xx/3xx nor a problem detail").isEmpty();
		assertThat(figures.lost()).as("writes answered 201 but not stored").isEmpty();
		assertThat(figures.duplicates()).as("writes stored twice").isEmpty();
		assertThat(figures.missedReads()).as("reads of the client's own write that missed it").isEmpty();
		assertThat(figures.readProblems()).as("reads answered with an error: nginx asks the other node").isEmpty();
		assertThat(figures.retried()).as("requests nginx sent to the other node after node-b failed them")
			.isPositive();
		assertThat(output.getOut()).doesNotContain(" ERROR ");
	}

	/** The titles stored on each node, read through nginx until both nodes have answered. */
	private static Map<String, List<String>> titlesOnEachNode(Client client) {
		Map<String, List<String>> titles = new TreeMap<>();
		for (int i = 0; i < 4 && titles.size() < 2; i++) {
			HttpResponse<String> list = client.get("/api/posts");
			assertThat(list.statusCode()).as(list.body()).isEqualTo(200);
			List<String> onNode = new ArrayList<>();
			SampleNode.json(list.body()).forEach((post) -> onNode.add(post.get("title").asString()));
			titles.put(servedBy(list), onNode);
		}
		assertThat(titles).as("lists from both nodes").hasSize(2);
		return titles;
	}

	/** The node that answered, as nginx's {@code X-Upstream} names it (the last tried). */
	private static String servedBy(HttpResponse<?> answer) {
		String upstream = answer.headers().firstValue("X-Upstream").orElse("");
		return upstream.substring(upstream.lastIndexOf(' ') + 1);
	}

	private static String address(SampleNode node) {
		return "127.0.0.1:" + node.port();
	}

	/** A user of the site: a cookie jar of its own, every request through nginx. */
	private static final class Client {

		private final HttpClient http = HttpClient.newBuilder()
			.version(HttpClient.Version.HTTP_1_1)
			.cookieHandler(new CookieManager())
			.followRedirects(HttpClient.Redirect.NEVER)
			.connectTimeout(Duration.ofSeconds(5))
			.build();

		HttpResponse<String> get(String path) {
			return send(request(path).GET());
		}

		HttpResponse<String> postJson(String path, String json) {
			return send(request(path).header(DemoUser.AUTHORIZATION, DemoUser.BASIC)
				.header("Content-Type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString(json)));
		}

		/**
		 * Signs the demo user in through the login form, as a browser does: the session
		 * cookie stays with this client, whichever node nginx picks next.
		 * @return the CSRF token of the page's forms
		 */
		String signIn() {
			HttpResponse<String> signedIn = postForm("/login", Map.of("username", DemoUser.NAME, "password",
					DemoUser.PASSWORD, "_csrf", DemoUser.csrfToken(get("/login").body())));
			assertThat(signedIn.statusCode()).as("signed in: " + signedIn.body()).isEqualTo(302);
			return DemoUser.csrfToken(get("/").body());
		}

		/** The page's form, posted as a browser posts it. */
		HttpResponse<String> postForm(String path, Map<String, String> fields) {
			String body = fields.entrySet()
				.stream()
				.map((field) -> field.getKey() + "=" + URLEncoder.encode(field.getValue(), StandardCharsets.UTF_8))
				.collect(Collectors.joining("&"));
			return send(request(path).header("Content-Type", "application/x-www-form-urlencoded")
				.POST(HttpRequest.BodyPublishers.ofString(body)));
		}

		/** Reads the list of posts, whatever the answer. */
		Exchange readList() {
			try {
				return Exchange.listed(get("/api/posts"));
			}
			catch (RuntimeException ex) {
				return Exchange.failed("", ex).readFailed(ex);
			}
		}

		/** Writes a post, then reads it back at once (its next request), whatever the answers. */
		Exchange writeThenRead(String title) {
			HttpResponse<String> written;
			try {
				written = postJson("/api/posts", "{\"title\": \"" + title + "\"}");
			}
			catch (RuntimeException ex) {
				return Exchange.failed(title, ex);
			}
			Exchange exchange = Exchange.written(title, written);
			if (written.statusCode() != 201) {
				return exchange;
			}
			try {
				HttpResponse<String> read = get(URI.create(written.headers().firstValue("Location").orElseThrow())
					.getPath());
				return exchange.read(read, title);
			}
			catch (RuntimeException ex) {
				return exchange.readFailed(ex);
			}
		}

		private HttpRequest.Builder request(String path) {
			return HttpRequest.newBuilder(nginx.uri(path)).timeout(Duration.ofSeconds(30));
		}

		private HttpResponse<String> send(HttpRequest.Builder request) {
			try {
				return this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
			}
			catch (IOException ex) {
				throw new IllegalStateException("No answer through nginx: " + ex + "; nginx's log: " + nginx.log(), ex);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
		}

	}

	/**
	 * A write and the read of it that followed, through nginx.
	 *
	 * @param title the post's title
	 * @param written the write's status, -1 when no answer came
	 * @param writtenBy the node nginx says answered the write
	 * @param writeProblem whether a failed write was answered with a problem detail
	 * @param read the read's status, 0 when there was none, -1 when no answer came
	 * @param readBy the node nginx says answered the read
	 * @param readProblem whether a failed read was answered with a problem detail
	 * @param readFoundIt whether the read's answer held the post
	 * @param retries how many of the two requests nginx sent to a second node
	 * @param detail the body or failure of what went wrong, if anything
	 */
	record Exchange(String title, int written, String writtenBy, boolean writeProblem, int read, String readBy,
			boolean readProblem, boolean readFoundIt, int retries, String detail) {

		static Exchange failed(String title, Exception failure) {
			return new Exchange(title, title.isEmpty() ? 0 : -1, "", false, 0, "", false, false, 0, failure.toString());
		}

		static Exchange written(String title, HttpResponse<String> answer) {
			return new Exchange(title, answer.statusCode(), servedBy(answer), isProblem(answer), 0, "", false, false,
					retried(answer), (answer.statusCode() == 201) ? "" : answer.body());
		}

		static Exchange listed(HttpResponse<String> answer) {
			return new Exchange("", 0, "", false, 0, "", false, false, 0, "").read(answer, null);
		}

		Exchange read(HttpResponse<String> answer, String title) {
			boolean found = answer.statusCode() == 200
					&& (title == null || title.equals(SampleNode.json(answer.body()).get("title").asString()));
			return new Exchange(this.title, this.written, this.writtenBy, this.writeProblem, answer.statusCode(),
					servedBy(answer), isProblem(answer), found, this.retries + retried(answer),
					found ? "" : answer.body());
		}

		Exchange readFailed(Exception failure) {
			return new Exchange(this.title, this.written, this.writtenBy, this.writeProblem, -1, "", false, false,
					this.retries, failure.toString());
		}

		private static boolean isProblem(HttpResponse<String> answer) {
			return answer.headers()
				.firstValue("Content-Type")
				.filter((type) -> type.startsWith("application/problem+json"))
				.isPresent();
		}

		private static int retried(HttpResponse<String> answer) {
			return answer.headers().firstValue("X-Upstream").filter((upstream) -> upstream.contains(",")).isPresent()
					? 1 : 0;
		}

	}

	/**
	 * What the run with a node down counted.
	 *
	 * @param writes writes sent
	 * @param acknowledged writes answered 201
	 * @param writeProblems writes answered a problem detail, by status
	 * @param reads reads: of a write just acknowledged, or of the list
	 * @param readProblems reads answered a problem detail, by status
	 * @param missedReads reads answered, but without their write (a 404, or another post)
	 * @param bare answers neither successful nor a problem detail, or none at all
	 * @param lost writes answered 201 but not stored
	 * @param duplicates titles stored more than once
	 * @param retried requests nginx sent to the other node after a failure
	 */
	record Figures(int writes, int acknowledged, Map<Integer, Long> writeProblems, int reads,
			Map<Integer, Long> readProblems, List<String> missedReads, List<String> bare, List<String> lost,
			List<String> duplicates, long retried) {

		static Figures of(List<Exchange> exchanges, List<String> stored) {
			Set<String> seen = new HashSet<>();
			List<String> duplicates = stored.stream().filter((title) -> !seen.add(title)).toList();
			List<String> bare = new ArrayList<>();
			List<String> missed = new ArrayList<>();
			List<String> lost = new ArrayList<>();
			Map<Integer, Long> writeProblems = new ConcurrentHashMap<>();
			Map<Integer, Long> readProblems = new ConcurrentHashMap<>();
			int acknowledged = 0;
			int reads = 0;
			for (Exchange each : exchanges) {
				if (each.written() == 0) {
					// a read of the list, no write
				}
				else if (each.written() == 201) {
					acknowledged++;
					if (!seen.contains(each.title())) {
						lost.add(each.title());
					}
				}
				else if (each.writeProblem()) {
					writeProblems.merge(each.written(), 1L, Long::sum);
				}
				else {
					bare.add(each.title() + " written: " + each.written() + " " + each.detail());
				}
				if (each.read() == 0) {
					continue;
				}
				reads++;
				if (each.read() == 200 || each.read() == 404) {
					if (!each.readFoundIt()) {
						missed.add(each.title() + " read on " + each.readBy() + ": " + each.read());
					}
				}
				else if (each.readProblem()) {
					readProblems.merge(each.read(), 1L, Long::sum);
				}
				else {
					bare.add(each.title() + " read: " + each.read() + " " + each.detail());
				}
			}
			long retried = exchanges.stream().mapToLong(Exchange::retries).sum();
			int writes = (int) exchanges.stream().filter((each) -> each.written() != 0).count();
			return new Figures(writes, acknowledged, new TreeMap<>(writeProblems), reads,
					new TreeMap<>(readProblems), missed, bare, lost, duplicates, retried);
		}

		@Override
		public String toString() {
			return String.format(Locale.ROOT,
					"writes %d, acknowledged %d, write problem details %s; reads %d, of their own write missed %d, "
							+ "read problem details %s; bare errors %d, lost %d, duplicates %d; "
							+ "requests nginx retried on the other node %d%s",
					this.writes, this.acknowledged, this.writeProblems, this.reads, this.missedReads.size(),
					this.readProblems, this.bare.size(), this.lost.size(), this.duplicates.size(), this.retried,
					this.bare.isEmpty() ? "" : "; bare: " + this.bare.subList(0, Math.min(3, this.bare.size())));
		}

	}

}
