package dev.litefs.sample.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.litefs.sample.SampleApplication;
import dev.litefs.spring.test.cluster.LiteFsCluster;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The sample app as a real server on a random port over one node of a real LiteFS
 * cluster: its mount, its LiteFS hostname and its LiteFS API.
 */
final class SampleNode implements AutoCloseable {

	private static final HttpClient http = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(5))
		.build();

	private static final JsonMapper json = JsonMapper.builder().build();

	private final ConfigurableApplicationContext context;

	private SampleNode(ConfigurableApplicationContext context) {
		this.context = context;
	}

	static SampleNode start(LiteFsCluster.Node node, String... args) {
		Map<String, String> properties = new LinkedHashMap<>();
		for (String property : List.of("server.port=0", "server.address=127.0.0.1",
				"litefs.mount-dir=" + node.mountDir(), "litefs.hostname=" + node.hostname(),
				"litefs.api-url=" + node.apiUrl(), "litefs.poll-interval=100ms", "spring.main.banner-mode=off",
				"logging.level.root=WARN", "logging.level.dev.litefs=INFO")) {
			properties.put(property.substring(0, property.indexOf('=')), property);
		}
		// each argument, --name=value, replaces the default of that name
		for (String arg : args) {
			properties.put(arg.substring(2, arg.indexOf('=')), arg.substring(2));
		}
		String[] commandLine = properties.values().stream().map((property) -> "--" + property).toArray(String[]::new);
		return new SampleNode(new SpringApplicationBuilder(SampleApplication.class).run(commandLine));
	}

	int port() {
		return ((WebServerApplicationContext) this.context).getWebServer().getPort();
	}

	URI uri(String path) {
		return URI.create("http://127.0.0.1:" + port() + path);
	}

	<T> T bean(Class<T> type) {
		return this.context.getBean(type);
	}

	HttpRequest.Builder request(String path) {
		return HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30));
	}

	HttpResponse<String> get(String path, String... headers) {
		HttpRequest.Builder request = request(path).GET();
		if (headers.length > 0) {
			request.headers(headers);
		}
		return send(request);
	}

	HttpResponse<String> postJson(String path, String body) {
		return send(request(path).header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body)));
	}

	JsonNode getJson(String path) {
		return json(get(path).body());
	}

	static JsonNode json(String body) {
		return json.readTree(body);
	}

	static HttpResponse<String> send(HttpRequest.Builder request) {
		try {
			return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	@Override
	public void close() {
		this.context.close();
	}

}
