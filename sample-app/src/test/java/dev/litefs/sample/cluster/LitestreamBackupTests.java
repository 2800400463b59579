package dev.litefs.sample.cluster;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import dev.litefs.spring.test.cluster.LiteFsCluster;
import dev.litefs.spring.test.cluster.RealLiteFs;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.util.FileSystemUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Litestream on the primary of a real two-node LiteFS cluster, as docs/backups.md sets it
 * up (WAL, Litestream's own files outside the mount), with a {@code file} replica: while
 * the sample app writes through both nodes (node-b forwards to the primary), the backup
 * follows; a restore into a fresh folder holds every acknowledged write; after the other
 * node is promoted, Litestream started there continues the same backup; and
 * {@code litefs import} of a restored copy puts the cluster back to it.
 */
@RealLiteFs
class LitestreamBackupTests {

	private static final String WAL = "--spring.datasource.hikari.data-source-properties.journal_mode=wal";

	/** Litestream syncs its replica every second (the default): a restore holds a write within a few. */
	private static final Duration SYNCED = Duration.ofSeconds(15);

	/** Configurations, Litestream's own files, the replica, the restored copies, and every log. */
	private final Path work = Path.of("target", "litestream").toAbsolutePath();

	private Path lastRestored;

	@BeforeEach
	void clean() throws IOException {
		FileSystemUtils.deleteRecursively(this.work);
	}

	@Test
	void aRestoreHoldsEveryAcknowledgedWriteAndTheNewPrimaryContinuesTheBackup() throws Exception {
		Path replica = this.work.resolve("backup");
		List<String> acknowledged = new ArrayList<>();
		List<String> restoredBeforePromotion = new ArrayList<>();
		Path beforePromotion = this.work.resolve("before-promotion").resolve("app.db");
		try (LiteFsCluster cluster = LiteFsCluster.builder().hostnames("127.0.0.1", "node-b").start()) {
			try (SampleNode primary = SampleNode.start(cluster.primary(), WAL);
					SampleNode nodeB = SampleNode.start(cluster.node(1), WAL, "--litefs.routing.strategy=forward",
							"--litefs.routing.forward.url-template=http://{primary}:" + primary.port());
					Litestream backup = Litestream.replicate(cluster.primary().mountDir().resolve("app.db"),
							this.work.resolve("node-a-meta"), replica, this.work.resolve("node-a/litestream.yml"))) {
				for (int i = 0; i < 20; i++) {
					write((i % 2 == 0) ? primary : nodeB, "before promotion " + i, acknowledged);
				}
				assertThat(restoredOnceSynced(replica, "restored-1", acknowledged))
					.as("the restored copy, Litestream's log: %s", backup.log())
					.containsExactlyElementsOf(acknowledged);
				restoredBeforePromotion.addAll(acknowledged);
				Files.createDirectories(beforePromotion.getParent());
				Files.copy(this.lastRestored, beforePromotion);
			}
			// a static lease moves only by restarting every node: the old primary's Litestream
			// and both apps are stopped first, so that one Litestream at a time writes the replica
			cluster.promote(cluster.node(1));
			try (SampleNode newPrimary = SampleNode.start(cluster.node(1), WAL)) {
				try (Litestream backup = Litestream.replicate(cluster.node(1).mountDir().resolve("app.db"),
						this.work.resolve("node-b-meta"), replica, this.work.resolve("node-b/litestream.yml"))) {
					for (int i = 0; i < 10; i++) {
						write(newPrimary, "after promotion " + i, acknowledged);
					}
					assertThat(restoredOnceSynced(replica, "restored-2", acknowledged))
						.as("the restored copy after the promotion, Litestream's log: %s", backup.log())
						.containsExactlyElementsOf(acknowledged);
				}
				// back to the copy from before the promotion, through LiteFS, with the app running; not
				// under a running Litestream: litefs import waited for it for over a minute here, until killed
				litefsImport(cluster.binary().path(), cluster.node(1), beforePromotion);
				HttpResponse<String> posts = newPrimary.get("/api/posts");
				assertThat(SampleNode.json(posts.body()).valueStream().map((post) -> post.get("title").asString()))
					.as(posts.body())
					.containsExactlyInAnyOrderElementsOf(restoredBeforePromotion);
			}
		}
	}

	/** {@code litefs import -url <the node's API> -name app.db <file>}, as docs/backups.md restores. */
	private static void litefsImport(Path litefs, LiteFsCluster.Node node, Path database) throws Exception {
		Path log = database.resolveSibling("import.log");
		Process process = new ProcessBuilder(litefs.toString(), "import", "-url", node.apiUrl().toString(), "-name",
				"app.db", database.toString())
			.redirectErrorStream(true)
			.redirectOutput(log.toFile())
			.start();
		if (!process.waitFor(30, TimeUnit.SECONDS)) {
			process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
		}
		assertThat(process.exitValue()).as("litefs import: %s", Files.readString(log)).isZero();
	}

	private static void write(SampleNode node, String title, List<String> acknowledged) {
		HttpResponse<String> answer = node.postJson("/api/posts", "{\"title\": \"" + title + "\"}");
		assertThat(answer.statusCode()).as(answer.body()).isEqualTo(201);
		acknowledged.add(title);
	}

	/**
	 * Restores into a fresh folder each time until the copy holds every acknowledged
	 * write, for at most {@link #SYNCED}.
	 * @return the last copy's titles, oldest first
	 */
	private List<String> restoredOnceSynced(Path replica, String name, List<String> acknowledged) throws Exception {
		long start = System.nanoTime();
		long deadline = start + SYNCED.toNanos();
		List<String> titles = List.of();
		for (int attempt = 0; System.nanoTime() < deadline; attempt++) {
			this.lastRestored = this.work.resolve(name + "-" + attempt).resolve("app.db");
			Optional<List<String>> restored = Litestream.restorePosts(replica, this.lastRestored);
			titles = restored.orElse(List.of());
			if (titles.containsAll(acknowledged)) {
				System.out.printf("Litestream: %s holds all %d acknowledged writes %d ms after the last, restore %d%n",
						name, acknowledged.size(), Duration.ofNanos(System.nanoTime() - start).toMillis(), attempt + 1);
				break;
			}
			Thread.sleep(500);
		}
		return titles;
	}

}
