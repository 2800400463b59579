package dev.litefs.spring.schema;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import dev.litefs.spring.node.NodeRole;
import dev.litefs.spring.node.NodeState;
import dev.litefs.spring.node.Position;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link PromotionWriteHold}: a promoted node's writes held until its
 * migration ends.
 */
class PromotionWriteHoldTests {

	private static final NodeState REPLICA = state(NodeRole.REPLICA, "node-a");

	private static final NodeState PRIMARY = state(NodeRole.PRIMARY, "node-b");

	private final PromotionWriteHold hold = new PromotionWriteHold();

	@Test
	void aPromotionIsHeldFromItsReadingOnUntilReleased() {
		assertThat(this.hold.reason(REPLICA, PRIMARY)).isEqualTo("migrating its schema");
		assertThat(this.hold.reason(PRIMARY, PRIMARY)).as("the next readings").isEqualTo("migrating its schema");

		assertThat(this.hold.release(1)).as("the last hold ended").isTrue();

		assertThat(this.hold.reason(PRIMARY, PRIMARY)).isNull();
	}

	@Test
	void readingsThatAreNoPromotionHoldNothing() {
		assertThat(this.hold.reason(PRIMARY, PRIMARY)).isNull();
		assertThat(this.hold.reason(REPLICA, REPLICA)).isNull();
		assertThat(this.hold.reason(PRIMARY, REPLICA)).isNull();
		assertThat(this.hold.reason(state(NodeRole.UNKNOWN, null), REPLICA)).isNull();
	}

	@Test
	void aNodeUnknownThenPrimaryIsAPromotion() {
		assertThat(this.hold.reason(state(NodeRole.UNKNOWN, null), PRIMARY)).isEqualTo("migrating its schema");
	}

	@Test
	void eachPromotionIsReleasedOnItsOwn() {
		this.hold.reason(REPLICA, PRIMARY);
		this.hold.reason(PRIMARY, REPLICA);
		this.hold.reason(REPLICA, PRIMARY);

		assertThat(this.hold.release(1)).as("one of two ended").isFalse();
		assertThat(this.hold.reason(PRIMARY, PRIMARY)).isEqualTo("migrating its schema");
		assertThat(this.hold.release(1)).isTrue();
		assertThat(this.hold.reason(PRIMARY, PRIMARY)).isNull();
	}

	@Test
	void oneReleaseMayEndTheHoldsOfSeveralPromotions() {
		this.hold.reason(REPLICA, PRIMARY);
		this.hold.reason(PRIMARY, REPLICA);
		this.hold.reason(REPLICA, PRIMARY);

		assertThat(this.hold.release(2)).isTrue();
		assertThat(this.hold.reason(PRIMARY, PRIMARY)).isNull();
	}

	@Test
	void releasingWithoutAHoldEndsNothing() {
		assertThat(this.hold.release(1)).isFalse();
		assertThat(this.hold.release(5)).isFalse();
		assertThat(this.hold.reason(REPLICA, PRIMARY)).as("held once promoted, as ever").isNotNull();
	}

	private static NodeState state(NodeRole role, @Nullable String primary) {
		return new NodeState(role, "node-b", primary, Position.ZERO, Duration.ZERO, true, true, List.of(),
				Instant.now(), null);
	}

}
