package dev.litefs.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The application as its {@code main} starts it records its start-up steps, which
 * {@code /actuator/startup} shows once exposed (the benchmarks' part 5 reads them).
 */
class SampleApplicationTests {

	@Test
	void showsItsStartupStepsWhenTheEndpointIsExposed(@TempDir Path mountDir) throws Exception {
		try (ConfigurableApplicationContext context = SampleApplication.application()
			.run("--server.port=0", "--server.address=127.0.0.1", "--litefs.mount-dir=" + mountDir,
					// a port nobody listens on: never another test's LiteFS on the default 20202
					"--litefs.api-url=http://127.0.0.1:1",
					"--management.endpoints.web.exposure.include=startup")) {
			String port = context.getEnvironment().getProperty("local.server.port");
			HttpResponse<String> startup = HttpClient.newHttpClient()
				.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/startup")).build(),
						HttpResponse.BodyHandlers.ofString());

			assertThat(startup.statusCode()).as(startup.body()).isEqualTo(200);
			// the step that created the node, among the steps of every bean
			assertThat(startup.body()).contains("\"spring.beans.instantiate\"")
				.contains("{\"key\":\"beanName\",\"value\":\"liteFsNode\"}");
		}
	}

}
