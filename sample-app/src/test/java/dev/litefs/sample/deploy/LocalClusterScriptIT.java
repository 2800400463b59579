package dev.litefs.sample.deploy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import dev.litefs.sample.DemoUser;
import dev.litefs.spring.test.cluster.LiteFsBinary;
import dev.litefs.spring.test.cluster.RealLiteFs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code deploy/local/run-local-cluster.sh} for real, on the packaged sample app (so an
 * integration test, after {@code package}): both nodes answer, a write on node-b reaches
 * node-a, node-b reads it back with its cookie, and SIGINT to its process group (what
 * Ctrl-C in a terminal sends) stops both with no mount left. It uses the script's fixed
 * ports, 8081, 8082, 20202 and 20203.
 */
@RealLiteFs
@EnabledOnOs(OS.LINUX)
class LocalClusterScriptIT {

	private static final Path SCRIPT = Path.of("deploy", "local", "run-local-cluster.sh");

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	@TempDir
	Path clusterDir;

	@Test
	void twoNodesAnswerAWriteOnNodeBReachesNodeAAndSigintStopsBoth() throws Exception {
		// in a process group of its own, so that SIGINT reaches all of it as Ctrl-C in a terminal does
		ProcessBuilder builder = new ProcessBuilder("setsid", "bash", SCRIPT.toString()).redirectErrorStream(true);
		builder.environment().put("LITEFS_BIN", LiteFsBinary.find().orElseThrow().path().toString());
		builder.environment().put("LOCAL_CLUSTER_DIR", this.clusterDir.toString());
		builder.environment()
			.put("PATH", Path.of(System.getProperty("java.home"), "bin") + ":" + System.getenv("PATH"));
		Process script = builder.start();
		List<String> output = new CopyOnWriteArrayList<>();
		CompletableFuture<Void> up = new CompletableFuture<>();
		Thread reader = new Thread(() -> {
			try (BufferedReader lines = new BufferedReader(
					new InputStreamReader(script.getInputStream(), StandardCharsets.UTF_8))) {
				for (String line = lines.readLine(); line != null; line = lines.readLine()) {
					output.add(line);
					if (line.startsWith("Two-node LiteFS cluster up")) {
						up.complete(null);
					}
				}
			}
			catch (java.io.IOException ex) {
				// the script ended
			}
			up.completeExceptionally(new IllegalStateException("the script ended before the cluster was up"));
		});
		reader.start();
		try {
			up.get(150, TimeUnit.SECONDS);

			HttpResponse<String> created = send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:8082/api/posts"))
				.header("Content-Type", "application/json")
				.header(DemoUser.AUTHORIZATION, DemoUser.BASIC)
				.POST(HttpRequest.BodyPublishers.ofString("{\"title\": \"From node-b\", \"body\": \"local cluster\"}")));
			assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
			assertThat(created.body()).contains("\"hostname\":\"127.0.0.1\"");
			String path = URI.create(created.headers().firstValue("Location").orElseThrow()).getPath();
			HttpResponse<String> onA = send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:8081" + path)));
			assertThat(onA.statusCode()).isEqualTo(200);
			assertThat(onA.body()).contains("From node-b");
			String cookie = created.headers().allValues("Set-Cookie").stream()
				.filter((value) -> value.startsWith("__txid="))
				.findFirst()
				.orElseThrow();
			HttpResponse<String> onB = send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:8082" + path))
				.header("Cookie", cookie.substring(0, cookie.indexOf(';'))));
			assertThat(onB.statusCode()).isEqualTo(200);
			assertThat(onB.body()).contains("From node-b");
		}
		finally {
			new ProcessBuilder("kill", "-INT", "--", "-" + script.pid()).start().waitFor(10, TimeUnit.SECONDS);
			boolean stopped = script.waitFor(60, TimeUnit.SECONDS);
			if (!stopped) {
				script.descendants().forEach(ProcessHandle::destroyForcibly);
				script.destroyForcibly();
			}
			assertThat(stopped).as("the script stopped on SIGINT; it printed:%n%s", String.join("\n", output)).isTrue();
		}
		assertThat(output).contains("Stopping both nodes...");
		assertThat(this.clusterDir.resolve("node-a.log")).content().contains("LiteFS mounted to");
		assertThat(Files.readString(Path.of("/proc/self/mountinfo"))).as("mounts left")
			.doesNotContain(this.clusterDir.toString());
		assertThat(ProcessHandle.allProcesses()
			.filter((process) -> process.info().arguments().map((args) -> String.join(" ", args)).orElse("")
				.contains("litefs-node-")))
			.as("LiteFS processes left")
			.isEmpty();
	}

	private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
		return this.http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
	}

}
