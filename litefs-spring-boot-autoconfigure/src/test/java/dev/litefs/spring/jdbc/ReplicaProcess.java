package dev.litefs.spring.jdbc;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;

import dev.litefs.spring.testapp.TestNode;

/**
 * The test application as a replica in a JVM of its own, for {@link RealWalReplicaChurnProbe}:
 * a crash of that JVM must not end the test's. Prints {@code PORT=<port>} once it serves,
 * and stops when its standard input closes.
 */
public final class ReplicaProcess {

	private ReplicaProcess() {
	}

	/**
	 * Starts the replica.
	 * @param args the mount, then the properties, {@code name=value}
	 * @throws IOException if standard input fails
	 */
	public static void main(String[] args) throws IOException {
		try (TestNode node = TestNode.start(Path.of(args[0]), "app.db", "node-b",
				Arrays.copyOfRange(args, 1, args.length))) {
			System.out.println("PORT=" + node.port());
			System.out.flush();
			while (System.in.read() != -1) {
				// until the test closes our standard input
			}
		}
		System.exit(0);
	}

}
