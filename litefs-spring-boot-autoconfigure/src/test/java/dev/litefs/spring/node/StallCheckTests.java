package dev.litefs.spring.node;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link StallCheck}: a TXID of the files no event announced within one check,
 * or a change of role no event announced, drops the stream.
 */
class StallCheckTests {

	private final StallCheck check = new StallCheck("app.db");

	@Test
	void filesThatShowWhatTheEventsAnnouncedAreNoStall() {
		this.check.agreed(position(5));
		this.check.announced(position(6));

		assertThat(this.check.check(replica(5), replica(6))).isNull();
		assertThat(this.check.check(replica(6), replica(6))).isNull();
	}

	@Test
	void aTxidOfTheFilesIsGivenOneCheckToBeAnnounced() {
		this.check.agreed(position(5));

		assertThat(this.check.check(replica(5), replica(6))).as("first seen").isNull();
		this.check.announced(position(6));
		assertThat(this.check.check(replica(6), replica(6))).as("announced meanwhile").isNull();
	}

	@Test
	void aTxidOfTheFilesNotAnnouncedByTheNextCheckIsAStall() {
		this.check.agreed(position(5));

		assertThat(this.check.check(replica(5), replica(6))).isNull();
		assertThat(this.check.check(replica(6), replica(6)))
			.isEqualTo("no tx event announced TXID 0000000000000006, which app.db-pos shows");
		assertThat(this.check.check(replica(6), replica(6))).as("the files are the stream's position until it is back")
			.isNull();
	}

	@Test
	void aChangeOfRoleTheFilesShowIsAStall() {
		this.check.agreed(position(5));

		assertThat(this.check.check(replica(5), primary(5)))
			.isEqualTo("the files show a change of role no event announced");
	}

	@Test
	void agreeingForgetsWhatWasNotAnnounced() {
		this.check.agreed(position(5));
		assertThat(this.check.check(replica(5), replica(6))).isNull();

		this.check.agreed(position(6));

		assertThat(this.check.check(replica(6), replica(6))).isNull();
	}

	private static Position position(long txid) {
		return new Position(txid, 0);
	}

	private static NodeState replica(long txid) {
		return new NodeState(NodeRole.REPLICA, "node-b", "node-a", position(txid), Duration.ZERO, true, true,
				List.of(), Instant.EPOCH, null);
	}

	private static NodeState primary(long txid) {
		return new NodeState(NodeRole.PRIMARY, "node-b", "node-b", position(txid), Duration.ZERO, true, true,
				List.of(), Instant.EPOCH, null);
	}

}
