package dev.litefs.spring.actuate;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.HttpServer;
import dev.litefs.spring.node.LiteFsMount;
import dev.litefs.spring.node.LiteFsNode;
import dev.litefs.spring.test.FakeLiteFsMount;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.test.web.servlet.assertj.MockMvcTester;
import org.springframework.web.context.WebApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * {@code /actuator/litefs}, the {@code litefs} health component and {@code litefs} info
 * over HTTP, on fake mounts in every state.
 */
class LiteFsEndpointWebTests {

	@TempDir
	Path dir;

	WebApplicationContextRunner runner(Path mountDir, String... properties) {
		return ActuatorTestApplication.runner()
			.withPropertyValues("litefs.mount-dir=" + mountDir)
			.withPropertyValues(properties);
	}

	WebApplicationContextRunner runner(FakeLiteFsMount mount, String... properties) {
		return runner(mount.dir(), properties);
	}

	static MockMvcTester mvc(WebApplicationContext context) {
		return MockMvcTester.from(context);
	}

	@Nested
	class Primary {

		@Test
		void endpointShowsThePrimaryAndItsPosition() {
			FakeLiteFsMount mount = FakeLiteFsMount.primary(LiteFsEndpointWebTests.this.dir).txid(42);
			runner(mount).run((context) -> assertThat(mvc(context).get().uri("/actuator/litefs"))
				.hasStatusOk()
				.bodyJson()
				.isLenientlyEqualTo("""
						{
						  "role": "primary",
						  "hostname": "node-b",
						  "primary": "node-b",
						  "mountDir": "%s",
						  "mounted": true,
						  "readable": true,
						  "database": "app.db",
						  "txid": "000000000000002a",
						  "checksum": "%s",
						  "lagMillis": 0,
						  "problems": []
						}
						""".formatted(mount.dir().toAbsolutePath(),
						context.getBean(LiteFsNode.class).state().position().checksumHex())));
		}

		@Test
		void fieldsWithoutValueAreLeftOut() {
			FakeLiteFsMount.primary(LiteFsEndpointWebTests.this.dir);
			runner(LiteFsEndpointWebTests.this.dir).withUserConfiguration(NodeWithoutApi.class)
				.run((context) -> assertThat(mvc(context).get().uri("/actuator/litefs")).bodyJson()
					.doesNotHavePath("$.lastRoleChange")
					.doesNotHavePath("$.api")
					.hasPath("$.readAt")
					.extractingPath("$.role")
					.isEqualTo("primary"));
		}

		@Test
		void healthIsUpWithRolePrimaryTxidAndLag() {
			FakeLiteFsMount mount = FakeLiteFsMount.primary(LiteFsEndpointWebTests.this.dir).txid(42);
			runner(mount).run((context) -> assertThat(mvc(context).get().uri("/actuator/health/litefs"))
				.hasStatusOk()
				.bodyJson()
				.isStrictlyEqualTo("""
						{
						  "status": "UP",
						  "details": { "role": "primary", "primary": "node-b", "txid": "000000000000002a", "lagMillis": 0 }
						}
						"""));
		}

		@Test
		void infoShowsRoleHostnameAndPrimary() {
			FakeLiteFsMount mount = FakeLiteFsMount.primary(LiteFsEndpointWebTests.this.dir);
			runner(mount).run((context) -> assertThat(mvc(context).get().uri("/actuator/info"))
				.hasStatusOk()
				.bodyJson()
				.isLenientlyEqualTo("""
						{ "litefs": { "role": "primary", "hostname": "node-b", "primary": "node-b" } }
						"""));
		}

		@Test
		void lastRoleChangeShowsWhenFromAndTo() {
			FakeLiteFsMount mount = FakeLiteFsMount.primary(LiteFsEndpointWebTests.this.dir);
			runner(mount).run((context) -> {
				mount.becomeReplicaOf("node-c");
				LiteFsNode node = context.getBean(LiteFsNode.class);
				node.refresh();
				String at = node.lastRoleChange().orElseThrow().getState().readAt().toString();
				assertThat(mvc(context).get().uri("/actuator/litefs")).bodyJson().isLenientlyEqualTo("""
						{
						  "role": "replica",
						  "primary": "node-c",
						  "lastRoleChange": {
						    "at": "%s", "from": "primary", "to": "replica", "previousPrimary": "node-b", "primary": "node-c"
						  }
						}
						""".formatted(at));
				assertThat(mvc(context).get().uri("/actuator/info"))
					.bodyJson()
					.isLenientlyEqualTo("""
							{ "litefs": { "role": "replica", "hostname": "node-b", "primary": "node-c" } }
							""");
			});
		}

	}

	@Nested
	class Replica {

		@Test
		void endpointShowsTheReplicaItsPrimaryAndLag() {
			FakeLiteFsMount mount = FakeLiteFsMount.replicaOf(LiteFsEndpointWebTests.this.dir, "node-a")
				.txid(5)
				.lag(Duration.ofMillis(12));
			runner(mount).run((context) -> assertThat(mvc(context).get().uri("/actuator/litefs")).bodyJson()
				.isLenientlyEqualTo("""
						{
						  "role": "replica", "hostname": "node-b", "primary": "node-a", "mounted": true,
						  "txid": "0000000000000005", "lagMillis": 12, "problems": []
						}
						"""));
		}

		@Test
		void healthIsUpWithinTheMaximumLag() {
			FakeLiteFsMount mount = FakeLiteFsMount.replicaOf(LiteFsEndpointWebTests.this.dir, "node-a")
				.txid(5)
				.lag(Duration.ofMillis(12));
			runner(mount).run((context) -> {
				assertThat(mvc(context).get().uri("/actuator/health/litefs")).hasStatusOk()
					.bodyJson()
					.isStrictlyEqualTo("""
							{
							  "status": "UP",
							  "details": { "role": "replica", "primary": "node-a", "txid": "0000000000000005", "lagMillis": 12 }
							}
							""");
				assertThat(mvc(context).get().uri("/actuator/health/readiness")).hasStatusOk();
			});
		}

		@Test
		void infoShowsTheReplicaAndItsPrimary() {
			FakeLiteFsMount mount = FakeLiteFsMount.replicaOf(LiteFsEndpointWebTests.this.dir, "node-a");
			runner(mount).run((context) -> assertThat(mvc(context).get().uri("/actuator/info")).bodyJson()
				.isLenientlyEqualTo("""
						{ "litefs": { "role": "replica", "hostname": "node-b", "primary": "node-a" } }
						"""));
		}

		@Test
		void aReplicaConnectedToNoPrimaryIsOutOfService() {
			FakeLiteFsMount mount = FakeLiteFsMount.replicaOf(LiteFsEndpointWebTests.this.dir, "node-a")
				.loseConnection();
			runner(mount).run((context) -> {
				assertThat(mvc(context).get().uri("/actuator/health/litefs")).hasStatus(503)
					.bodyJson()
					.isLenientlyEqualTo("""
							{ "status": "OUT_OF_SERVICE", "details": { "role": "unknown", "lagMillis": 2147483647 } }
							""");
				assertThat(mvc(context).get().uri("/actuator/health/litefs")).bodyJson()
					.extractingPath("$.details.reason")
					.asString()
					.startsWith("no primary is known: no .primary");
				assertThat(mvc(context).get().uri("/actuator/litefs")).bodyJson()
					.doesNotHavePath("$.primary")
					.extractingPath("$.role")
					.isEqualTo("unknown");
			});
		}

	}

	@Nested
	class Lagging {

		@Test
		void aReplica20sBehindIsOutOfServiceButAlive() {
			FakeLiteFsMount mount = FakeLiteFsMount.replicaOf(LiteFsEndpointWebTests.this.dir, "node-a")
				.txid(5)
				.lag(Duration.ofSeconds(20));
			runner(mount).run((context) -> {
				MockMvcTester mvc = mvc(context);
				assertThat(mvc.get().uri("/actuator/health/litefs")).hasStatus(503).bodyJson().isStrictlyEqualTo("""
						{
						  "status": "OUT_OF_SERVICE",
						  "details": {
						    "reason": "replication lag of 20000ms exceeds litefs.health.max-lag (10000ms)",
						    "role": "replica", "primary": "node-a", "txid": "0000000000000005", "lagMillis": 20000
						  }
						}
						""");
				assertThat(mvc.get().uri("/actuator/health/readiness")).hasStatus(503)
					.bodyJson()
					.isLenientlyEqualTo("""
							{ "status": "OUT_OF_SERVICE" }
							""");
				assertThat(mvc.get().uri("/actuator/health/liveness")).hasStatusOk()
					.bodyJson()
					.isLenientlyEqualTo("""
							{ "status": "UP" }
							""");
				assertThat(mvc.get().uri("/actuator/litefs")).bodyJson().isLenientlyEqualTo("""
						{ "role": "replica", "lagMillis": 20000 }
						""");
			});
		}

		@Test
		void theMaximumLagIsAProperty() {
			FakeLiteFsMount mount = FakeLiteFsMount.replicaOf(LiteFsEndpointWebTests.this.dir, "node-a")
				.lag(Duration.ofSeconds(20));
			runner(mount, "litefs.health.max-lag=30s").run((context) -> {
				assertThat(mvc(context).get().uri("/actuator/health/litefs")).hasStatusOk();
				mount.lag(Duration.ofSeconds(31));
				context.getBean(LiteFsNode.class).refresh();
				assertThat(mvc(context).get().uri("/actuator/health/litefs")).hasStatus(503)
					.bodyJson()
					.extractingPath("$.status")
					.isEqualTo("OUT_OF_SERVICE");
			});
		}

		@Test
		void catchingUpBringsTheReplicaBackIntoRotation() {
			FakeLiteFsMount mount = FakeLiteFsMount.replicaOf(LiteFsEndpointWebTests.this.dir, "node-a")
				.lag(Duration.ofSeconds(20));
			runner(mount).run((context) -> {
				assertThat(mvc(context).get().uri("/actuator/health/readiness")).hasStatus(503);
				mount.lag(Duration.ofMillis(3));
				context.getBean(LiteFsNode.class).refresh();
				assertThat(mvc(context).get().uri("/actuator/health/readiness")).hasStatusOk();
			});
		}

		@Test
		void aConfiguredReadinessGroupGetsTheLiteFsComponentToo() {
			FakeLiteFsMount mount = FakeLiteFsMount.replicaOf(LiteFsEndpointWebTests.this.dir, "node-a")
				.lag(Duration.ofSeconds(20));
			runner(mount, "management.endpoint.health.group.readiness.include=readinessState",
					"management.endpoint.health.group.readiness.show-components=always")
				.run((context) -> assertThat(mvc(context).get().uri("/actuator/health/readiness")).hasStatus(503)
					.bodyJson()
					.isLenientlyEqualTo("""
							{
							  "status": "OUT_OF_SERVICE",
							  "components": { "litefs": { "status": "OUT_OF_SERVICE" }, "readinessState": { "status": "UP" } }
							}
							"""));
		}

		@Test
		void withoutProbesThereIsNoReadinessGroupToJoin() {
			FakeLiteFsMount mount = FakeLiteFsMount.replicaOf(LiteFsEndpointWebTests.this.dir, "node-a")
				.lag(Duration.ofSeconds(20));
			runner(mount, "management.endpoint.health.probes.enabled=false").run((context) -> {
				assertThat(mvc(context).get().uri("/actuator/health/readiness")).hasStatus(404);
				assertThat(mvc(context).get().uri("/actuator/health/litefs")).hasStatus(503);
			});
		}

	}

	@Nested
	class Standalone {

		@Test
		void aPlainDirectoryIsAStandalonePrimary() {
			runner(LiteFsEndpointWebTests.this.dir).run((context) -> {
				assertThat(mvc(context).get().uri("/actuator/litefs")).bodyJson().isLenientlyEqualTo("""
						{
						  "role": "standalone", "hostname": "node-b", "primary": "node-b", "mounted": false,
						  "readable": true, "txid": "0000000000000000", "checksum": "0000000000000000",
						  "lagMillis": 0, "problems": []
						}
						""");
				assertThat(mvc(context).get().uri("/actuator/health/litefs")).hasStatusOk()
					.bodyJson()
					.isStrictlyEqualTo("""
							{
							  "status": "UP",
							  "details": { "role": "standalone", "primary": "node-b", "txid": "0000000000000000", "lagMillis": 0 }
							}
							""");
				assertThat(mvc(context).get().uri("/actuator/info")).bodyJson().isLenientlyEqualTo("""
						{ "litefs": { "role": "standalone", "hostname": "node-b", "primary": "node-b" } }
						""");
			});
		}

	}

	@Nested
	class Broken {

		@Test
		void aMissingMountIsDownAndSaysWhichDirectory() {
			Path missing = LiteFsEndpointWebTests.this.dir.resolve("missing");
			runner(missing).run((context) -> {
				MockMvcTester mvc = mvc(context);
				assertThat(mvc.get().uri("/actuator/health/litefs")).hasStatus(503).bodyJson().isStrictlyEqualTo("""
						{
						  "status": "DOWN",
						  "details": { "mountDir": "%s", "reason": "the mount directory does not exist or cannot be read" }
						}
						""".formatted(missing.toAbsolutePath()));
				assertThat(mvc.get().uri("/actuator/health")).hasStatus(503);
				assertThat(mvc.get().uri("/actuator/health/readiness")).hasStatus(503);
				assertThat(mvc.get().uri("/actuator/health/liveness")).hasStatusOk();
				assertThat(mvc.get().uri("/actuator/litefs")).hasStatusOk().bodyJson().isLenientlyEqualTo("""
						{
						  "role": "unknown", "readable": false, "mountDir": "%s",
						  "problems": ["mount directory %s does not exist or cannot be read"]
						}
						""".formatted(missing.toAbsolutePath(), missing));
				assertThat(mvc.get().uri("/actuator/info")).bodyJson().isLenientlyEqualTo("""
						{ "litefs": { "role": "unknown", "hostname": "node-b" } }
						""");
				assertThat(mvc.get().uri("/actuator/info")).bodyJson().doesNotHavePath("$.litefs.primary");
			});
		}

		@Test
		void aMalformedPositionFileIsDownAndSaysWhichFileAndWhy() {
			FakeLiteFsMount mount = FakeLiteFsMount.primary(LiteFsEndpointWebTests.this.dir)
				.write("app.db-pos", "000000000000002a/xyz\n");
			Path file = mount.dir().resolve("app.db-pos");
			runner(mount).run((context) -> {
				assertThat(mvc(context).get().uri("/actuator/health/litefs")).hasStatus(503)
					.bodyJson()
					.isStrictlyEqualTo("""
							{
							  "status": "DOWN",
							  "details": {
							    "file": "%s",
							    "reason": "expected 16 hex digits, '/', 16 hex digits and a newline, got \\"000000000000002a/xyz\\\\x0a\\" (21 characters)"
							  }
							}
							""".formatted(file));
				assertThat(mvc(context).get().uri("/actuator/litefs")).bodyJson()
					.isLenientlyEqualTo("""
							{ "role": "primary", "txid": "0000000000000000" }
							""");
				assertThat(mvc(context).get().uri("/actuator/litefs")).bodyJson()
					.extractingPath("$.problems[0]")
					.asString()
					.startsWith(file + ": expected 16 hex digits");
			});
		}

		@Test
		void aMalformedPrimaryFileIsDown() {
			FakeLiteFsMount mount = FakeLiteFsMount.replicaOf(LiteFsEndpointWebTests.this.dir, "node-a")
				.write(".primary", "\n");
			runner(mount).run((context) -> assertThat(mvc(context).get().uri("/actuator/health/litefs"))
				.hasStatus(503)
				.bodyJson()
				.isLenientlyEqualTo("""
						{ "status": "DOWN", "details": { "file": "%s" } }
						""".formatted(mount.dir().resolve(".primary"))));
		}

		@Test
		void theHealthComponentFollowsTheFilesAsTheyChange() {
			FakeLiteFsMount mount = FakeLiteFsMount.primary(LiteFsEndpointWebTests.this.dir);
			runner(mount).run((context) -> {
				assertThat(mvc(context).get().uri("/actuator/health/litefs")).hasStatusOk();
				mount.write(".lag", "lagging\n");
				assertThat(mvc(context).get().uri("/actuator/health/litefs")).hasStatus(503)
					.bodyJson()
					.extractingPath("$.details.file")
					.isEqualTo(mount.dir().resolve(".lag").toString());
				mount.becomePrimary();
				assertThat(mvc(context).get().uri("/actuator/health/litefs")).hasStatusOk();
			});
		}

	}

	@Nested
	class Api {

		@Test
		void whenTheApiAnswersItsInfoIsShown() throws IOException {
			HttpServer api = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
			api.createContext("/info", (exchange) -> {
				byte[] body = """
						{"clusterID":"LFSC1234","isPrimary":false,"candidate":true,"path":"/var/lib/litefs",
						 "primary":{"hostname":"node-a"}}""".getBytes(StandardCharsets.UTF_8);
				exchange.sendResponseHeaders(200, body.length);
				try (OutputStream out = exchange.getResponseBody()) {
					out.write(body);
				}
			});
			api.start();
			try {
				String url = "http://127.0.0.1:" + api.getAddress().getPort();
				FakeLiteFsMount mount = FakeLiteFsMount.replicaOf(LiteFsEndpointWebTests.this.dir, "node-a");
				runner(mount, "litefs.api-url=" + url).run((context) -> assertThat(
						mvc(context).get().uri("/actuator/litefs"))
					.bodyJson()
					.isLenientlyEqualTo("""
							{
							  "role": "replica",
							  "api": {
							    "url": "%s", "answered": true, "clusterId": "LFSC1234", "isPrimary": false,
							    "candidate": true, "primary": "node-a"
							  }
							}
							""".formatted(url)));
			}
			finally {
				api.stop(0);
			}
		}

		@Test
		void anApiThatHangsIsReportedWithinItsTimeout() throws IOException {
			try (HangingServer api = new HangingServer()) {
				FakeLiteFsMount mount = FakeLiteFsMount.replicaOf(LiteFsEndpointWebTests.this.dir, "node-a").txid(9);
				runner(mount, "litefs.api-url=" + api.url(), "litefs.api-timeout=300ms").run((context) -> {
					long start = System.nanoTime();
					assertThat(mvc(context).get().uri("/actuator/litefs")).hasStatusOk()
						.bodyJson()
						.isLenientlyEqualTo("""
								{ "role": "replica", "txid": "0000000000000009", "api": { "url": "%s", "answered": false } }
								""".formatted(api.url()));
					assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
					assertThat(api.accepted()).isPositive();
				});
			}
		}

		@Test
		void anApiThatIsDownIsReported() throws IOException {
			int port;
			try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
				port = closed.getLocalPort();
			}
			String url = "http://127.0.0.1:" + port;
			FakeLiteFsMount mount = FakeLiteFsMount.replicaOf(LiteFsEndpointWebTests.this.dir, "node-a");
			runner(mount, "litefs.api-url=" + url).run((context) -> assertThat(
					mvc(context).get().uri("/actuator/litefs"))
				.hasStatusOk()
				.bodyJson()
				.isLenientlyEqualTo("""
						{ "api": { "url": "%s", "answered": false } }
						""".formatted(url)));
		}

	}

	@Nested
	class Contributors {

		@Test
		void eachContributorAddsItsSectionInOrder() {
			FakeLiteFsMount mount = FakeLiteFsMount.primary(LiteFsEndpointWebTests.this.dir);
			runner(mount).withUserConfiguration(Sections.class).run((context) -> {
				assertThat(mvc(context).get().uri("/actuator/litefs")).bodyJson().isLenientlyEqualTo("""
						{
						  "role": "primary",
						  "region": { "name": "ams" },
						  "zone": { "name": "ams-1" }
						}
						""");
				assertThat(context.getBean(LiteFsEndpoint.class).litefs().keySet()).containsSubsequence("region", "zone");
			});
		}

		@Test
		void aSectionMayNotHideTheNodesOwnFields() {
			FakeLiteFsMount mount = FakeLiteFsMount.primary(LiteFsEndpointWebTests.this.dir);
			runner(mount).run((context) -> {
				LiteFsEndpoint endpoint = new LiteFsEndpoint(context.getBean(LiteFsNode.class),
						List.of(section("txid", "ffffffffffffffff")));
				assertThatIllegalStateException().isThrownBy(endpoint::litefs)
					.withMessageContaining("names its section 'txid', which /actuator/litefs already has");
			});
		}

		static LiteFsEndpointContributor section(String name, Object content) {
			return new LiteFsEndpointContributor() {

				@Override
				public String name() {
					return name;
				}

				@Override
				public Object describe() {
					return content;
				}

			};
		}

		@Configuration(proxyBeanMethods = false)
		static class Sections {

			@Bean
			@Order(2)
			LiteFsEndpointContributor zoneSection() {
				return section("zone", Map.of("name", "ams-1"));
			}

			@Bean
			@Order(1)
			LiteFsEndpointContributor regionSection() {
				return section("region", Map.of("name", "ams"));
			}

		}

	}

	@Configuration(proxyBeanMethods = false)
	static class NodeWithoutApi {

		@Bean
		LiteFsNode liteFsNode(ApplicationEventPublisher events, @Value("${litefs.mount-dir}") Path mountDir) {
			return new LiteFsNode(new LiteFsMount(mountDir, "app.db"), "node-b", null, Duration.ofSeconds(1), events);
		}

	}

	/**
	 * A server that accepts connections and never answers.
	 */
	static final class HangingServer implements AutoCloseable {

		private final ServerSocket socket;

		private final List<Socket> accepted = new CopyOnWriteArrayList<>();

		HangingServer() throws IOException {
			this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
			Thread acceptor = new Thread(() -> {
				try {
					while (true) {
						this.accepted.add(this.socket.accept());
					}
				}
				catch (IOException ex) {
					// closed
				}
			}, "hanging-server");
			acceptor.setDaemon(true);
			acceptor.start();
		}

		String url() {
			return "http://127.0.0.1:" + this.socket.getLocalPort();
		}

		int accepted() {
			return this.accepted.size();
		}

		@Override
		public void close() throws IOException {
			this.socket.close();
			for (Socket connection : this.accepted) {
				connection.close();
			}
		}

	}

}
