package dev.litefs.benchmarks;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The benchmark's HTTP client against the JDK's HTTP server: answers of a length, chunked
 * and {@code 304}, one after the other on one connection, and again after the server
 * closed it.
 */
class KeepAliveClientTests {

	private HttpServer server;

	@BeforeEach
	void start() throws IOException {
		this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		this.server.createContext("/", (exchange) -> {
			String tag = exchange.getRequestHeaders().getFirst("If-None-Match");
			String path = exchange.getRequestURI().getPath();
			exchange.getResponseHeaders().set("ETag", "W/\"1\"");
			if ("W/\"1\"".equals(tag)) {
				exchange.sendResponseHeaders(304, -1);
			}
			else {
				if (path.equals("/close")) {
					exchange.getResponseHeaders().set("Connection", "close");
				}
				// a line break in the body: a client that reads it as lines fails
				byte[] body = "{\"title\":\r\n\"a post\"}".getBytes(StandardCharsets.UTF_8);
				exchange.sendResponseHeaders(200, path.equals("/chunked") ? 0 : body.length);
				try (OutputStream out = exchange.getResponseBody()) {
					out.write(body);
				}
			}
			exchange.close();
		});
		this.server.start();
	}

	@AfterEach
	void stop() {
		this.server.stop(0);
	}

	@Test
	void answersOfALengthChunkedAndNotModifiedFollowOnOneConnection() throws IOException {
		for (String path : new String[] { "/length", "/chunked" }) {
			try (KeepAliveClient client = new KeepAliveClient(uri(path))) {
				KeepAliveClient.Answer first = client.get(null);
				assertThat(first).isEqualTo(new KeepAliveClient.Answer(200, "W/\"1\""));
				assertThat(client.get(first.etag()).status()).isEqualTo(304);
				assertThat(client.get(null).status()).isEqualTo(200);
				assertThat(client.get("W/\"0\"").status()).isEqualTo(200);
			}
		}
	}

	@Test
	void aConnectionTheServerClosedIsOpenedAgain() throws IOException {
		try (KeepAliveClient client = new KeepAliveClient(uri("/close"))) {
			assertThat(client.get(null).status()).isEqualTo(200);
			assertThat(client.get(null).status()).isEqualTo(200);
		}
	}

	private URI uri(String path) {
		return URI.create("http://127.0.0.1:" + this.server.getAddress().getPort() + path);
	}

}
