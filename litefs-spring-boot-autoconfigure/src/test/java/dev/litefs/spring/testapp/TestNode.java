package dev.litefs.spring.testapp;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import dev.litefs.spring.node.LiteFsMount;
import dev.litefs.spring.node.LiteFsNode;
import dev.litefs.spring.test.FakeLiteFsMount;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.boot.webmvc.test.autoconfigure.MockMvcPrint;
import org.springframework.boot.webmvc.test.autoconfigure.SpringBootMockMvcBuilderCustomizer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.DefaultMockMvcBuilder;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.context.WebApplicationContext;

/**
 * The {@link TestApplication} running on a real server on a random port over a fake
 * LiteFS mount, as one node of a cluster.
 */
public final class TestNode implements AutoCloseable {

	private static final String HIBERNATE_JPA = "org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration";

	/** The property that gives a test's application Spring Session JDBC, which test nodes leave out otherwise. */
	public static final String WITH_SPRING_SESSION = "spring.autoconfigure.exclude=" + HIBERNATE_JPA;

	private static final HttpClient http = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(5))
		.build();

	private final ConfigurableApplicationContext context;

	private TestNode(ConfigurableApplicationContext context) {
		this.context = context;
	}

	/**
	 * Starts a node over a mount, with a {@code posts} table in its database. On a replica
	 * mount the database is opened read-only, so that a write fails in SQLite as it does
	 * on a LiteFS replica.
	 * @param mount the mount
	 * @param hostname this node's LiteFS hostname
	 * @param properties more properties, {@code name=value}
	 * @return the running node
	 */
	public static TestNode start(FakeLiteFsMount mount, String hostname, String... properties) {
		return start(List.of(), mount, hostname, properties);
	}

	/**
	 * Starts a node over a mount, as {@link #start(FakeLiteFsMount, String, String...)},
	 * with more configuration classes of the application's own beans.
	 * @param sources the configuration classes
	 * @param mount the mount
	 * @param hostname this node's LiteFS hostname
	 * @param properties more properties, {@code name=value}
	 * @return the running node
	 */
	public static TestNode start(List<Class<?>> sources, FakeLiteFsMount mount, String hostname,
			String... properties) {
		createSchema(mount);
		List<String> all = new ArrayList<>(List.of("litefs.api-url=http://localhost:1"));
		if (Files.exists(mount.dir().resolve(LiteFsMount.PRIMARY_FILE))) {
			all.add("spring.datasource.hikari.data-source-properties.open_mode=1");
			all.add("spring.datasource.hikari.read-only=true");
		}
		all.addAll(List.of(properties));
		return start(sources, mount.dir(), mount.database(), hostname, all.toArray(String[]::new));
	}

	/**
	 * Starts a node over a mount whose database, if it has one, already holds the
	 * {@code posts} table: a real LiteFS mount (pass {@code testapp.plays-litefs=false}
	 * when it writes on a real primary: the fake mount's TXID is moved by the app).
	 * @param mountDir the mount
	 * @param database the database file name in it
	 * @param hostname this node's LiteFS hostname
	 * @param properties more properties, {@code name=value}, e.g. {@code litefs.api-url}
	 * @return the running node
	 */
	public static TestNode start(Path mountDir, String database, String hostname, String... properties) {
		return start(List.of(), mountDir, database, hostname, properties);
	}

	/**
	 * Starts a node over a mount, as {@link #start(Path, String, String, String...)},
	 * with more configuration classes of the application's own beans.
	 * @param sources the configuration classes
	 * @param mountDir the mount
	 * @param database the database file name in it
	 * @param hostname this node's LiteFS hostname
	 * @param properties more properties, {@code name=value}
	 * @return the running node
	 */
	public static TestNode start(List<Class<?>> sources, Path mountDir, String database, String hostname,
			String... properties) {
		List<String> all = new ArrayList<>(List.of("litefs.mount-dir=" + mountDir, "litefs.database=" + database,
				"server.port=0", "litefs.hostname=" + hostname, "litefs.poll-interval=50ms",
				"spring.main.banner-mode=off", "spring.datasource.hikari.data-source-properties.synchronous=OFF",
				"spring.datasource.hikari.data-source-properties.busy_timeout=10000", "logging.level.root=WARN",
				"logging.level.dev.litefs=INFO", "spring.flyway.enabled=false",
				"spring.liquibase.enabled=false",
				// Spring Session JDBC only where a test asks for it (WITH_SPRING_SESSION): building its repository
				// opens a connection, which on a replica before the database has replicated creates an empty file
				"spring.autoconfigure.exclude=" + HIBERNATE_JPA + ","
						+ "org.springframework.boot.session.jdbc.autoconfigure.JdbcSessionAutoConfiguration"));
		if (Boolean.getBoolean("litefs.test.virtual-threads")) {
			// as the test kit's applications do (ClusterApplication.VIRTUAL_THREADS); the node's own properties win
			all.add("spring.threads.virtual.enabled=true");
		}
		all.addAll(List.of(properties));
		ConfigurableApplicationContext context = new SpringApplicationBuilder(TestApplication.class)
			.sources(sources.toArray(Class<?>[]::new))
			.properties(all.toArray(String[]::new))
			.run();
		return new TestNode(context);
	}

	/**
	 * Starts a standalone node: a plain directory, not a LiteFS mount, with a
	 * {@code posts} table in its {@code app.db}.
	 * @param sources configuration classes of the application's own beans
	 * @param dir the directory, created if missing
	 * @param properties more properties, {@code name=value}
	 * @return the running node
	 */
	public static TestNode standalone(List<Class<?>> sources, Path dir, String... properties) {
		try {
			createSchema(Files.createDirectories(dir).resolve("app.db"));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		// no LiteFS to play: a write must not make the directory look like a mount
		List<String> all = new ArrayList<>(List.of("litefs.api-url=http://localhost:1", "testapp.plays-litefs=false"));
		all.addAll(List.of(properties));
		return start(sources, dir, "app.db", "local", all.toArray(String[]::new));
	}

	private static void createSchema(FakeLiteFsMount mount) {
		createSchema(mount.dir().resolve(mount.database()));
	}

	private static void createSchema(Path database) {
		String url = "jdbc:sqlite:" + database;
		try (Connection connection = DriverManager.getConnection(url); Statement statement = connection.createStatement()) {
			statement.execute("create table if not exists posts (id integer primary key autoincrement, "
					+ "title text not null, node text not null)");
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	public int port() {
		return ((WebServerApplicationContext) this.context).getWebServer().getPort();
	}

	public URI uri(String path) {
		return URI.create("http://localhost:" + port() + path);
	}

	public ConfigurableApplicationContext context() {
		return this.context;
	}

	public <T> T bean(Class<T> type) {
		return this.context.getBean(type);
	}

	public LiteFsNode node() {
		return bean(LiteFsNode.class);
	}

	public Calls calls() {
		return bean(Calls.class);
	}

	public long rows() {
		return bean(Posts.class).count();
	}

	/**
	 * MockMvc over this node's application, with its filters, as Spring Boot's
	 * {@code @AutoConfigureMockMvc} builds it.
	 * @return MockMvc
	 */
	public MockMvc mockMvc() {
		WebApplicationContext web = (WebApplicationContext) this.context;
		DefaultMockMvcBuilder builder = MockMvcBuilders.webAppContextSetup(web);
		SpringBootMockMvcBuilderCustomizer customizer = new SpringBootMockMvcBuilderCustomizer(web);
		customizer.setPrint(MockMvcPrint.NONE);
		customizer.customize(builder);
		return builder.build();
	}

	/**
	 * Sends a request to this node over HTTP.
	 * @param request the request, whose URI is a path on this node
	 * @return the response
	 */
	public HttpResponse<String> send(HttpRequest.Builder request) {
		return send(request.build());
	}

	public HttpResponse<String> send(HttpRequest request) {
		try {
			return http.send(request, HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	public CompletableFuture<HttpResponse<String>> sendAsync(HttpRequest.Builder request) {
		return http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	public HttpRequest.Builder request(String path) {
		return HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30));
	}

	public HttpResponse<String> postJson(String path, String json) {
		return send(request(path).header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(json)));
	}

	public HttpResponse<String> get(String path) {
		return send(request(path).GET());
	}

	public static HttpClient http() {
		return http;
	}

	/**
	 * Sends bytes as they are (what {@code java.net.URI} or the JDK client would not
	 * send) and reads the whole answer, until the server closes the connection.
	 * @param request the request line, headers and body
	 * @return the answer
	 * @throws IOException if the exchange fails
	 */
	public String rawExchange(String request) throws IOException {
		try (java.net.Socket socket = new java.net.Socket("localhost", port())) {
			socket.setSoTimeout(30_000);
			socket.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
			socket.getOutputStream().flush();
			return new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
		}
	}

	@Override
	public void close() {
		this.context.close();
	}

}
