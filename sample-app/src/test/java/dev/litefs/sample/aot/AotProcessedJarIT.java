package dev.litefs.sample.aot;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;

import dev.litefs.sample.DemoUser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged sample app (its {@code process-aot} output included, so an integration
 * test, after {@code package}) started as a child JVM with
 * {@code -Dspring.aot.enabled=true} on a plain directory, a standalone primary: Spring
 * Boot says it started the AOT-processed context, a post written over HTTP is read
 * back, and {@code /actuator/litefs} answers. The jar's native-image metadata carries the
 * starter's runtime hints. A jar built without {@code process-aot} does not start in AOT
 * mode, so this fails then.
 */
class AotProcessedJarIT {

	private static final String REACHABILITY_METADATA = "META-INF/native-image/dev.litefs/litefs-sample-app/reachability-metadata.json";

	private static final Pattern PORT = Pattern.compile("Tomcat started on port (\\d+)");

	private static final JsonMapper json = JsonMapper.builder().build();

	private final HttpClient http = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(5))
		.build();

	@TempDir
	Path mountDir;

	@Test
	void aotProcessedContextServesAWriteAReadAndTheLiteFsEndpoint() throws Exception {
		// failsafe passes the jar it packaged
		Path jar = Path.of(Objects.requireNonNull(System.getProperty("sample.jar"), "the system property sample.jar"));
		assertThat(jar).as("the packaged sample app (failsafe's sample.jar)").isRegularFile();
		try (JarFile archive = new JarFile(jar.toFile())) {
			ZipEntry metadata = archive.getEntry(REACHABILITY_METADATA);
			assertThat(metadata).as(REACHABILITY_METADATA + " in the jar").isNotNull();
			String hints = new String(archive.getInputStream(metadata).readAllBytes(), StandardCharsets.UTF_8);
			assertThat(hints).as("the starter's runtime hints in the native-image metadata")
				.contains("\"dev.litefs.spring.jdbc.BrokenMountEviction\"");
		}
		Process app = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
				"-Dspring.aot.enabled=true", "-jar", jar.toString(), "--server.port=0", "--server.address=127.0.0.1",
				"--spring.main.banner-mode=off", "--litefs.mount-dir=" + this.mountDir,
				// a port nobody listens on: never another test's LiteFS on the default 20202
				"--litefs.api-url=http://127.0.0.1:" + closedPort())
			.redirectErrorStream(true)
			.start();
		List<String> output = new CopyOnWriteArrayList<>();
		CompletableFuture<Integer> port = readPort(app, output);
		try {
			String base = "http://127.0.0.1:" + port.get(180, TimeUnit.SECONDS);
			assertThat(output).as("the start-up log").anyMatch((line) -> line.contains("Starting AOT-processed SampleApplication"));

			HttpResponse<String> created = send(HttpRequest.newBuilder(URI.create(base + "/api/posts"))
				.header("Content-Type", "application/json")
				.header(DemoUser.AUTHORIZATION, DemoUser.BASIC)
				.POST(HttpRequest.BodyPublishers.ofString("{\"title\": \"Ahead of time\", \"body\": \"written in AOT mode\"}")));
			assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
			String location = created.headers().firstValue("Location").orElseThrow();

			HttpResponse<String> read = send(HttpRequest.newBuilder(URI.create(base + location)));
			assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
			JsonNode post = json.readTree(read.body());
			assertThat(post.path("title").asString()).isEqualTo("Ahead of time");
			assertThat(post.path("body").asString()).isEqualTo("written in AOT mode");

			HttpResponse<String> litefs = send(HttpRequest.newBuilder(URI.create(base + "/actuator/litefs")));
			assertThat(litefs.statusCode()).as(litefs.body()).isEqualTo(200);
			JsonNode endpoint = json.readTree(litefs.body());
			assertThat(endpoint.path("role").asString()).isEqualTo("standalone");
			assertThat(endpoint.path("mountDir").asString()).isEqualTo(this.mountDir.toString());
			assertThat(endpoint.path("flyway").path("lastRun").path("outcome").asString()).isEqualTo("migrated");
			assertThat(Files.exists(this.mountDir.resolve("app.db"))).as("the database on the mount").isTrue();
		}
		catch (Exception | AssertionError ex) {
			throw new AssertionError(ex.getMessage() + "\nthe app printed:\n" + String.join("\n", output), ex);
		}
		finally {
			app.destroy();
			if (!app.waitFor(30, TimeUnit.SECONDS)) {
				app.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
			}
		}
	}

	/** Completes with the HTTP port once Tomcat says it, or fails if the app ends first. */
	private static CompletableFuture<Integer> readPort(Process app, List<String> output) {
		CompletableFuture<Integer> port = new CompletableFuture<>();
		Thread reader = new Thread(() -> {
			try (BufferedReader lines = new BufferedReader(
					new InputStreamReader(app.getInputStream(), StandardCharsets.UTF_8))) {
				for (String line = lines.readLine(); line != null; line = lines.readLine()) {
					output.add(line);
					Matcher matcher = PORT.matcher(line);
					if (matcher.find()) {
						port.complete(Integer.valueOf(matcher.group(1)));
					}
				}
			}
			catch (IOException ex) {
				// the app ended
			}
			port.completeExceptionally(new IllegalStateException("the app ended before its server started"));
		}, "aot-app-output");
		reader.setDaemon(true);
		reader.start();
		return port;
	}

	private static int closedPort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
		return this.http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
	}

}
