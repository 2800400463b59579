package dev.litefs.spring.actuate;

import java.nio.file.Path;

import dev.litefs.spring.node.LiteFsNode;
import dev.litefs.spring.node.Position;
import dev.litefs.spring.test.FakeLiteFsMount;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.test.web.servlet.assertj.MockMvcTester;

import static org.assertj.core.api.Assertions.assertThat;

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

	private static void assertTxid(MockMvcTester mvc, String db, double value) {
		assertThat(mvc.get().uri("/actuator/metrics/litefs.txid").param("tag", "db:" + db)).hasStatusOk()
			.bodyJson()
			.extractingPath("$.measurements[0].value")
			.asNumber()
			.satisfies((actual) -> assertThat(actual.doubleValue()).isEqualTo(value));
	}

}
