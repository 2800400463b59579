package dev.litefs.sample.posts;

import java.nio.file.Path;

import dev.litefs.spring.node.autoconfigure.LiteFsNodeAutoConfiguration;
import dev.litefs.spring.node.LiteFsNode;
import dev.litefs.spring.test.FakeLiteFsMount;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * README, "Testing your application", unit level: one component of the app and the
 * starter's node, on a fake mount, without a server.
 */
class ServingNodeUnitTests {

	@TempDir
	Path tempDir;

	@Test
	void theFooterFollowsTheNodeThroughAFailOver() {
		FakeLiteFsMount mount = FakeLiteFsMount.replicaOf(this.tempDir, "node-a").txid(5);
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(LiteFsNodeAutoConfiguration.class))
			.withBean(ServingNode.class)
			.withPropertyValues(mount.properties())
			.withPropertyValues("litefs.hostname=node-b", "litefs.api-url=http://127.0.0.1:1")
			.run((context) -> {
				ServingNode serving = context.getBean(ServingNode.class);
				assertThat(serving.footer()).isEqualTo(new NodeFooter("node-b", "replica", "node-a", "0000000000000005"));

				mount.becomePrimary().txid(6);            // fail-over: node-b is promoted
				context.getBean(LiteFsNode.class).refresh(); // read now, not at the next poll

				assertThat(serving.footer()).isEqualTo(new NodeFooter("node-b", "primary", null, "0000000000000006"));
			});
	}

}
