package dev.litefs.spring.testapp;

import java.time.Duration;

import dev.litefs.spring.node.LiteFsApi;
import dev.litefs.spring.node.LiteFsMount;
import dev.litefs.spring.node.LiteFsNode;
import dev.litefs.spring.node.LiteFsScheduler;
import dev.litefs.spring.test.cluster.LiteFsCluster;

import static org.awaitility.Awaitility.await;

/**
 * A {@link LiteFsNode} on a node of a real cluster, without an application around it:
 * started, its event stream connected; closed with its scheduler.
 */
public final class ClusterNode implements AutoCloseable {

	private final LiteFsScheduler scheduler = new LiteFsScheduler();

	private final LiteFsNode node;

	private ClusterNode(LiteFsCluster.Node node, String database, Duration pollInterval) {
		this.node = new LiteFsNode(new LiteFsMount(node.mountDir(), database), node.hostname(),
				new LiteFsApi(node.apiUrl(), Duration.ofSeconds(2)), pollInterval, Duration.ofMillis(1), (event) -> {
				}, this.scheduler);
	}

	/**
	 * Starts a node and waits until its event stream is up.
	 * @param node the cluster's node
	 * @param database the main database
	 * @param pollInterval how often the files are read
	 * @return the started node
	 */
	public static ClusterNode start(LiteFsCluster.Node node, String database, Duration pollInterval) {
		ClusterNode started = new ClusterNode(node, database, pollInterval);
		started.node.start();
		await().atMost(Duration.ofSeconds(15)).until(() -> started.node.eventStream().orElseThrow().connected());
		return started;
	}

	public LiteFsNode node() {
		return this.node;
	}

	public LiteFsScheduler scheduler() {
		return this.scheduler;
	}

	@Override
	public void close() {
		this.node.stop();
		this.scheduler.close();
	}

}
