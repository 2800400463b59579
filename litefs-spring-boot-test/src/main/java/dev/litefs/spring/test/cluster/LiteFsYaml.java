package dev.litefs.spring.test.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A node's {@code litefs.yml}: its mount, data folder and API on loopback, a static lease
 * that names the cluster's primary (with the replica's {@code databases} filter when it has
 * one), and LiteFS's proxy when the node has one.
 */
final class LiteFsYaml {

	private LiteFsYaml() {
	}

	/**
	 * The configuration of a node.
	 * @param node the node
	 * @param primary the node the static lease names as primary
	 * @param clusterRoot the cluster's folder, named in a comment
	 * @return the YAML
	 */
	static String render(NodeLayout node, NodeLayout primary, Path clusterRoot) {
		String yaml = """
				# %s of %s; the static lease names the primary, %s
				fuse:
				  dir: "%s"
				data:
				  dir: "%s"
				http:
				  addr: "127.0.0.1:%d"
				lease:
				  type: "static"
				  hostname: "%s"
				  advertise-url: "%s"
				  candidate: %b
				""".formatted(node.hostname(), clusterRoot, primary.hostname(), node.mountDir(), node.dataDir(),
				node.httpPort(), primary.hostname(), primary.apiUrl(), node.equals(primary));
		if (!node.databases().isEmpty()) {
			yaml += "  databases: " + node.databases().stream().map((db) -> "\"" + db + "\"").toList() + "\n";
		}
		NodeLayout.Proxy proxy = node.proxy();
		if (proxy != null) {
			yaml += """
					proxy:
					  addr: "127.0.0.1:%d"
					  target: "127.0.0.1:%d"
					  db: "%s"
					""".formatted(proxy.port(), proxy.targetPort(), proxy.database());
		}
		return yaml;
	}

	/**
	 * Writes a node's configuration to its {@link NodeLayout#config()}.
	 * @param node the node
	 * @param primary the node the static lease names as primary
	 * @param clusterRoot the cluster's folder
	 */
	static void write(NodeLayout node, NodeLayout primary, Path clusterRoot) {
		try {
			Files.createDirectories(node.folder());
			Files.writeString(node.config(), render(node, primary, clusterRoot));
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot write " + node.config(), ex);
		}
	}

}
