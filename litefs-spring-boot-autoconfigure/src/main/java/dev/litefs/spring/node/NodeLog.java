package dev.litefs.spring.node;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What the node logs of its readings: the first one, and problems as they come and go. */
final class NodeLog {

	/** The node's logger: the category users know. */
	private static final Logger logger = LoggerFactory.getLogger(LiteFsNode.class);

	private NodeLog() {
	}

	static void firstReading(NodeState state, LiteFsMount mount) {
		switch (state.role()) {
			case STANDALONE -> logger.warn("LiteFS: {} is a plain directory, not a LiteFS mount: node {} runs as a "
					+ "standalone primary (fine for local development, wrong in a cluster)", mount.dir().toAbsolutePath(),
					state.hostname());
			case REPLICA -> logger.info("LiteFS node {}: replica of {}, database {} at TXID {}", state.hostname(),
					state.primary(), mount.databaseFile(), state.position().txidHex());
			case PRIMARY -> logger.info("LiteFS node {}: primary, database {} at TXID {}", state.hostname(),
					mount.databaseFile(), state.position().txidHex());
			case UNKNOWN -> logger.warn("LiteFS node {}: role unknown, no writes will be taken until it is known {}",
					state.hostname(), state.problems());
		}
		state.problems().forEach((problem) -> logger.warn("LiteFS: {}", problem));
	}

	/** Each problem once, when it appears; once when all are gone. */
	static void problems(NodeState previous, NodeState current) {
		current.problems()
			.stream()
			.filter((problem) -> !previous.problems().contains(problem))
			.forEach((problem) -> logger.warn("LiteFS: {}", problem));
		if (!previous.problems().isEmpty() && current.problems().isEmpty()) {
			logger.info("LiteFS: the mount reads well again");
		}
	}

}
