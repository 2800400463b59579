package dev.litefs.spring.jdbc;

import java.nio.file.Files;
import java.nio.file.Path;

import dev.litefs.spring.node.LiteFsNode;
import dev.litefs.spring.node.NodeState;

/**
 * Refuses a connection to a SQLite file that does not exist on a node that takes no
 * writes: SQLite would create it empty, on a replica before the database replicated to it
 * (Spring Session JDBC opens a connection while its repository is built). Once the file
 * has been seen, the check costs one volatile read.
 */
final class DatabaseFileCheck {

	private final Path file;

	private volatile boolean seen;

	DatabaseFileCheck(Path file) {
		this.file = file;
	}

	void check(LiteFsNode node) throws DatabaseNotReplicatedException {
		if (this.seen) {
			return;
		}
		if (Files.exists(this.file)) {
			this.seen = true;
			return;
		}
		NodeState state = node.state();
		if (!state.role().acceptsWrites()) {
			throw new DatabaseNotReplicatedException(this.file.getFileName().toString(), state.hostname(),
					state.role().id());
		}
	}

}
