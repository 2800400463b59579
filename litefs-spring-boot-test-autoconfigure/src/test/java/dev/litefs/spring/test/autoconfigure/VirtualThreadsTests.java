package dev.litefs.spring.test.autoconfigure;

import java.nio.file.Path;

import dev.litefs.spring.test.FakeLiteFsMount;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.test.web.servlet.client.RestTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The kit's applications serving requests on virtual threads (Java 21 and later), asked
 * for by {@code @AutoConfigureLiteFs(virtualThreads = true)} or by the system property
 * {@value ClusterApplication#VIRTUAL_THREADS}; each answer says which thread served it.
 */
@EnabledForJreRange(min = JRE.JAVA_21)
class VirtualThreadsTests {

	@Test
	void theSystemPropertyPutsAClusterApplicationOnVirtualThreads(@TempDir Path dir) {
		try (ClusterApplication application = startWithTheSystemProperty(dir)) {
			assertThat(thread(application.client())).isEqualTo("virtual");
		}
	}

	@Test
	void theApplicationsOwnPropertyWinsOverTheSystemProperty(@TempDir Path dir) {
		try (ClusterApplication application = startWithTheSystemProperty(dir,
				"--spring.threads.virtual.enabled=false")) {
			assertThat(thread(application.client())).isEqualTo("platform");
		}
	}

	/** Starts an application with the system property set, as a JVM run with it would. */
	private static ClusterApplication startWithTheSystemProperty(Path dir, String... args) {
		String before = System.setProperty(ClusterApplication.VIRTUAL_THREADS, "true");
		try {
			return ClusterApplication.start(KitTestApplication.class, FakeLiteFsMount.primary(dir), "node-a", args);
		}
		finally {
			if (before == null) {
				System.clearProperty(ClusterApplication.VIRTUAL_THREADS);
			}
			else {
				System.setProperty(ClusterApplication.VIRTUAL_THREADS, before);
			}
		}
	}

	static String thread(RestTestClient client) {
		return client.get().uri("/thread").exchange().expectStatus().isOk().returnResult(String.class).getResponseBody();
	}

	@Nested
	@SpringBootTest(classes = KitTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT)
	@AutoConfigureLiteFs(virtualThreads = true)
	class AskedForByTheAnnotation {

		@Test
		void requestsOverHttpRunOnVirtualThreads(@LocalServerPort int port) {
			RestTestClient client = RestTestClient.bindToServer(new JdkClientHttpRequestFactory())
				.baseUrl("http://127.0.0.1:" + port)
				.build();

			assertThat(thread(client)).isEqualTo("virtual");
		}

	}

}
