package dev.litefs.spring.schema;

import java.net.http.HttpResponse;
import java.time.Duration;

import dev.litefs.spring.test.cluster.LiteFsCluster;
import dev.litefs.spring.test.cluster.RealLiteFs;
import dev.litefs.spring.testapp.TestNode;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.LivenessState;
import org.springframework.boot.availability.ReadinessState;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A replica started on a real cluster whose primary has no database yet gives up waiting
 * for the schema and starts anyway: it is live but not ready until the primary's
 * migrations have replicated to it, and then ready by itself.
 */
@RealLiteFs
class RealMissingSchemaReadinessTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	@Test
	void aReplicaThatStartedWithoutItsSchemaIsNotReadyUntilTheSchemaHasReplicated() {
		try (LiteFsCluster cluster = LiteFsCluster.builder().nodes(2).start()) {
			LiteFsCluster.Node nodeB = cluster.node(1);
			try (TestNode replica = TestNode.start(nodeB.mountDir(), "app.db", "node-b",
					"litefs.api-url=" + nodeB.apiUrl(), "litefs.routing.strategy=reject",
					"spring.flyway.enabled=true", "litefs.schema.replica-timeout=500ms",
					"testapp.plays-litefs=false", "management.endpoint.health.probes.enabled=true")) {
				assertThat(replica.bean(LiteFsFlywayMigrationStrategy.class).lastRun().orElseThrow().outcome())
					.isEqualTo(MigrationRun.Outcome.TIMED_OUT);
				await().atMost(TIMEOUT).until(() -> readiness(replica) == ReadinessState.REFUSING_TRAFFIC);
				HttpResponse<String> readiness = replica.get("/actuator/health/readiness");
				assertThat(readiness.statusCode()).as(readiness.body()).isEqualTo(503);
				assertThat(replica.bean(ApplicationAvailability.class).getLivenessState())
					.isEqualTo(LivenessState.CORRECT);
				assertThat(replica.get("/actuator/health/liveness").statusCode()).isEqualTo(200);

				Flyway.configure()
					.dataSource("jdbc:sqlite:" + cluster.primary().mountDir().resolve("app.db"), null, null)
					.load()
					.migrate();

				await().atMost(TIMEOUT).until(() -> readiness(replica) == ReadinessState.ACCEPTING_TRAFFIC);
				assertThat(replica.get("/actuator/health/readiness").statusCode()).isEqualTo(200);
				assertThat(replica.get("/actuator/health/liveness").statusCode()).isEqualTo(200);
				assertThat(replica.bean(LiteFsFlywayMigrationStrategy.class).lastRun()).hasValueSatisfying((run) -> {
					assertThat(run.outcome()).isEqualTo(MigrationRun.Outcome.REPLICATED);
					assertThat(run.schemaVersion()).isEqualTo("3");
				});
				assertThat(replica.get("/posts/count").statusCode()).isEqualTo(200);
			}
		}
	}

	private static ReadinessState readiness(TestNode node) {
		return node.bean(ApplicationAvailability.class).getReadinessState();
	}

}
