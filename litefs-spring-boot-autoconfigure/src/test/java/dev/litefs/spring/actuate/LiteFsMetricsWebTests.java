package dev.litefs.spring.actuate;

import java.nio.file.Path;
import java.time.Duration;

import dev.litefs.spring.node.LiteFsNode;
import dev.litefs.spring.test.FakeLiteFsMount;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.test.web.servlet.assertj.MockMvcTester;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The {@code litefs.*} metrics at {@code /actuator/metrics} and
 * {@code /actuator/prometheus}, following the fake mount as it changes.
 */
class LiteFsMetricsWebTests {

	@TempDir
	Path dir;

	WebApplicationContextRunner runner(FakeLiteFsMount mount, String... properties) {
		return ActuatorTestApplication.runner()
			.withPropertyValues(mount.properties())
			.withPropertyValues(properties);
	}

	static void assertMetric(MockMvcTester mvc, String name, double value) {
		assertThat(mvc.get().uri("/actuator/metrics/" + name)).hasStatusOk()
			.bodyJson()
			.extractingPath("$.measurements[0].value")
			.asNumber()
			.satisfies((actual) -> assertThat(actual.doubleValue()).isEqualTo(value));
	}

	static void assertRoleChanges(MockMvcTester mvc, String role, double count) {
		assertThat(mvc.get().uri("/actuator/metrics/litefs.role.changes").param("tag", "role:" + role)).hasStatusOk()
			.bodyJson()
			.extractingPath("$.measurements[0].value")
			.asNumber()
			.satisfies((actual) -> assertThat(actual.doubleValue()).isEqualTo(count));
	}

	@Test
	void metricsFollowReplicationLagAndFailOver() {
		FakeLiteFsMount mount = FakeLiteFsMount.replicaOf(this.dir, "node-a").txid(5).lag(Duration.ofSeconds(20));
		runner(mount).run((context) -> {
			MockMvcTester mvc = MockMvcTester.from(context);
			LiteFsNode node = context.getBean(LiteFsNode.class);
			assertMetric(mvc, "litefs.txid", 5);
			assertMetric(mvc, "litefs.lag", 20);
			assertMetric(mvc, "litefs.primary", 0);
			assertRoleChanges(mvc, "primary", 0);

			mount.txid(7).lag(Duration.ofMillis(1500));
			node.refresh();
			assertMetric(mvc, "litefs.txid", 7);
			assertMetric(mvc, "litefs.lag", 1.5);
			assertMetric(mvc, "litefs.primary", 0);

			mount.becomePrimary().txid(8);
			node.refresh();
			assertMetric(mvc, "litefs.txid", 8);
			assertMetric(mvc, "litefs.lag", 0);
			assertMetric(mvc, "litefs.primary", 1);
			assertRoleChanges(mvc, "primary", 1);
			assertRoleChanges(mvc, "replica", 0);

			mount.becomeReplicaOf("node-c");
			node.refresh();
			assertMetric(mvc, "litefs.primary", 0);
			assertRoleChanges(mvc, "replica", 1);
			assertMetric(mvc, "litefs.role.changes", 2);
		});
	}

	@Test
	void metricsFollowTheMountWithoutBeingAsked() {
		FakeLiteFsMount mount = FakeLiteFsMount.replicaOf(this.dir, "node-a").txid(5);
		runner(mount, "litefs.poll-interval=50ms").run((context) -> {
			MockMvcTester mvc = MockMvcTester.from(context);
			mount.txid(6).becomePrimary();
			await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
				assertMetric(mvc, "litefs.txid", 6);
				assertMetric(mvc, "litefs.primary", 1);
				assertRoleChanges(mvc, "primary", 1);
			});
		});
	}

	@Test
	void metricsAreScrapedInPrometheusFormat() {
		FakeLiteFsMount mount = FakeLiteFsMount.replicaOf(this.dir, "node-a").txid(42).lag(Duration.ofMillis(2500));
		runner(mount).run((context) -> {
			MockMvcTester mvc = MockMvcTester.from(context);
			assertThat(mvc.get().uri("/actuator/prometheus")).hasStatusOk()
				.bodyText()
				.contains("# HELP litefs_txid TXID of the last transaction applied to the LiteFS database")
				.contains("# TYPE litefs_txid gauge", "litefs_txid{db=\"app.db\"} 42.0")
				.contains("# TYPE litefs_lag_seconds gauge", "litefs_lag_seconds 2.5")
				.contains("litefs_primary 0.0")
				.contains("# TYPE litefs_role_changes_total counter", "litefs_role_changes_total{role=\"primary\"} 0.0");
			mount.becomePrimary().txid(43);
			context.getBean(LiteFsNode.class).refresh();
			assertThat(mvc.get().uri("/actuator/prometheus")).hasStatusOk()
				.bodyText()
				.contains("litefs_txid{db=\"app.db\"} 43.0", "litefs_lag_seconds 0.0", "litefs_primary 1.0",
						"litefs_role_changes_total{role=\"primary\"} 1.0");
		});
	}

}
