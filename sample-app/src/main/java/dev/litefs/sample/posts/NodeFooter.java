package dev.litefs.sample.posts;

import dev.litefs.spring.node.LiteFsNode;
import dev.litefs.spring.node.NodeState;
import org.jspecify.annotations.Nullable;

/**
 * What the page's footer says about the node that served it, so that a person clicking
 * around a cluster sees which node answered and in which role.
 *
 * @param hostname this node's LiteFS hostname
 * @param role {@code primary}, {@code replica}, {@code standalone} or {@code unknown}
 * @param primary the primary's hostname when this node is a replica, else {@code null}
 * @param txid the database's TXID, read now, as LiteFS writes it (16 hex digits)
 */
record NodeFooter(String hostname, String role, @Nullable String primary, String txid) {

	static NodeFooter of(LiteFsNode node) {
		NodeState state = node.state();
		String primary = state.isPrimary() ? null : state.primary();
		return new NodeFooter(node.hostname(), state.role().id(), primary, node.currentPosition().txidHex());
	}

}
