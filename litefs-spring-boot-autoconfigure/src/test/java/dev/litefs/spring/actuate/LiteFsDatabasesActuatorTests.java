package dev.litefs.spring.actuate;

import java.nio.file.Path;
import java.time.Duration;

import dev.litefs.spring.node.LiteFsApi;
import dev.litefs.spring.node.LiteFsMount;
import dev.litefs.spring.node.LiteFsNode;
import dev.litefs.spring.node.Position;
import dev.litefs.spring.test.FakeLiteFsApi;
import dev.litefs.spring.test.FakeLiteFsMount;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.test.web.servlet.assertj.MockMvcTester;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Several databases on the mount, as {@code /actuator/litefs}, the {@code litefs} health
 * component, {@code /actuator/info} and the metrics show them: each known database's
 * TXID, the lag once for the node.
 */
class LiteFsDatabasesActuatorTests {

	@TempDir
	Path dir;

	WebApplicationContextRunner runner(FakeLiteFsMount mount, String... properties) {
		return ActuatorTestApplication.runner().withPropertyValues(mount.properties()).withPropertyValues(properties);
	}

	@Test
	void theEndpointShowsEachKnownDatabaseAndWhetherThisNodeServesIt() {
		FakeLiteFsMount mount = FakeLiteFsMount.replicaOf(this.dir, "node-a").txid(42).txid("cache.db", 7);
		runner(mount, "litefs.databases=cache.db,missing.db").run((context) -> {
			Position app = context.getBean(LiteFsNode.class).state().position();
			assertThat(MockMvcTester.from(context).get().uri("/actuator/litefs")).hasStatusOk()
				.bodyJson()
				.isLenientlyEqualTo("""
						{
						  "database": "app.db",
						  "txid": "000000000000002a",
						  "databases": {
						    "app.db": { "txid": "000000000000002a", "checksum": "%s", "served": true },
						    "cache.db": { "txid": "0000000000000007", "checksum": "%s", "served": true },
						    "missing.db": { "txid": "0000000000000000", "checksum": "0000000000000000", "served": false }
						  }
						}
						""".formatted(app.checksumHex(), Position.toHex(FakeLiteFsMount.checksumOf(7))));
			assertThat(MockMvcTester.from(context).get().uri("/actuator/litefs")).bodyText()
				.as("main first, then as learnt")
				.containsSubsequence("\"app.db\":{\"txid\"", "\"cache.db\":{\"txid\"", "\"missing.db\":{\"txid\"");
		});
	}

	@Test
	void healthShowsEachDatabasesTxidAndTheNodesLagOnce() {
		FakeLiteFsMount mount = FakeLiteFsMount.replicaOf(this.dir, "node-a").txid(42).txid("cache.db", 7);
		runner(mount, "litefs.databases=cache.db").run((context) -> assertThat(
				MockMvcTester.from(context).get().uri("/actuator/health/litefs"))
			.hasStatusOk()
			.bodyJson()
			.isStrictlyEqualTo("""
					{
					  "status": "UP",
					  "details": { "role": "replica", "primary": "node-a", "txid": "000000000000002a",
					    "databases": { "app.db": "000000000000002a", "cache.db": "0000000000000007" },
					    "lagMillis": 0 }
					}
					"""));
	}

	@Test
	void infoListsTheKnownDatabases() {
		FakeLiteFsMount mount = FakeLiteFsMount.primary(this.dir).txid("cache.db", 7);
		runner(mount, "litefs.databases=cache.db").run((context) -> assertThat(
				MockMvcTester.from(context).get().uri("/actuator/info"))
			.hasStatusOk()
			.bodyJson()
			.isLenientlyEqualTo("""
					{ "litefs": { "role": "primary", "databases": ["app.db", "cache.db"] } }
					"""));
	}

	@Test
	void eachKnownDatabaseHasItsTxidGaugeEvenOneLearntAtRunTime() {
		FakeLiteFsMount mount = FakeLiteFsMount.primary(this.dir).txid(42).txid("cache.db", 7);
		runner(mount, "litefs.databases=cache.db").run((context) -> {
			MockMvcTester mvc = MockMvcTester.from(context);
			assertTxid(mvc, "app.db", 42);
			assertTxid(mvc, "cache.db", 7);
			assertThat(mvc.get().uri("/actuator/metrics/litefs.txid").param("tag", "db:tenant-1.db"))
				.hasStatus(404);

			mount.txid("tenant-1.db", 3);
			context.getBean(LiteFsNode.class).addDatabase("tenant-1.db");

			assertTxid(mvc, "tenant-1.db", 3);
			assertThat(mvc.get().uri("/actuator/prometheus")).hasStatusOk()
				.bodyText()
				.contains("litefs_txid{db=\"app.db\"} 42.0", "litefs_txid{db=\"cache.db\"} 7.0",
						"litefs_txid{db=\"tenant-1.db\"} 3.0")
				.containsOnlyOnce("# TYPE litefs_lag_seconds gauge")
				.contains("litefs_lag_seconds 0.0");
		});
	}

	@Test
	void aDatabaseLearntFromATxEventGetsItsGauge() {
		FakeLiteFsMount.replicaOf(this.dir, "node-a").txid(5);
		try (FakeLiteFsApi api = FakeLiteFsApi.start(false)) {
			LiteFsNode node = new LiteFsNode(new LiteFsMount(this.dir, "app.db"), "node-b",
					new LiteFsApi(api.url(), Duration.ofSeconds(2)), Duration.ofHours(1), (event) -> {
					});
			node.start();
			try {
				SimpleMeterRegistry registry = new SimpleMeterRegistry();
				new LiteFsMetrics(node).bindTo(registry);
				await().atMost(Duration.ofSeconds(10)).until(() -> api.openStreams() == 1);
				assertThat(registry.find("litefs.txid").tag("db", "tenant-9.db").gauge()).isNull();

				api.tx("tenant-9.db", 0x2b);

				await().atMost(Duration.ofSeconds(10))
					.until(() -> registry.find("litefs.txid").tag("db", "tenant-9.db").gauge() != null);
				assertThat(registry.get("litefs.txid").tag("db", "tenant-9.db").gauge().value()).isEqualTo(0x2b);
				assertThat(registry.get("litefs.txid").tag("db", "app.db").gauge().value()).isEqualTo(5);
				assertThat(registry.find("litefs.lag").meters()).as("one lag, the node's").hasSize(1);
			}
			finally {
				node.stop();
			}
		}
	}

	private static void assertTxid(MockMvcTester mvc, String db, double value) {
		assertThat(mvc.get().uri("/actuator/metrics/litefs.txid").param("tag", "db:" + db)).hasStatusOk()
			.bodyJson()
			.extractingPath("$.measurements[0].value")
			.asNumber()
			.satisfies((actual) -> assertThat(actual.doubleValue()).isEqualTo(value));
	}

}
