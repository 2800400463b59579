package dev.litefs.spring.test.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A real LiteFS cluster on loopback, for tests: N {@code litefs mount} processes with a
 * static lease (no Consul), each with its FUSE mount and data folder under a folder of
 * its own, on free ports. One node is the primary ({@code candidate: true}); the others
 * are replicas that name it in their lease section, as LiteFS's static lease wants.
 * <pre>
 * try (LiteFsCluster cluster = LiteFsCluster.builder().nodes(2).start()) {
 *     Path primaryMount = cluster.primary().mountDir();
 *     ...
 *     cluster.node(1).awaitTxid("app.db", 2, Duration.ofSeconds(10));
 *     cluster.node(1).kill();    // SIGKILL: its mount breaks under the running app
 *     cluster.node(1).start();
 * }
 * </pre>
 * A replica can replicate only some databases, as LiteFS's {@code lease.databases} lets
 * it ({@link Builder#databaseFilter}): the others never appear on its mount.
 * A cluster never leaves a mount or a process behind: {@link #close()} stops every node
 * and lifts its mount, a shutdown hook does the same when the JVM exits without
 * closing it, and every new cluster first sweeps what clusters of dead JVMs left under
 * {@link #ROOT} (their LiteFS processes killed, their mounts lifted, their folders
 * deleted).
 *
 * @since 0.2.0
 */
public final class LiteFsCluster implements AutoCloseable {

	/** The folder every cluster's folder is made in. */
	public static final Path ROOT = Path.of(System.getProperty("java.io.tmpdir"), "litefs-spring-boot-clusters");

	private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

	private static final Set<LiteFsCluster> open = ConcurrentHashMap.newKeySet();

	static {
		Runtime.getRuntime().addShutdownHook(new Thread(() -> open.forEach(LiteFsCluster::close), "litefs-cluster-cleanup"));
	}

	private final LiteFsBinary binary;

	private final Path root;

	private final List<Node> nodes = new ArrayList<>();

	private volatile Node primary;

	private LiteFsCluster(LiteFsBinary binary, Path root) {
		this.binary = binary;
		this.root = root;
	}

	/**
	 * A builder of a cluster.
	 * @return a builder of two nodes, {@code node-a} the primary
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * The cluster's folder: a folder per node, holding its {@code litefs.yml}, its mount
	 * ({@code mount}), its data ({@code data}) and its log ({@code litefs.log}).
	 * @return the folder
	 */
	public Path root() {
		return this.root;
	}

	/**
	 * The LiteFS binary the nodes run.
	 * @return the binary
	 */
	public LiteFsBinary binary() {
		return this.binary;
	}

	/**
	 * Every node, in the builder's order.
	 * @return the nodes
	 */
	public List<Node> nodes() {
		return List.copyOf(this.nodes);
	}

	/**
	 * A node by its place in the builder's order.
	 * @param index from 0
	 * @return the node
	 */
	public Node node(int index) {
		return this.nodes.get(index);
	}

	/**
	 * The node the static lease names as primary.
	 * @return the primary
	 */
	public Node primary() {
		return this.primary;
	}

	/**
	 * The nodes that are not the primary.
	 * @return the replicas
	 */
	public List<Node> replicas() {
		return this.nodes.stream().filter((node) -> node != this.primary).toList();
	}

	/**
	 * Waits until every running replica that replicates a database (see
	 * {@link Node#replicates(String)}) has the primary's TXID of it.
	 * @param database the database file name, e.g. {@code app.db}
	 * @param timeout the longest wait
	 * @return the TXID they reached
	 */
	public long awaitReplicated(String database, Duration timeout) {
		long txid = this.primary.txid(database);
		for (Node replica : replicas()) {
			if (replica.isRunning() && replica.replicates(database)) {
				replica.awaitTxid(database, txid, timeout);
			}
		}
		return txid;
	}

	/**
	 * Makes another node the primary, as a static lease can only: every node is stopped,
	 * its lease rewritten to name the new primary, and started again, the primary first.
	 * @param newPrimary the node to promote
	 * @throws IllegalArgumentException when the node is not of this cluster, or has a
	 * {@linkplain Builder#databaseFilter database filter} (LiteFS refuses one on a candidate)
	 */
	public void promote(Node newPrimary) {
		if (!this.nodes.contains(newPrimary)) {
			throw new IllegalArgumentException(newPrimary + " is not a node of this cluster");
		}
		if (!newPrimary.databaseFilter().isEmpty()) {
			throw new IllegalArgumentException(newPrimary + " replicates only " + newPrimary.databaseFilter()
					+ ": LiteFS refuses lease.databases on a candidate, so it cannot become the primary");
		}
		this.nodes.forEach(Node::stop);
		this.primary = newPrimary;
		this.nodes.forEach(Node::writeConfig);
		startAll();
	}

	private void startAll() {
		this.primary.start();
		for (Node replica : replicas()) {
			replica.start();
		}
		for (Node replica : replicas()) {
			replica.awaitPrimaryFile(START_TIMEOUT);
		}
	}

	/** Stops every node (SIGTERM, then SIGKILL), lifts every mount and deletes the folder. */
	@Override
	public void close() {
		open.remove(this);
		for (Node node : this.nodes) {
			node.stop();
		}
		FuseMounts.unmountAll(this.root);
		ClusterFolders.delete(this.root);
	}

	@Override
	public String toString() {
		return "LiteFS cluster " + this.nodes + " under " + this.root;
	}

	/** Builds and starts a cluster. */
	public static final class Builder {

		private List<String> hostnames = List.of("node-a", "node-b");

		private int primary;

		private final Map<String, NodeLayout.Proxy> proxies = new LinkedHashMap<>();

		private final Map<Integer, List<String>> databaseFilters = new LinkedHashMap<>();

		private Builder() {
		}

		/**
		 * How many nodes, named {@code node-a}, {@code node-b}, ...
		 * @param count 1 to 26
		 * @return this builder
		 */
		public Builder nodes(int count) {
			if (count < 1 || count > 26) {
				throw new IllegalArgumentException("A cluster has 1 to 26 nodes, not " + count);
			}
			List<String> names = new ArrayList<>();
			for (int i = 0; i < count; i++) {
				names.add("node-" + (char) ('a' + i));
			}
			this.hostnames = names;
			return this;
		}

		/**
		 * The nodes' LiteFS hostnames ({@code lease.hostname}), one node each. A replica's
		 * {@code .primary} holds the primary's; an IP literal such as {@code 127.0.0.1}
		 * resolves without an {@code /etc/hosts} entry.
		 * @param hostnames the names, in node order
		 * @return this builder
		 */
		public Builder hostnames(String... hostnames) {
			if (hostnames.length == 0 || Set.of(hostnames).size() != hostnames.length) {
				throw new IllegalArgumentException("Hostnames must be given and differ: " + List.of(hostnames));
			}
			this.hostnames = List.of(hostnames);
			this.primary = Math.min(this.primary, hostnames.length - 1);
			return this;
		}

		/**
		 * Which node the static lease names as primary.
		 * @param index from 0; 0 by default
		 * @return this builder
		 */
		public Builder primary(int index) {
			if (index < 0 || index >= this.hostnames.size()) {
				throw new IllegalArgumentException("No node " + index + " among " + this.hostnames);
			}
			this.primary = index;
			return this;
		}

		/**
		 * Puts LiteFS's own HTTP proxy ({@code proxy} in {@code litefs.yml}) on a node, in
		 * front of an application on 127.0.0.1: it holds a read carrying a {@code __txid}
		 * cookie until the node has that transaction, and on a replica answers a write
		 * with {@code Fly-Replay}. Its port is free and given by {@link Node#proxyUrl()}.
		 * @param hostname the node's hostname
		 * @param database the database it tracks ({@code proxy.db})
		 * @param targetPort the application's port on 127.0.0.1 ({@code proxy.target})
		 * @return this builder
		 */
		public Builder proxy(String hostname, String database, int targetPort) {
			if (!this.hostnames.contains(hostname)) {
				throw new IllegalArgumentException("No node " + hostname + " among " + this.hostnames);
			}
			this.proxies.put(hostname, new NodeLayout.Proxy(NodeLayout.freePort(), database, targetPort));
			return this;
		}

		/**
		 * Lets a replica replicate only some databases, as LiteFS's {@code lease.databases}
		 * does ({@code databases: ["a.db", "c.db"]} in its {@code litefs.yml}): the primary
		 * streams it those alone, matched by exact file name (LiteFS takes no patterns).
		 * On that replica another database has no file, no {@code -pos} and no {@code tx}
		 * event; an application that opens it read-write there gets an empty local
		 * database (size 0, position 0) that never fills. LiteFS refuses the filter on a
		 * candidate, so the node must not be the primary.
		 * @param node the replica's index, from 0
		 * @param databases the database file names it replicates, e.g. {@code app.db};
		 * none to replicate every database again
		 * @return this builder
		 * @throws IllegalArgumentException when there is no such node, or a name is blank
		 * or holds a {@code /}, {@code ,}, {@code "} or {@code \}
		 */
		public Builder databaseFilter(int node, String... databases) {
			if (node < 0 || node >= this.hostnames.size()) {
				throw new IllegalArgumentException("No node " + node + " among " + this.hostnames);
			}
			for (String database : databases) {
				if (database == null || database.isBlank() || database.chars().anyMatch((c) -> "/,\"\\".indexOf(c) >= 0)) {
					throw new IllegalArgumentException("Not a database file name for lease.databases: '" + database + "'");
				}
			}
			if (databases.length == 0) {
				this.databaseFilters.remove(node);
			}
			else {
				this.databaseFilters.put(node, List.of(databases));
			}
			return this;
		}

		/**
		 * Starts every node, the primary first, and waits until each replica's
		 * {@code .primary} names it.
		 * @return the running cluster
		 * @throws IllegalStateException when no LiteFS binary is found, a node does not come
		 * up within 30 s (the message holds the end of its log), or the primary has a
		 * {@linkplain #databaseFilter database filter}
		 */
		public LiteFsCluster start() {
			this.databaseFilters.keySet().forEach((node) -> {
				if (node >= this.hostnames.size()) {
					throw new IllegalStateException("A database filter names node " + node + ", but the nodes are " + this.hostnames);
				}
				if (node == this.primary) {
					throw new IllegalStateException("Node " + node + " (" + this.hostnames.get(node) + ") is the primary; LiteFS "
							+ "refuses lease.databases on a candidate: put the database filter on a replica");
				}
			});
			LiteFsBinary binary = LiteFsBinary.find()
				.orElseThrow(() -> new IllegalStateException(RealLiteFsCondition.missingBinaryMessage()));
			Path root = ClusterFolders.next();
			LiteFsCluster cluster = new LiteFsCluster(binary, root);
			for (int i = 0; i < this.hostnames.size(); i++) {
				String hostname = this.hostnames.get(i);
				cluster.nodes.add(cluster.new Node(NodeLayout.of(hostname, root, this.proxies.get(hostname),
						this.databaseFilters.getOrDefault(i, List.of()))));
			}
			cluster.primary = cluster.nodes.get(this.primary);
			open.add(cluster);
			try {
				Files.createDirectories(root);
				cluster.nodes.forEach(Node::writeConfig);
				cluster.startAll();
			}
			catch (IOException | RuntimeException ex) {
				cluster.close();
				if (ex instanceof IOException io) {
					throw new UncheckedIOException(io);
				}
				throw (RuntimeException) ex;
			}
			System.out.println("Started " + cluster + " with " + binary.version() + " (" + binary + ")");
			return cluster;
		}

	}

	/** One LiteFS node of the cluster: a {@code litefs mount} process. */
	public final class Node {

		private final NodeLayout layout;

		private final LiteFsProcess process;

		private Node(NodeLayout layout) {
			this.layout = layout;
			this.process = new LiteFsProcess(LiteFsCluster.this.binary, layout, this);
		}

		/**
		 * The node's LiteFS hostname ({@code lease.hostname} of a primary).
		 * @return the hostname
		 */
		public String hostname() {
			return this.layout.hostname();
		}

		/**
		 * The FUSE mount the application opens its database in ({@code fuse.dir}).
		 * @return the mount folder
		 */
		public Path mountDir() {
			return this.layout.mountDir();
		}

		/**
		 * LiteFS's own data folder ({@code data.dir}).
		 * @return the data folder
		 */
		public Path dataDir() {
			return this.layout.dataDir();
		}

		/**
		 * The port of the node's LiteFS HTTP API ({@code http.addr}), on 127.0.0.1.
		 * @return the port
		 */
		public int httpPort() {
			return this.layout.httpPort();
		}

		/**
		 * The node's LiteFS HTTP API, e.g. {@code http://127.0.0.1:40123}.
		 * @return the URL, without a trailing slash
		 */
		public URI apiUrl() {
			return this.layout.apiUrl();
		}

		/**
		 * LiteFS's proxy on this node, as {@link Builder#proxy} put it there.
		 * @return its URL, e.g. {@code http://127.0.0.1:40124}
		 * @throws IllegalStateException when the node has no proxy
		 */
		public URI proxyUrl() {
			NodeLayout.Proxy proxy = this.layout.proxy();
			if (proxy == null) {
				throw new IllegalStateException(hostname() + " has no LiteFS proxy; see LiteFsCluster.Builder.proxy");
			}
			return URI.create("http://127.0.0.1:" + proxy.port());
		}

		/**
		 * The only databases this node replicates, as {@link Builder#databaseFilter} set
		 * them ({@code lease.databases}).
		 * @return the database file names, or an empty list when it replicates every one
		 */
		public List<String> databaseFilter() {
			return this.layout.databases();
		}

		/**
		 * Whether this node has a database when the primary has it: the primary has every
		 * database, a replica those its {@linkplain #databaseFilter() filter} names, or all.
		 * @param database the database file name
		 * @return whether LiteFS replicates it to this node
		 */
		public boolean replicates(String database) {
			return isPrimary() || databaseFilter().isEmpty() || databaseFilter().contains(database);
		}

		/**
		 * Whether the static lease names this node as primary.
		 * @return whether it is the cluster's primary
		 */
		public boolean isPrimary() {
			return this == LiteFsCluster.this.primary;
		}

		/**
		 * Whether its LiteFS process is running.
		 * @return whether it runs
		 */
		public boolean isRunning() {
			return this.process.isRunning();
		}

		/**
		 * The PID of its LiteFS process.
		 * @return the PID, or -1 when it is not running
		 */
		public long pid() {
			return this.process.pid();
		}

		/**
		 * Starts its LiteFS process, if not running, and waits until its API answers. A
		 * mount left broken by {@link #kill()} is lifted first (lazily, as
		 * {@code fusermount3 -uz} does), as a supervisor restarting LiteFS must: LiteFS's own
		 * unmount fails while an application holds files open on it.
		 */
		public void start() {
			this.process.start(START_TIMEOUT);
		}

		/**
		 * Stops its LiteFS process as an operator would (SIGTERM; SIGKILL after 10 s):
		 * LiteFS unmounts as it exits. Any mount left is lifted.
		 */
		public void stop() {
			this.process.stop();
		}

		/**
		 * Kills its LiteFS process with SIGKILL, as a crash would: the mount stays,
		 * broken ("Transport endpoint is not connected"), under whatever has it open.
		 */
		public void kill() {
			this.process.kill();
		}

		/** Stops and starts it again. */
		public void restart() {
			stop();
			start();
		}

		/**
		 * The TXID of a database on this node, from its {@code <db>-pos} file.
		 * @param database the database file name
		 * @return the TXID, or 0 while the database or its position does not exist
		 */
		public long txid(String database) {
			Path pos = mountDir().resolve(database + "-pos");
			try {
				String text = Files.readString(pos, StandardCharsets.US_ASCII);
				int slash = text.indexOf('/');
				return (slash == 16) ? Long.parseUnsignedLong(text.substring(0, slash), 16) : 0;
			}
			catch (IOException | NumberFormatException ex) {
				return 0;
			}
		}

		/**
		 * Waits until a database on this node has reached a TXID.
		 * @param database the database file name
		 * @param txid the TXID
		 * @param timeout the longest wait
		 */
		public void awaitTxid(String database, long txid, Duration timeout) {
			this.process.await("to reach TXID " + txid + " of " + database, timeout, () -> txid(database) >= txid);
		}

		/**
		 * Waits until this replica's {@code .primary} names the cluster's primary.
		 * @param timeout the longest wait
		 */
		public void awaitPrimaryFile(Duration timeout) {
			String primary = LiteFsCluster.this.primary.hostname();
			this.process.await("to name " + primary + " in .primary", timeout, () -> {
				try {
					return Files.readString(mountDir().resolve(".primary")).equals(primary + "\n");
				}
				catch (IOException ex) {
					return false;
				}
			});
		}

		/**
		 * Its LiteFS log, everything it wrote since the cluster started.
		 * @return the log file
		 */
		public Path log() {
			return this.layout.log();
		}

		void writeConfig() {
			LiteFsYaml.write(this.layout, LiteFsCluster.this.primary.layout, LiteFsCluster.this.root);
		}

		@Override
		public String toString() {
			return hostname() + (isPrimary() ? " (primary)" : " (replica)");
		}

	}

}
