package dev.litefs.spring.actuate;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

import dev.litefs.spring.node.LiteFsNode;
import dev.litefs.spring.test.FakeLiteFsMount;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Actuator endpoints of a real application on a real server (random port), started
 * by {@code SpringApplication}: its availability probes, media types and Prometheus
 * scrape, as a load balancer and Kubernetes see them.
 */
class LiteFsActuatorServerTests {

	@TempDir
	Path dir;

	final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	ConfigurableApplicationContext context;

	@AfterEach
	void stop() {
		if (this.context != null) {
			this.context.close();
		}
	}

	int start(FakeLiteFsMount mount) {
		this.context = new SpringApplicationBuilder(ActuatorTestApplication.class)
			.properties(ActuatorTestApplication.PROPERTIES)
			.properties(mount.properties())
			.properties("server.port=0", "spring.main.banner-mode=off")
			.run();
		return ((WebServerApplicationContext) this.context).getWebServer().getPort();
	}

	HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
		return this.http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
			.timeout(Duration.ofSeconds(10))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	@Test
	void aLaggingReplicaLeavesRotationButStaysAliveUntilItCatchesUp() throws Exception {
		FakeLiteFsMount mount = FakeLiteFsMount.replicaOf(this.dir, "node-a").txid(3).lag(Duration.ofSeconds(20));
		int port = start(mount);

		HttpResponse<String> readiness = get(port, "/actuator/health/readiness");
		assertThat(readiness.statusCode()).isEqualTo(503);
		assertThat(readiness.body()).contains("\"status\":\"OUT_OF_SERVICE\"");
		assertThat(get(port, "/actuator/health/liveness").statusCode()).isEqualTo(200);
		assertThat(get(port, "/actuator/health").statusCode()).isEqualTo(503);

		mount.lag(Duration.ofMillis(40));
		this.context.getBean(LiteFsNode.class).refresh();
		assertThat(get(port, "/actuator/health/readiness").statusCode()).isEqualTo(200);
		assertThat(get(port, "/actuator/health").statusCode()).isEqualTo(200);
	}

	@Test
	void theEndpointAnswersActuatorJson() throws Exception {
		int port = start(FakeLiteFsMount.replicaOf(this.dir, "node-a").txid(3));
		HttpResponse<String> response = get(port, "/actuator/litefs");
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("application/vnd.spring-boot.actuator.v3+json"));
		assertThat(response.body()).contains("\"role\":\"replica\"", "\"primary\":\"node-a\"",
				"\"txid\":\"0000000000000003\"");
	}

	@Test
	void prometheusScrapesTheMetrics() throws Exception {
		int port = start(FakeLiteFsMount.primary(this.dir).txid(11));
		HttpResponse<String> response = get(port, "/actuator/prometheus");
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
				(type) -> assertThat(type).startsWith("text/plain"));
		assertThat(response.body()).contains("litefs_txid{db=\"app.db\"} 11.0", "litefs_primary 1.0", "litefs_lag_seconds 0.0");
	}

}
