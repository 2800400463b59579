package dev.litefs.spring.routing;

import java.net.http.HttpResponse;

import dev.litefs.spring.node.NodeRole;
import dev.litefs.spring.node.NodeState;
import dev.litefs.spring.test.cluster.LiteFsCluster;
import dev.litefs.spring.test.cluster.RealLiteFs;
import dev.litefs.spring.testapp.TestNode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real replica whose primary never comes up: LiteFS mounts it, with no
 * {@code .primary}, a lag of {@code +2147483647} and {@code /info} naming no primary.
 * The role is unknown, never a guess, and writes get a 503 problem detail.
 */
@RealLiteFs
class RealNoPrimaryTests {

	@Test
	void theRoleIsUnknownAndWritesGet503() {
		try (LiteFsCluster cluster = LiteFsCluster.builder().nodes(2).start()) {
			LiteFsCluster.Node replica = cluster.node(1);
			cluster.primary().stop();
			// started again with its primary gone: it has never known one in this life
			replica.kill();
			replica.start();
			try (TestNode node = TestNode.start(replica.mountDir(), "app.db", "node-b",
					"litefs.api-url=" + replica.apiUrl(), "litefs.routing.strategy=forward")) {
				NodeState state = node.node().refresh();
				assertThat(state.role()).isEqualTo(NodeRole.UNKNOWN);
				assertThat(state.primary()).isNull();

				HttpResponse<String> write = node.postJson("/posts", "{\"title\":\"nowhere to go\"}");

				assertThat(write.statusCode()).as(write.body()).isEqualTo(503);
				assertThat(write.headers().firstValue("Content-Type")).hasValue("application/problem+json");
				assertThat(write.headers().firstValue("Retry-After")).isPresent();
				assertThat(write.body()).contains("No primary");
				assertThat(node.calls().of("create")).isZero();
				assertThat(replica.mountDir().resolve("app.db")).doesNotExist();
			}
			finally {
				// a replica that cannot reach its primary ignores SIGTERM: kill it rather than wait
				replica.kill();
			}
		}
	}

}
