package dev.litefs.spring.test.autoconfigure;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.litefs.spring.node.LiteFsNode;
import dev.litefs.spring.test.FakeLiteFsMount;
import dev.litefs.spring.test.cluster.LiteFsCluster;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.test.web.servlet.client.RestTestClient;

/**
 * An application started as a real server on a random port over one node of a real
 * {@link LiteFsCluster} (or a {@link FakeLiteFsMount}): {@code litefs.mount-dir},
 * {@code litefs.hostname} and {@code litefs.api-url} are the node's, and a
 * {@link LiteFsRecorder} records what it routes and waits for.
 * <pre class="code">
 * try (ClusterApplication replica = ClusterApplication.start(MyApplication.class, cluster.node(1),
 *         "--litefs.routing.strategy=fly-replay")) {
 *     assertThat(replica.client().post().uri("/posts").exchange().returnResult(), replica.recorder())
 *         .wasReplayedTo(cluster.primary().hostname());
 * }
 * </pre>
 * To serve requests on virtual threads (Java 21 and later), pass
 * {@code --spring.threads.virtual.enabled=true}, or run the JVM with
 * {@code -D}{@value #VIRTUAL_THREADS}{@code =true}: then every application the kit
 * starts, here and with {@link AutoConfigureLiteFs}, does so unless its own properties
 * say otherwise, and the same tests run once on platform threads and once on virtual
 * threads without a change.
 *
 * @since 0.2.0
 */
public final class ClusterApplication implements AutoCloseable {

	/**
	 * The system property that, set to {@code true}, makes {@code spring.threads.virtual.enabled=true}
	 * a default of every application the kit starts.
	 */
	public static final String VIRTUAL_THREADS = "litefs.test.virtual-threads";

	private static final List<String> DEFAULTS = List.of("server.port=0", "server.address=127.0.0.1",
			"litefs.poll-interval=100ms", "spring.main.banner-mode=off", "logging.level.root=WARN",
			"logging.level.dev.litefs=INFO");

	/** The property that {@link #VIRTUAL_THREADS} sets. */
	static final String SPRING_VIRTUAL_THREADS = "spring.threads.virtual.enabled";

	private final ConfigurableApplicationContext context;

	private final LiteFsRecorder recorder;

	private ClusterApplication(ConfigurableApplicationContext context, LiteFsRecorder recorder) {
		this.context = context;
		this.recorder = recorder;
	}

	/**
	 * Starts an application over a node of a real cluster.
	 * @param application the application's main class
	 * @param node the node
	 * @param args command-line arguments, {@code --name=value}; each replaces the default
	 * of that name ({@code server.port=0}, {@code server.address=127.0.0.1},
	 * {@code litefs.poll-interval=100ms}, quiet logging, the node's {@code litefs.*}, and
	 * {@code spring.threads.virtual.enabled=true} when {@value #VIRTUAL_THREADS} is set)
	 * @return the running application
	 */
	public static ClusterApplication start(Class<?> application, LiteFsCluster.Node node, String... args) {
		return start(application, List.of("litefs.mount-dir=" + node.mountDir(), "litefs.hostname=" + node.hostname(),
				"litefs.api-url=" + node.apiUrl()), args);
	}

	/**
	 * Starts an application over a fake mount, for a cluster of fake nodes in one JVM;
	 * it asks no LiteFS API.
	 * @param application the application's main class
	 * @param mount the fake mount
	 * @param hostname the node's LiteFS hostname
	 * @param args command-line arguments, as for {@link #start(Class, LiteFsCluster.Node, String...)}
	 * @return the running application
	 */
	public static ClusterApplication start(Class<?> application, FakeLiteFsMount mount, String hostname,
			String... args) {
		return start(application, List.of("litefs.mount-dir=" + mount.dir(), "litefs.database=" + mount.database(),
				"litefs.hostname=" + hostname, "litefs.api-url=" + LiteFsContextCustomizer.NO_API), args);
	}

	private static ClusterApplication start(Class<?> application, List<String> node, String... args) {
		Map<String, String> properties = new LinkedHashMap<>();
		List<String> all = new ArrayList<>(DEFAULTS);
		if (virtualThreadsRequested()) {
			all.add(SPRING_VIRTUAL_THREADS + "=true");
		}
		all.addAll(node);
		for (String property : all) {
			properties.put(property.substring(0, property.indexOf('=')), property);
		}
		for (String arg : args) {
			if (!arg.startsWith("--") || arg.indexOf('=') < 0) {
				throw new IllegalArgumentException("'" + arg + "' is no --name=value argument");
			}
			properties.put(arg.substring(2, arg.indexOf('=')), arg.substring(2));
		}
		String[] commandLine = properties.values().stream().map((property) -> "--" + property).toArray(String[]::new);
		LiteFsRecorder recorder = new LiteFsRecorder();
		ConfigurableApplicationContext context = new SpringApplicationBuilder(application)
			.initializers((initialized) -> initialized.getBeanFactory().registerSingleton("liteFsRecorder", recorder))
			.run(commandLine);
		return new ClusterApplication(context, recorder);
	}

	/**
	 * Whether this JVM runs the kit's applications on virtual threads.
	 * @return whether the system property {@value #VIRTUAL_THREADS} is {@code true}
	 */
	static boolean virtualThreadsRequested() {
		return Boolean.getBoolean(VIRTUAL_THREADS);
	}

	/**
	 * The server's port.
	 * @return the port
	 */
	public int port() {
		return ((WebServerApplicationContext) this.context).getWebServer().getPort();
	}

	/**
	 * A URL of the server.
	 * @param path the path, with any query
	 * @return {@code http://127.0.0.1:<port><path>}
	 */
	public URI uri(String path) {
		return URI.create("http://127.0.0.1:" + port() + path);
	}

	/**
	 * A client of the server, over real HTTP; it does not follow redirects.
	 * @return the client
	 */
	public RestTestClient client() {
		return RestTestClient.bindToServer(new JdkClientHttpRequestFactory()).baseUrl(uri("").toString()).build();
	}

	/**
	 * What the application routed and waited for.
	 * @return its recorder
	 */
	public LiteFsRecorder recorder() {
		return this.recorder;
	}

	/**
	 * Waits until requests are held for their {@code __txid} (this node behind the
	 * client's last write), so that a test can let replication arrive while they wait.
	 * @param count how many held requests to wait for
	 * @throws AssertionError when fewer are held within 5 s
	 */
	public void awaitHeldRequests(int count) {
		LiteFsTestMount.awaitHeld(bean(LiteFsNode.class), count);
	}

	/**
	 * A bean of the application.
	 * @param <T> its type
	 * @param type its type
	 * @return the bean
	 */
	public <T> T bean(Class<T> type) {
		return this.context.getBean(type);
	}

	/**
	 * The application's context.
	 * @return the context
	 */
	public ConfigurableApplicationContext context() {
		return this.context;
	}

	/** Stops the application. */
	@Override
	public void close() {
		this.context.close();
	}

}
