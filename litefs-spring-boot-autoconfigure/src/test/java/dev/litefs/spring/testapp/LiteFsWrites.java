package dev.litefs.spring.testapp;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import dev.litefs.spring.node.LiteFsNode;
import dev.litefs.spring.node.Position;
import dev.litefs.spring.test.cluster.LiteFsCluster;

import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Plays LiteFS on a fake primary mount: each committed write transaction moves the
 * database's TXID in {@code <db>-pos} one step, at commit (after the transaction, when
 * one is active). On the mount of a real {@link LiteFsCluster}, LiteFS does that itself.
 */
final class LiteFsWrites {

	private LiteFsWrites() {
	}

	static void committed(LiteFsNode node) {
		if (!node.isPrimary() || node.mount().dir().startsWith(LiteFsCluster.ROOT)) {
			// on a real cluster's mount LiteFS moves the position itself
			return;
		}
		if (TransactionSynchronizationManager.isSynchronizationActive()) {
			TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {

				@Override
				public void afterCommit() {
					bump(node);
				}

			});
		}
		else {
			bump(node);
		}
	}

	private static synchronized void bump(LiteFsNode node) {
		Position next = new Position(node.currentPosition().txid() + 1, 0x5eed);
		Path file = node.mount().positionFile();
		try {
			Path temp = Files.createTempFile(file.getParent(), ".pos-", ".tmp");
			Files.writeString(temp, next.txidHex() + "/" + next.checksumHex() + "\n");
			Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
