package dev.litefs.spring.testapp;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.litefs.spring.test.FakeLiteFsMount;

/**
 * Test apps on fake mounts, each mount in a folder of its own under one folder: a primary,
 * {@value #PRIMARY}, and replicas that name it. Closed together, the latest first.
 */
public final class FakeMountNodes implements AutoCloseable {

	/** The primary's hostname, which the replicas' {@code .primary} names. */
	public static final String PRIMARY = "node-a";

	private final Path dir;

	private final Map<String, FakeLiteFsMount> mounts = new LinkedHashMap<>();

	private final List<TestNode> nodes = new ArrayList<>();

	/**
	 * Nodes under a folder.
	 * @param dir the folder, e.g. a {@code @TempDir}
	 */
	public FakeMountNodes(Path dir) {
		this.dir = dir;
	}

	/**
	 * Starts the primary, {@value #PRIMARY}.
	 * @param properties more properties, {@code name=value}
	 * @return the running node
	 */
	public TestNode primary(String... properties) {
		return primary(List.of(), properties);
	}

	/**
	 * Starts the primary, {@value #PRIMARY}, with more configuration classes.
	 * @param sources the configuration classes of the application's own beans
	 * @param properties more properties, {@code name=value}
	 * @return the running node
	 */
	public TestNode primary(List<Class<?>> sources, String... properties) {
		return start(sources, PRIMARY, FakeLiteFsMount.primary(this.dir.resolve(PRIMARY)), properties);
	}

	/**
	 * Starts a synced replica of {@value #PRIMARY}.
	 * @param hostname the replica's hostname
	 * @param properties more properties, {@code name=value}
	 * @return the running node
	 */
	public TestNode replica(String hostname, String... properties) {
		return replica(List.of(), hostname, properties);
	}

	/**
	 * Starts a synced replica of {@value #PRIMARY}, with more configuration classes.
	 * @param sources the configuration classes of the application's own beans
	 * @param hostname the replica's hostname
	 * @param properties more properties, {@code name=value}
	 * @return the running node
	 */
	public TestNode replica(List<Class<?>> sources, String hostname, String... properties) {
		return start(sources, hostname, FakeLiteFsMount.replicaOf(this.dir.resolve(hostname), PRIMARY), properties);
	}

	/**
	 * The fake mount of a node started here, to change its files.
	 * @param hostname the node's hostname
	 * @return its mount
	 */
	public FakeLiteFsMount mount(String hostname) {
		FakeLiteFsMount mount = this.mounts.get(hostname);
		if (mount == null) {
			throw new IllegalArgumentException("No node " + hostname + " among " + this.mounts.keySet());
		}
		return mount;
	}

	/** Closes every node started here, the latest first. */
	@Override
	public void close() {
		for (int i = this.nodes.size() - 1; i >= 0; i--) {
			this.nodes.get(i).close();
		}
	}

	private TestNode start(List<Class<?>> sources, String hostname, FakeLiteFsMount mount, String... properties) {
		TestNode node = TestNode.start(sources, mount, hostname, properties);
		this.mounts.put(hostname, mount);
		this.nodes.add(node);
		return node;
	}

}
