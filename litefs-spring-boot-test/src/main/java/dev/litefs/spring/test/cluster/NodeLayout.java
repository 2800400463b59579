package dev.litefs.spring.test.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;

/**
 * Where a node of a cluster keeps its files and listens: its folder (its
 * {@code litefs.yml}, mount, data and log), the port of its LiteFS API, and LiteFS's proxy
 * on it, if any.
 *
 * @param hostname its LiteFS hostname ({@code lease.hostname})
 * @param folder its folder under the cluster's
 * @param httpPort the port of its LiteFS HTTP API on 127.0.0.1
 * @param proxy LiteFS's proxy on the node, or {@code null}
 */
record NodeLayout(String hostname, Path folder, int httpPort, Proxy proxy) {

	/**
	 * A node's layout on a free port, under a cluster's folder.
	 * @param hostname its hostname, which names its folder
	 * @param clusterRoot the cluster's folder
	 * @param proxy LiteFS's proxy on the node, or {@code null}
	 * @return the layout
	 */
	static NodeLayout of(String hostname, Path clusterRoot, Proxy proxy) {
		return new NodeLayout(hostname, clusterRoot.resolve(hostname), freePort(), proxy);
	}

	Path mountDir() {
		return this.folder.resolve("mount");
	}

	Path dataDir() {
		return this.folder.resolve("data");
	}

	Path log() {
		return this.folder.resolve("litefs.log");
	}

	Path config() {
		return this.folder.resolve("litefs.yml");
	}

	URI apiUrl() {
		return URI.create("http://127.0.0.1:" + this.httpPort);
	}

	/**
	 * A port no one listens on, on loopback.
	 * @return the port
	 */
	static int freePort() {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			socket.setReuseAddress(true);
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("No free port on loopback", ex);
		}
	}

	/**
	 * LiteFS's proxy on a node: where it listens, what it tracks, what it forwards to.
	 *
	 * @param port its port on 127.0.0.1 ({@code proxy.addr})
	 * @param database the database it tracks ({@code proxy.db})
	 * @param targetPort the application's port on 127.0.0.1 ({@code proxy.target})
	 */
	record Proxy(int port, String database, int targetPort) {

	}

}
