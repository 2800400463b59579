package dev.litefs.spring.cache;

import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.List;

import dev.litefs.spring.test.FakeLiteFsMount;
import dev.litefs.spring.testapp.FakeMountNodes;
import dev.litefs.spring.testapp.TestNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.cache.CacheManager;
import org.springframework.cache.concurrent.ConcurrentMapCacheManager;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * TXID-stamped caches through the application's own {@code @Cacheable} beans on fake
 * mounts: served while the TXID stays, computed again once it moves, on the primary
 * (its own writes) and on a replica; not decorated unless enabled; named caches only.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TxidCacheTests {

	private FakeMountNodes nodes;

	private TestNode primary;

	private TestNode replica;

	private FakeLiteFsMount replicaMount;

	@BeforeAll
	void startNodes(@TempDir Path dir) {
		this.nodes = new FakeMountNodes(dir);
		this.primary = this.nodes.primary(List.of(CachedCounts.class), "litefs.cache.enabled=true",
				"litefs.cache.names=counts");
		this.replica = this.nodes.replica(List.of(CachedCounts.class), "node-b", "litefs.cache.enabled=true",
				"litefs.cache.names=counts", "litefs.poll-interval=1h");
		this.replicaMount = this.nodes.mount("node-b");
	}

	@AfterAll
	void stopNodes() {
		this.nodes.close();
	}

	@BeforeEach
	void replicaAtTxid5() {
		this.replicaMount.position(5, 0xabc);
		this.replica.node().refresh();
		this.replica.bean(CacheManager.class).getCache("counts").clear();
	}

	@Test
	void theApplicationsCacheManagerIsDecorated() {
		assertThat(this.replica.bean(CacheManager.class)).isInstanceOf(TxidCacheManager.class)
			.extracting((manager) -> ((TxidCacheManager) manager).delegate())
			.isInstanceOf(ConcurrentMapCacheManager.class);
	}

	@Test
	void anEntryIsServedWhileTheTxidStaysAndComputedAgainOnceItMoves() {
		int runs = this.replica.calls().of("cached-count");
		assertThat(this.replica.get("/cached/count").body()).isEqualTo("0");
		assertThat(this.replica.get("/cached/count").body()).isEqualTo("0");
		assertThat(this.replica.calls().of("cached-count")).isEqualTo(runs + 1);
		this.replicaMount.position(6, 0xabc);
		this.replica.node().refresh();
		this.replica.get("/cached/count");
		assertThat(this.replica.calls().of("cached-count")).isEqualTo(runs + 2);
		this.replica.get("/cached/count");
		assertThat(this.replica.calls().of("cached-count")).isEqualTo(runs + 2);
	}

	@Test
	void aSynchronizedEntryIsStampedToo() {
		int runs = this.replica.calls().of("cached-count-sync");
		this.replica.get("/cached/count-sync");
		this.replica.get("/cached/count-sync");
		assertThat(this.replica.calls().of("cached-count-sync")).isEqualTo(runs + 1);
		this.replicaMount.position(7, 0xabc);
		this.replica.node().refresh();
		this.replica.get("/cached/count-sync");
		assertThat(this.replica.calls().of("cached-count-sync")).isEqualTo(runs + 2);
	}

	@Test
	void aReadWhoseTxidTheMountHasReachedIsNotServedAnOlderEntry() {
		this.replica.get("/cached/count");
		int runs = this.replica.calls().of("cached-count");
		this.replicaMount.position(8, 0xabc);
		this.replica.send(this.replica.request("/cached/count").header("Cookie", "__txid=0000000000000008").GET());
		assertThat(this.replica.calls().of("cached-count")).isEqualTo(runs + 1);
	}

	@Test
	void aPutThatNoMissDatesEvictsTheEntry() {
		this.replica.get("/cached/count");
		this.replica.send(this.replica.request("/cached/count").PUT(HttpRequest.BodyPublishers.noBody()));
		int runs = this.replica.calls().of("cached-count");
		this.replica.get("/cached/count");
		assertThat(this.replica.calls().of("cached-count")).isEqualTo(runs + 1);
	}

	@Test
	void onThePrimaryItsOwnWriteDropsTheEntry() {
		assertThat(this.primary.get("/cached/count").body()).isEqualTo(Long.toString(this.primary.rows()));
		this.primary.postJson("/posts", "{\"title\":\"cached\"}");
		this.primary.node().refresh();
		assertThat(this.primary.get("/cached/count").body()).isEqualTo(Long.toString(this.primary.rows()));
	}

	@Test
	void aCacheNotNamedIsLeftAsItIs() {
		this.replica.get("/plain/count");
		this.replicaMount.position(9, 0xabc);
		this.replica.node().refresh();
		this.replica.get("/plain/count");
		assertThat(this.replica.calls().of("plain-count")).isEqualTo(1);
	}

}
