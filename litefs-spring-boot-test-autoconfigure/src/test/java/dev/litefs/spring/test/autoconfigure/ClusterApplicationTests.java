package dev.litefs.spring.test.autoconfigure;

import java.time.Duration;

import dev.litefs.spring.test.cluster.LiteFsCluster;
import dev.litefs.spring.test.cluster.LiteFsClusterTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.test.web.servlet.client.ExchangeResult;

import static dev.litefs.spring.test.autoconfigure.LiteFsAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Applications on a real two-node LiteFS cluster: the primary (LiteFS hostname
 * 127.0.0.1, so {@code {primary}} resolves on loopback), and on the replica one that
 * forwards writes and one that replays them.
 */
@LiteFsClusterTest(hostnames = { "127.0.0.1", "node-b" })
class ClusterApplicationTests {

	static ClusterApplication primary;

	static ClusterApplication forwarding;

	static ClusterApplication replaying;

	@BeforeAll
	static void start(LiteFsCluster cluster) {
		primary = ClusterApplication.start(KitTestApplication.class, cluster.primary());
		// the primary's first write makes the database LiteFS ships to the replica
		primary.client().post().uri("/entries").exchange().expectStatus().isCreated();
		cluster.awaitReplicated("app.db", Duration.ofSeconds(20));
		forwarding = ClusterApplication.start(KitTestApplication.class, cluster.node(1),
				"--litefs.routing.strategy=forward",
				"--litefs.routing.forward.url-template=http://{primary}:" + primary.port());
		replaying = ClusterApplication.start(KitTestApplication.class, cluster.node(1),
				"--litefs.routing.strategy=fly-replay");
	}

	@AfterAll
	static void stop() {
		for (ClusterApplication application : new ClusterApplication[] { replaying, forwarding, primary }) {
			if (application != null) {
				application.close();
			}
		}
	}

	@Test
	void aWriteOnTheReplicaIsForwardedAndItsCookieIsReadOnTheReplica(LiteFsCluster cluster) {
		ExchangeResult written = forwarding.client().post().uri("/entries").exchange().returnResult();

		long txid = cluster.primary().txid("app.db");
		assertThat(written, forwarding.recorder()).wasForwarded().hasTxidCookie(txid);

		ExchangeResult read = forwarding.client()
			.get()
			.uri("/entries")
			.cookie("__txid", "%016x".formatted(txid))
			.exchange()
			.returnResult();
		assertThat(read.getStatus().value()).isEqualTo(200);
		assertThat(cluster.node(1).txid("app.db")).isGreaterThanOrEqualTo(txid);
	}

	@Test
	void aWriteOnTheOtherReplicaAppIsReplayedToThePrimary(LiteFsCluster cluster) {
		long before = cluster.primary().txid("app.db");

		ExchangeResult answer = replaying.client().post().uri("/entries").exchange().returnResult();

		assertThat(answer, replaying.recorder()).wasReplayedTo("127.0.0.1");
		assertThat(cluster.primary().txid("app.db")).as("nothing written").isEqualTo(before);
	}

}
