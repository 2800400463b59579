package dev.litefs.spring.test.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

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

	private static final Pattern CLUSTER_FOLDER = Pattern.compile("cluster-(\\d+)-\\d+");

	private static final AtomicInteger sequence = new AtomicInteger();

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
	 * Waits until every running replica has the primary's TXID of a database.
	 * @param database the database file name, e.g. {@code app.db}
	 * @param timeout the longest wait
	 * @return the TXID they reached
	 */
	public long awaitReplicated(String database, Duration timeout) {
		long txid = this.primary.txid(database);
		for (Node replica : replicas()) {
			if (replica.isRunning()) {
				replica.awaitTxid(database, txid, timeout);
			}
		}
		return txid;
	}

	/**
	 * Makes another node the primary, as a static lease can only: every node is stopped,
	 * its lease rewritten to name the new primary, and started again, the primary first.
	 * @param newPrimary the node to promote
	 */
	public void promote(Node newPrimary) {
		if (!this.nodes.contains(newPrimary)) {
			throw new IllegalArgumentException(newPrimary + " is not a node of this cluster");
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
		deleteQuietly(this.root);
	}

	@Override
	public String toString() {
		return "LiteFS cluster " + this.nodes + " under " + this.root;
	}

	/**
	 * Removes what clusters of JVMs that are no longer running left under {@link #ROOT}:
	 * their LiteFS processes, mounts and folders.
	 */
	static void sweepStale() {
		if (!Files.isDirectory(ROOT)) {
			return;
		}
		try (Stream<Path> folders = Files.list(ROOT)) {
			for (Path folder : folders.toList()) {
				Matcher matcher = CLUSTER_FOLDER.matcher(folder.getFileName().toString());
				if (matcher.matches() && !isAlive(Long.parseLong(matcher.group(1)))) {
					killProcessesUsing(folder);
					FuseMounts.unmountAll(folder);
					deleteQuietly(folder);
				}
			}
		}
		catch (IOException ex) {
			// an unreadable root leaves nothing to sweep
		}
	}

	private static boolean isAlive(long pid) {
		return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
	}

	private static void killProcessesUsing(Path folder) {
		String path = folder.toString();
		ProcessHandle.allProcesses()
			.filter((process) -> process.info().arguments().map((args) -> String.join(" ", args).contains(path)).orElse(false))
			.forEach((process) -> {
				process.destroyForcibly();
				process.onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally((ex) -> null).join();
			});
	}

	private static void deleteQuietly(Path folder) {
		if (!Files.exists(folder)) {
			return;
		}
		try (Stream<Path> paths = Files.walk(folder)) {
			paths.sorted(Comparator.reverseOrder()).forEach((path) -> {
				try {
					Files.deleteIfExists(path);
				}
				catch (IOException ex) {
					// left for the next sweep
				}
			});
		}
		catch (IOException | UncheckedIOException ex) {
			// left for the next sweep
		}
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			socket.setReuseAddress(true);
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("No free port on loopback", ex);
		}
	}

	private static void await(String what, Duration timeout, Node node, BooleanSupplier condition) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (!condition.getAsBoolean()) {
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("Gave up after " + timeout.toMillis() + " ms waiting for " + node + " "
						+ what + "; the end of its log:\n" + node.logTail());
			}
			try {
				Thread.sleep(10);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("Interrupted while waiting for " + node + " " + what, ex);
			}
		}
	}

	/** Builds and starts a cluster. */
	public static final class Builder {

		private List<String> hostnames = List.of("node-a", "node-b");

		private int primary;

		private final Map<String, Proxy> proxies = new LinkedHashMap<>();

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
			this.proxies.put(hostname, new Proxy(freePort(), database, targetPort));
			return this;
		}

		/**
		 * Starts every node, the primary first, and waits until each replica's
		 * {@code .primary} names it.
		 * @return the running cluster
		 * @throws IllegalStateException when no LiteFS binary is found, or a node does not
		 * come up within 30 s (the message holds the end of its log)
		 */
		public LiteFsCluster start() {
			LiteFsBinary binary = LiteFsBinary.find()
				.orElseThrow(() -> new IllegalStateException(RealLiteFsCondition.missingBinaryMessage()));
			sweepStale();
			Path root = ROOT.resolve("cluster-" + ProcessHandle.current().pid() + "-" + sequence.incrementAndGet());
			LiteFsCluster cluster = new LiteFsCluster(binary, root);
			for (String hostname : this.hostnames) {
				cluster.nodes.add(cluster.new Node(hostname, root.resolve(hostname), freePort(), this.proxies.get(hostname)));
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

		private final String hostname;

		private final Path folder;

		private final int httpPort;

		/** LiteFS's proxy on the node, or null. */
		private final Proxy proxy;

		private volatile Process process;

		private Node(String hostname, Path folder, int httpPort, Proxy proxy) {
			this.hostname = hostname;
			this.folder = folder;
			this.httpPort = httpPort;
			this.proxy = proxy;
		}

		/**
		 * The node's LiteFS hostname ({@code lease.hostname} of a primary).
		 * @return the hostname
		 */
		public String hostname() {
			return this.hostname;
		}

		/**
		 * The FUSE mount the application opens its database in ({@code fuse.dir}).
		 * @return the mount folder
		 */
		public Path mountDir() {
			return this.folder.resolve("mount");
		}

		/**
		 * LiteFS's own data folder ({@code data.dir}).
		 * @return the data folder
		 */
		public Path dataDir() {
			return this.folder.resolve("data");
		}

		/**
		 * The port of the node's LiteFS HTTP API ({@code http.addr}), on 127.0.0.1.
		 * @return the port
		 */
		public int httpPort() {
			return this.httpPort;
		}

		/**
		 * The node's LiteFS HTTP API, e.g. {@code http://127.0.0.1:40123}.
		 * @return the URL, without a trailing slash
		 */
		public URI apiUrl() {
			return URI.create("http://127.0.0.1:" + this.httpPort);
		}

		/**
		 * LiteFS's proxy on this node, as {@link Builder#proxy} put it there.
		 * @return its URL, e.g. {@code http://127.0.0.1:40124}
		 * @throws IllegalStateException when the node has no proxy
		 */
		public URI proxyUrl() {
			if (this.proxy == null) {
				throw new IllegalStateException(this.hostname + " has no LiteFS proxy; see LiteFsCluster.Builder.proxy");
			}
			return URI.create("http://127.0.0.1:" + this.proxy.port());
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
			Process process = this.process;
			return process != null && process.isAlive();
		}

		/**
		 * The PID of its LiteFS process.
		 * @return the PID, or -1 when it is not running
		 */
		public long pid() {
			Process process = this.process;
			return (process != null && process.isAlive()) ? process.pid() : -1;
		}

		/**
		 * Starts its LiteFS process, if not running, and waits until its API answers. A
		 * mount left broken by {@link #kill()} is lifted first (lazily, as
		 * {@code fusermount3 -uz} does), as a supervisor restarting LiteFS must: LiteFS's own
		 * unmount fails while an application holds files open on it.
		 */
		public synchronized void start() {
			if (isRunning()) {
				return;
			}
			try {
				// a mount left broken by kill(): LiteFS's own unmount of it fails with "device or
				// resource busy" while an application still holds files open there, so lift it lazily
				if (FuseMounts.isMounted(mountDir())) {
					FuseMounts.unmount(mountDir());
				}
				Files.createDirectories(mountDir());
				Files.createDirectories(dataDir());
				this.process = new ProcessBuilder(LiteFsCluster.this.binary.path().toString(), "mount", "-config",
						config().toString())
					.redirectErrorStream(true)
					.redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile()))
					.start();
			}
			catch (IOException ex) {
				throw new UncheckedIOException("Cannot start LiteFS for " + this, ex);
			}
			await("to answer on " + apiUrl() + "/info", START_TIMEOUT, this, () -> {
				if (!isRunning()) {
					throw new IllegalStateException(this + "'s LiteFS exited with " + this.process.exitValue()
							+ " as it started; the end of its log:\n" + logTail());
				}
				return apiAnswers() && FuseMounts.isMounted(mountDir());
			});
		}

		/**
		 * Stops its LiteFS process as an operator would (SIGTERM; SIGKILL after 10 s):
		 * LiteFS unmounts as it exits. Any mount left is lifted.
		 */
		public synchronized void stop() {
			Process process = this.process;
			if (process != null && process.isAlive()) {
				process.destroy();
				try {
					if (!process.waitFor(10, TimeUnit.SECONDS)) {
						process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
					}
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					process.destroyForcibly();
				}
			}
			FuseMounts.unmountAll(mountDir());
		}

		/**
		 * Kills its LiteFS process with SIGKILL, as a crash would: the mount stays,
		 * broken ("Transport endpoint is not connected"), under whatever has it open.
		 */
		public synchronized void kill() {
			Process process = this.process;
			if (process != null && process.isAlive()) {
				process.destroyForcibly();
				try {
					process.waitFor(10, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
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
			await("to reach TXID " + txid + " of " + database, timeout, this, () -> txid(database) >= txid);
		}

		/**
		 * Waits until this replica's {@code .primary} names the cluster's primary.
		 * @param timeout the longest wait
		 */
		public void awaitPrimaryFile(Duration timeout) {
			String expected = LiteFsCluster.this.primary.hostname + "\n";
			await("to name " + LiteFsCluster.this.primary.hostname + " in .primary", timeout, this, () -> {
				try {
					return Files.readString(mountDir().resolve(".primary")).equals(expected);
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
			return this.folder.resolve("litefs.log");
		}

		String logTail() {
			try {
				List<String> lines = Files.readAllLines(log());
				return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
			}
			catch (IOException ex) {
				return "(no log: " + ex.getMessage() + ")";
			}
		}

		Path config() {
			return this.folder.resolve("litefs.yml");
		}

		void writeConfig() {
			Node primary = LiteFsCluster.this.primary;
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
					""".formatted(this.hostname, LiteFsCluster.this.root, primary.hostname, mountDir(), dataDir(),
					this.httpPort, primary.hostname, primary.apiUrl(), isPrimary());
			if (this.proxy != null) {
				yaml += """
						proxy:
						  addr: "127.0.0.1:%d"
						  target: "127.0.0.1:%d"
						  db: "%s"
						""".formatted(this.proxy.port(), this.proxy.targetPort(), this.proxy.database());
			}
			try {
				Files.createDirectories(this.folder);
				Files.writeString(config(), yaml);
			}
			catch (IOException ex) {
				throw new UncheckedIOException("Cannot write " + config(), ex);
			}
		}

		private boolean apiAnswers() {
			try {
				HttpURLConnection connection = (HttpURLConnection) apiUrl().resolve("/info").toURL().openConnection();
				connection.setConnectTimeout(500);
				connection.setReadTimeout(1000);
				try {
					return connection.getResponseCode() == 200;
				}
				finally {
					connection.disconnect();
				}
			}
			catch (IOException ex) {
				return false;
			}
		}

		@Override
		public String toString() {
			return this.hostname + (isPrimary() ? " (primary)" : " (replica)");
		}

	}

	/** LiteFS's proxy on a node: where it listens, what it tracks, what it forwards to. */
	private record Proxy(int port, String database, int targetPort) {

	}

}
