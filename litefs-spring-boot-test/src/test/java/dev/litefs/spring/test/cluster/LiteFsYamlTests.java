package dev.litefs.spring.test.cluster;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A node's {@code litefs.yml}: the static lease that names the primary, a replica's
 * database filter, and LiteFS's proxy where the builder put one.
 */
class LiteFsYamlTests {

	private static final Path ROOT = Path.of("/tmp/clusters/cluster-1-1");

	private final NodeLayout primary = new NodeLayout("node-a", ROOT.resolve("node-a"), 20202, null);

	@Test
	void thePrimaryIsTheCandidateOfItsOwnStaticLease() {
		assertThat(LiteFsYaml.render(this.primary, this.primary, ROOT)).isEqualTo("""
				# node-a of /tmp/clusters/cluster-1-1; the static lease names the primary, node-a
				fuse:
				  dir: "/tmp/clusters/cluster-1-1/node-a/mount"
				data:
				  dir: "/tmp/clusters/cluster-1-1/node-a/data"
				http:
				  addr: "127.0.0.1:20202"
				lease:
				  type: "static"
				  hostname: "node-a"
				  advertise-url: "http://127.0.0.1:20202"
				  candidate: true
				""");
	}

	@Test
	void aReplicaNamesThePrimaryInItsLeaseAndServesItsProxy() {
		NodeLayout replica = new NodeLayout("node-b", ROOT.resolve("node-b"), 20203,
				new NodeLayout.Proxy(20300, "app.db", 8080));

		String yaml = LiteFsYaml.render(replica, this.primary, ROOT);

		assertThat(yaml).contains("""
				http:
				  addr: "127.0.0.1:20203"
				lease:
				  type: "static"
				  hostname: "node-a"
				  advertise-url: "http://127.0.0.1:20202"
				  candidate: false
				proxy:
				  addr: "127.0.0.1:20300"
				  target: "127.0.0.1:8080"
				  db: "app.db"
				""").contains("dir: \"/tmp/clusters/cluster-1-1/node-b/mount\"");
	}

	@Test
	void aFilteredReplicaListsItsDatabasesInItsLease() {
		NodeLayout replica = new NodeLayout("node-c", ROOT.resolve("node-c"), 20204, null, List.of("app.db", "c.db"));

		assertThat(LiteFsYaml.render(replica, this.primary, ROOT)).endsWith("""
				lease:
				  type: "static"
				  hostname: "node-a"
				  advertise-url: "http://127.0.0.1:20202"
				  candidate: false
				  databases: ["app.db", "c.db"]
				""");
	}

}
