package dev.litefs.sample.cluster;

import dev.litefs.sample.DemoUser;
import dev.litefs.sample.SampleApplication;
import dev.litefs.spring.test.autoconfigure.ClusterApplication;
import dev.litefs.spring.test.cluster.LiteFsCluster;
import dev.litefs.spring.test.cluster.LiteFsClusterTest;
import org.junit.jupiter.api.Test;

import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.client.ExchangeResult;

import static dev.litefs.spring.test.autoconfigure.LiteFsAssertions.assertThat;

/**
 * docs/testing.md, real-cluster level: the app on both nodes of a
 * real two-node LiteFS cluster; a post on the replica is forwarded to the primary and
 * read back on the replica with its {@code __txid}.
 */
@LiteFsClusterTest(hostnames = { "127.0.0.1", "node-b" })
class TwoNodeExampleTests {

	@Test
	void aPostOnTheReplicaIsForwardedAndReadBackThere(LiteFsCluster cluster) {
		try (ClusterApplication primary = ClusterApplication.start(SampleApplication.class, cluster.primary());
				ClusterApplication replica = ClusterApplication.start(SampleApplication.class, cluster.node(1),
						"--litefs.routing.strategy=forward",
						"--litefs.routing.forward.url-template=http://{primary}:" + primary.port())) {
			ExchangeResult created = replica.client()
				.post()
				.uri("/api/posts")
			.header(DemoUser.AUTHORIZATION, DemoUser.BASIC)
				.contentType(MediaType.APPLICATION_JSON)
				.body("{\"title\": \"Hello from node-b\"}")
				.exchange()
				.returnResult();

			long txid = cluster.primary().txid("app.db");
			assertThat(created, replica.recorder()).wasForwarded().hasTxidCookie(txid);
			replica.client()
				.get()
				.uri(created.getResponseHeaders().getLocation())
				.cookie("__txid", "%016x".formatted(txid))
				.exchange()
				.expectStatus()
				.isOk();
		}
	}

}
