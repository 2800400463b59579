package dev.litefs.testscoped;

import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;

import dev.litefs.spring.test.cluster.LiteFsCluster;
import dev.litefs.spring.test.cluster.RealLiteFs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * This module's packaged jar (so an integration test, after {@code package}): built by
 * Maven from a pom that gives {@code spring-boot-starter-restclient} the test scope, it
 * holds neither {@code spring-boot-restclient} nor {@code spring-boot-http-client}. On a
 * real two-node LiteFS cluster both nodes start with the default strategy, {@code auto}
 * (here {@code forward}), and a write sent to the replica is stored by the primary, sent
 * there through the JDK's {@code HttpClient}, and read back on the replica.
 */
@RealLiteFs
class RestClientInTestScopeIT {

	private static final Path JAR = Path
		.of(Objects.requireNonNull(System.getProperty("app.jar"), "the system property app.jar (failsafe's)"));

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	@TempDir
	Path logs;

	@Test
	void theJarHasNoneOfSpringBootsHttpClientModules() throws IOException {
		try (JarFile jar = new JarFile(JAR.toFile())) {
			List<String> libraries = jar.stream()
				.map(ZipEntry::getName)
				.filter((name) -> name.startsWith("BOOT-INF/lib/"))
				.map((name) -> name.substring("BOOT-INF/lib/".length()))
				.toList();
			assertThat(libraries).anyMatch((name) -> name.startsWith("litefs-spring-boot-autoconfigure-"))
				.anyMatch((name) -> name.startsWith("spring-web-"))
				.noneMatch((name) -> name.startsWith("spring-boot-http-client-"))
				.noneMatch((name) -> name.startsWith("spring-boot-restclient-"));
		}
	}

	@Test
	void bothNodesStartAndTheReplicaForwardsAWriteToThePrimary() throws Exception {
		try (LiteFsCluster cluster = LiteFsCluster.builder().hostnames("127.0.0.1", "node-b").start()) {
			int primaryPort = freePort();
			int replicaPort = freePort();
			Process primary = start(cluster.node(0), primaryPort);
			Process replica = start(cluster.node(1), replicaPort,
					"--litefs.routing.forward.url-template=http://{primary}:" + primaryPort);
			try {
				awaitHealth(primary, primaryPort, "primary");
				awaitHealth(replica, replicaPort, "replica");

				HttpResponse<String> stored = send(HttpRequest.newBuilder(url(replicaPort, "/notes"))
					.header("Content-Type", "text/plain")
					.POST(HttpRequest.BodyPublishers.ofString("sent to the replica")));
				assertThat(stored.statusCode()).as(stored.body()).isEqualTo(201);
				assertThat(stored.body()).isEqualTo("{\"storedBy\":\"127.0.0.1\"}");

				String txid = stored.headers()
					.allValues("Set-Cookie")
					.stream()
					.filter((cookie) -> cookie.startsWith("__txid="))
					.map((cookie) -> cookie.substring(0, cookie.indexOf(';')))
					.findFirst()
					.orElseThrow();
				HttpResponse<String> read = send(HttpRequest.newBuilder(url(replicaPort, "/notes")).header("Cookie", txid));
				assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
				assertThat(read.body()).isEqualTo("[\"sent to the replica\"]");
			}
			catch (Exception | AssertionError ex) {
				throw new AssertionError(ex.getMessage() + "\nthe primary logged:\n" + log("primary")
						+ "\nthe replica logged:\n" + log("replica"), ex);
			}
			finally {
				stop(replica);
				stop(primary);
			}
		}
	}

	/** Starts the jar on a node's mount, with its output in a log named by the node's role. */
	private Process start(LiteFsCluster.Node node, int port, String... arguments) throws IOException {
		List<String> command = new ArrayList<>(List.of(
				Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:TieredStopAtLevel=1", "-jar",
				JAR.toString(), "--server.address=127.0.0.1", "--server.port=" + port, "--spring.main.banner-mode=off",
				"--litefs.mount-dir=" + node.mountDir(), "--litefs.hostname=" + node.hostname(),
				"--litefs.api-url=" + node.apiUrl()));
		command.addAll(List.of(arguments));
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(this.logs.resolve((node.isPrimary() ? "primary" : "replica") + ".log").toFile());
		// 'auto' is 'forward' off Fly.io
		builder.environment().remove("FLY_APP_NAME");
		return builder.start();
	}

	private void awaitHealth(Process app, int port, String role) throws Exception {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
		while (true) {
			assertThat(app.isAlive()).as("the %s is running", role).isTrue();
			try {
				if (send(HttpRequest.newBuilder(url(port, "/actuator/health"))).statusCode() == 200) {
					return;
				}
			}
			catch (ConnectException ex) {
				// not listening yet
			}
			assertThat(System.nanoTime()).as("the %s answered within 120 s", role).isLessThan(deadline);
			Thread.sleep(200);
		}
	}

	private String log(String role) throws IOException {
		Path log = this.logs.resolve(role + ".log");
		return Files.exists(log) ? Files.readString(log) : "(nothing)";
	}

	private static void stop(Process app) throws InterruptedException {
		app.destroy();
		if (!app.waitFor(30, TimeUnit.SECONDS)) {
			app.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
		}
	}

	private static URI url(int port, String path) {
		return URI.create("http://127.0.0.1:" + port + path);
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
		return this.http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
	}

}
