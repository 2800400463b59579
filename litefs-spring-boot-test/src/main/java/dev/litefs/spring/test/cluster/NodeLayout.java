package dev.litefs.spring.test.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Where a node of a cluster keeps its files and listens: its folder (its
 * {@code litefs.yml}, mount, data and log), the port of its LiteFS API, LiteFS's proxy
 * on it, if any, and the databases it replicates, if not all.
 *
 * @param hostname its LiteFS hostname ({@code lease.hostname})
 * @param folder its folder under the cluster's
 * @param httpPort the port of its LiteFS HTTP API on 127.0.0.1
 * @param proxy LiteFS's proxy on the node, or {@code null}
 * @param databases the only databases it replicates ({@code lease.databases}); empty for
 * every database
 */
record NodeLayout(String hostname, Path folder, int httpPort, Proxy proxy, List<String> databases) {

	NodeLayout {
		databases = List.copyOf(databases);
	}

	/**
	 * A layout of a node that replicates every database.
	 * @param hostname its LiteFS hostname
	 * @param folder its folder
	 * @param httpPort the port of its LiteFS API
	 * @param proxy LiteFS's proxy on the node, or {@code null}
	 */
	NodeLayout(String hostname, Path folder, int httpPort, Proxy proxy) {
		this(hostname, folder, httpPort, proxy, List.of());
	}

	/** The lowest port {@link #freePort()} picks. */
	private static final int LOWEST_PORT = 20000;

	/** The first of Linux's default ephemeral ports. */
	private static final int EPHEMERAL_PORTS = 32768;

	/**
	 * A node's layout on a free port, under a cluster's folder.
	 * @param hostname its hostname, which names its folder
	 * @param clusterRoot the cluster's folder
	 * @param proxy LiteFS's proxy on the node, or {@code null}
	 * @param databases the only databases it replicates; empty for every database
	 * @return the layout
	 */
	static NodeLayout of(String hostname, Path clusterRoot, Proxy proxy, List<String> databases) {
		return new NodeLayout(hostname, clusterRoot.resolve(hostname), freePort(), proxy, databases);
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
	 * A port no one listens on, on loopback, below Linux's ephemeral ports (32768 and up):
	 * LiteFS binds it only later, and an ephemeral port may meanwhile become the local end
	 * of any process's outgoing connection ("address already in use").
	 * @return the port
	 */
	static int freePort() {
		for (int attempt = 0; attempt < 100; attempt++) {
			int port = ThreadLocalRandom.current().nextInt(LOWEST_PORT, EPHEMERAL_PORTS);
			if (isFree(port)) {
				return port;
			}
		}
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("No free port on loopback", ex);
		}
	}

	private static boolean isFree(int port) {
		try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
			return true;
		}
		catch (IOException ex) {
			return false;
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
