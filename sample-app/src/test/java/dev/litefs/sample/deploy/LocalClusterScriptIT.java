package dev.litefs.sample.deploy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * Ctrl-C in a terminal sends) stops both with no mount left. It gives the script ports
 * the OS found free, and holds one to see the script name it.
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
		Map<String, Integer> ports = freePorts();
		String nodeA = "http://127.0.0.1:" + ports.get("NODE_A_PORT");
		String nodeB = "http://127.0.0.1:" + ports.get("NODE_B_PORT");
		// in a process group of its own, so that SIGINT reaches all of it as Ctrl-C in a terminal does
		Process script = script(ports, "setsid", "bash", SCRIPT.toString()).start();
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

			HttpResponse<String> created = send(HttpRequest.newBuilder(URI.create(nodeB + "/api/posts"))
				.header("Content-Type", "application/json")
				.header(DemoUser.AUTHORIZATION, DemoUser.BASIC)
				.POST(HttpRequest.BodyPublishers.ofString("{\"title\": \"From node-b\", \"body\": \"local cluster\"}")));
			assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
			assertThat(created.body()).contains("\"hostname\":\"127.0.0.1\"");
			String path = URI.create(created.headers().firstValue("Location").orElseThrow()).getPath();
			HttpResponse<String> onA = send(HttpRequest.newBuilder(URI.create(nodeA + path)));
			assertThat(onA.statusCode()).isEqualTo(200);
			assertThat(onA.body()).contains("From node-b");
			String cookie = created.headers().allValues("Set-Cookie").stream()
				.filter((value) -> value.startsWith("__txid="))
				.findFirst()
				.orElseThrow();
			HttpResponse<String> onB = send(HttpRequest.newBuilder(URI.create(nodeB + path))
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

	@Test
	void aPortSomethingElseListensOnIsNamedAndNothingStarts() throws Exception {
		try (ServerSocket held = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			Map<String, Integer> ports = freePorts();
			ports.put("NODE_B_LITEFS_PORT", held.getLocalPort());
			assertThat(failure(ports)).startsWith("run-local-cluster: port " + held.getLocalPort()
					+ ", node-b's LiteFS API (NODE_B_LITEFS_PORT), is taken: something listens on 127.0.0.1:"
					+ held.getLocalPort() + ".")
				.contains("NODE_B_LITEFS_PORT=" + (held.getLocalPort() + 10) + " ");
		}
	}

	@Test
	void aPortOutsideTheRangeIsNamedAndNothingStarts() throws Exception {
		Map<String, Integer> ports = freePorts();
		ports.put("NODE_A_PORT", 80801);
		assertThat(failure(ports))
			.isEqualTo("run-local-cluster: NODE_A_PORT=80801 is not a port: give it a number from 1 to 65535.\n");
	}

	/** Runs the script to its end, a failure before it made anything, and returns what it printed. */
	private String failure(Map<String, Integer> ports) throws Exception {
		Process script = script(ports, "bash", SCRIPT.toString()).start();
		if (!script.waitFor(30, TimeUnit.SECONDS)) {
			// SIGTERM: its trap stops the nodes it started and lifts their mounts
			script.destroy();
			script.waitFor(60, TimeUnit.SECONDS);
		}
		assertThat(script.isAlive()).as("the script still running").isFalse();
		String output = new String(script.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(script.exitValue()).as(output).isEqualTo(1);
		assertThat(this.clusterDir).as("what the script made").isEmptyDirectory();
		return output;
	}

	/** The script, with this machine's LiteFS and Java, its cluster in the test's folder, on these ports. */
	private ProcessBuilder script(Map<String, Integer> ports, String... command) {
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
		builder.environment().put("LITEFS_BIN", LiteFsBinary.find().orElseThrow().path().toString());
		builder.environment().put("LOCAL_CLUSTER_DIR", this.clusterDir.toString());
		builder.environment()
			.put("PATH", Path.of(System.getProperty("java.home"), "bin") + ":" + System.getenv("PATH"));
		ports.forEach((name, port) -> builder.environment().put(name, String.valueOf(port)));
		return builder;
	}

	/** The script's four ports, each one the OS found free (all held at once, so they differ). */
	private static Map<String, Integer> freePorts() throws IOException {
		Map<String, Integer> ports = new LinkedHashMap<>();
		List<ServerSocket> sockets = new ArrayList<>();
		try {
			for (String name : List.of("NODE_A_PORT", "NODE_B_PORT", "NODE_A_LITEFS_PORT", "NODE_B_LITEFS_PORT")) {
				ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
				sockets.add(socket);
				ports.put(name, socket.getLocalPort());
			}
		}
		finally {
			for (ServerSocket socket : sockets) {
				socket.close();
			}
		}
		return ports;
	}

	private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
		return this.http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
	}

}
