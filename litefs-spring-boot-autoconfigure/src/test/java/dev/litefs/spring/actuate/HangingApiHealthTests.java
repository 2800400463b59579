package dev.litefs.spring.actuate;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.litefs.spring.test.FakeLiteFsMount;
import dev.litefs.spring.testapp.TestNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A LiteFS API that takes connections and never answers (LiteFS hung, or an address
 * that swallows them) does not hold the {@code litefs} health component: a health
 * answer asks the API nothing, it takes the node's last word on it.
 */
class HangingApiHealthTests {

	private static final JsonMapper json = new JsonMapper();

	@Test
	void aHealthAnswerDoesNotAskAnApiThatHangs(@TempDir Path dir) throws IOException {
		FakeLiteFsMount mount = FakeLiteFsMount.replicaOf(dir, "node-a").txid(3);
		try (HangingApi api = new HangingApi();
				TestNode node = TestNode.start(mount, "node-b", "litefs.api-url=http://127.0.0.1:" + api.port(),
						"litefs.api-timeout=1s", "litefs.poll-interval=1h",
						"management.endpoints.web.exposure.include=health",
						"management.endpoint.health.show-details=always")) {
			long asked = api.infoRequests();
			HttpResponse<String> health = node.get("/actuator/health/litefs");
			assertThat(health.statusCode()).isEqualTo(200);
			JsonNode body = json.readTree(health.body());
			assertThat(body.get("status").asString()).isEqualTo("UP");
			assertThat(body.get("details").get("role").asString()).isEqualTo("replica");
			// the node's own GET /info at start-up went unanswered: no word of the stream either
			assertThat(body.get("details").has("events")).isFalse();
			assertThat(api.infoRequests()).isEqualTo(asked);
		}
	}

	/** Reads each request's first line and never answers. */
	private static final class HangingApi implements AutoCloseable {

		private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());

		private final Queue<String> requestLines = new ConcurrentLinkedQueue<>();

		private final List<Socket> held = new CopyOnWriteArrayList<>();

		HangingApi() throws IOException {
			Thread accepting = new Thread(this::accept, "hanging-litefs-api");
			accepting.setDaemon(true);
			accepting.start();
		}

		int port() {
			return this.server.getLocalPort();
		}

		long infoRequests() {
			return this.requestLines.stream().filter((line) -> line.startsWith("GET /info ")).count();
		}

		private void accept() {
			while (!this.server.isClosed()) {
				try {
					Socket socket = this.server.accept();
					this.held.add(socket);
					String line = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
						.readLine();
					if (line != null) {
						this.requestLines.add(line);
					}
				}
				catch (IOException ex) {
					// closed
				}
			}
		}

		@Override
		public void close() throws IOException {
			this.server.close();
			for (Socket socket : this.held) {
				socket.close();
			}
		}

	}

}
