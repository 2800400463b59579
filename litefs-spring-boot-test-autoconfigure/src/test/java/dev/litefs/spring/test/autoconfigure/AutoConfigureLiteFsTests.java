package dev.litefs.spring.test.autoconfigure;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;

import dev.litefs.spring.node.LiteFsNode;
import dev.litefs.spring.node.NodeRole;
import dev.litefs.spring.routing.RoutingOutcome;
import dev.litefs.spring.test.autoconfigure.AutoConfigureLiteFs.Role;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.core.env.Environment;
import org.springframework.test.web.servlet.assertj.MockMvcTester;

import static dev.litefs.spring.test.autoconfigure.LiteFsAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A whole application on a replica's fake mount. The poll interval is an hour, so
 * whatever the node sees of a change it sees because the mount told it at once.
 */
@SpringBootTest(properties = { "litefs.poll-interval=1h", "litefs.routing.strategy=fly-replay" })
@AutoConfigureMockMvc
@AutoConfigureLiteFs(role = Role.REPLICA, primary = "node-a", txid = 5, lag = "2s")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AutoConfigureLiteFsTests {

	@Autowired
	MockMvcTester mvc;

	@Autowired
	LiteFsNode node;

	@Test
	void theApplicationRunsOnTheMountAsTheAnnotationSays(LiteFsTestMount mount, @Autowired Environment environment)
			throws IOException {
		assertThat(environment.getProperty("litefs.mount-dir")).isEqualTo(mount.dir().toString());
		assertThat(environment.getProperty("litefs.hostname")).isEqualTo("node-b").isEqualTo(mount.hostname());
		assertThat(Files.readString(mount.dir().resolve(".primary"))).isEqualTo("node-a\n");
		assertThat(this.node.state().role()).isEqualTo(NodeRole.REPLICA);
		assertThat(this.node.state().primary()).isEqualTo("node-a");
		assertThat(this.node.state().position().txid()).isEqualTo(5);
		assertThat(this.node.state().lag()).isEqualTo(Duration.ofSeconds(2));
	}

	@Test
	void aWriteIsReplayedToThePrimary(LiteFsRecorder recorder) {
		assertThat(this.mvc.post().uri("/notes")).wasReplayedTo("node-a").wasRouted(RoutingOutcome.REPLAYED);
		assertThat(recorder.routed()).singleElement()
			.isEqualTo(new LiteFsRecorder.Routed("POST", "/notes", "fly-replay", RoutingOutcome.REPLAYED));
	}

	@Test
	void aFailedAssertionSaysWhatCameInstead() {
		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> assertThat(this.mvc.post().uri("/notes")).wasReplayedTo("node-x"))
			.withMessageContaining("replayed to node-x")
			.withMessageContaining("409")
			.withMessageContaining("instance=node-a");
		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> assertThat(this.mvc.post().uri("/notes")).wasForwarded())
			.withMessageContaining("routed forwarded, but it was replayed by fly-replay");
		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> assertThat(this.mvc.get().uri("/notes")).hasTxidCookie(5))
			.withMessageContaining("cookie of TXID 0000000000000005, but the answer set none");
	}

	@Test
	@Order(1)
	void aPromotionIsSeenByTheVeryNextRequest(LiteFsTestMount mount) {
		mount.becomePrimary().txid(6);

		assertThat(this.node.state().role()).isEqualTo(NodeRole.PRIMARY);
		assertThat(this.mvc.post().uri("/notes")).hasTxidCookie(6);
		org.assertj.core.api.Assertions.assertThat(this.mvc.post().uri("/notes")).hasStatus(201)
			.hasBodyTextEqualTo("written on node-b");
	}

	@Test
	@Order(2)
	void eachTestStartsFromTheAnnotationsState() {
		assertThat(this.node.state().role()).isEqualTo(NodeRole.REPLICA);
		assertThat(this.node.state().position().txid()).isEqualTo(5);
		assertThat(this.mvc.post().uri("/notes")).wasReplayedTo("node-a");
	}

}
