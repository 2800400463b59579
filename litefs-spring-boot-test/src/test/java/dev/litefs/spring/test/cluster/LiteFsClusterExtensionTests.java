package dev.litefs.spring.test.cluster;

import java.time.Duration;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link LiteFsClusterTest}: one real cluster per class, as the annotation describes it. */
@LiteFsClusterTest(hostnames = { "east", "west", "north" }, primary = 1)
class LiteFsClusterExtensionTests {

	static LiteFsCluster beforeAll;

	private final LiteFsCluster constructed;

	LiteFsClusterExtensionTests(LiteFsCluster cluster) {
		this.constructed = cluster;
	}

	@BeforeAll
	static void remember(LiteFsCluster cluster) {
		beforeAll = cluster;
	}

	@Test
	void theClusterHasTheNodesAndThePrimaryTheAnnotationNames(LiteFsCluster cluster) {
		assertThat(cluster).isSameAs(this.constructed).isSameAs(beforeAll);
		assertThat(cluster.nodes()).extracting(LiteFsCluster.Node::hostname).containsExactly("east", "west", "north");
		assertThat(cluster.primary().hostname()).isEqualTo("west");
		for (LiteFsCluster.Node replica : cluster.replicas()) {
			assertThat(replica.isRunning()).isTrue();
			replica.awaitPrimaryFile(Duration.ofSeconds(15));
		}
	}

	@Test
	void everyTestOfTheClassSharesIt(LiteFsCluster cluster) {
		assertThat(cluster).isSameAs(beforeAll);
		assertThat(cluster.primary().isRunning()).isTrue();
	}

}
