package dev.litefs.sample.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import dev.litefs.sample.DemoUser;
import dev.litefs.sample.SampleApplication;
import dev.litefs.spring.test.autoconfigure.ClusterApplication;
import dev.litefs.spring.test.cluster.LiteFsCluster;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The sample app as a real server over one node of a real LiteFS cluster (the kit's
 * {@link ClusterApplication}), with the plain-HTTP helpers the restart tests use.
 */
final class SampleNode implements AutoCloseable {

	private static final HttpClient http = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(5))
		.build();

	private static final JsonMapper json = JsonMapper.builder().build();

	private final ClusterApplication application;

	private SampleNode(ClusterApplication application) {
		this.application = application;
	}

	static SampleNode start(LiteFsCluster.Node node, String... args) {
		return new SampleNode(ClusterApplication.start(SampleApplication.class, node, args));
	}

	int port() {
		return this.application.port();
	}

	URI uri(String path) {
		return this.application.uri(path);
	}

	<T> T bean(Class<T> type) {
		return this.application.bean(type);
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
			.header(DemoUser.AUTHORIZATION, DemoUser.BASIC)
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
		this.application.close();
	}

}
