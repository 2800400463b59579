package dev.litefs.spring.jdbc;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.litefs.spring.test.FakeLiteFsMount;
import dev.litefs.spring.testapp.TestNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * On virtual threads, SQLite's waits for its lock keep their carrier threads: the
 * warning when a pool on the mount could fill every carrier with them, and the advice it
 * gives, which keeps the application answering while writes wait.
 */
@EnabledForJreRange(min = JRE.JAVA_21)
@ExtendWith(OutputCaptureExtension.class)
class VirtualThreadCarriersTests {

	private static final String WARNING = "SQLite connections at once and virtual threads run on";

	@TempDir
	Path dir;

	final int carriers = VirtualThreadCarriersCheck.carriers();

	@Test
	void aPoolAsLargeAsTheCarriersIsWarnedAboutOnce(CapturedOutput output) {
		try (TestNode node = start(true, this.carriers)) {
			assertThat(output).containsOnlyOnce("may hold " + this.carriers + " " + WARNING + " " + this.carriers
					+ " carrier threads");
			assertThat(output).contains("Set spring.datasource.hikari.maximum-pool-size below " + this.carriers);
		}
	}

	@Test
	void aSmallerPoolIsNot(CapturedOutput output) {
		assumeTrue(this.carriers > 1, "one carrier: no pool is smaller");
		try (TestNode node = start(true, this.carriers - 1)) {
			assertThat(output).doesNotContain(WARNING);
		}
	}

	@Test
	void onPlatformThreadsNothingIsSaid(CapturedOutput output) {
		try (TestNode node = start(false, this.carriers)) {
			assertThat(output).doesNotContain(WARNING);
		}
	}

	@Test
	void withFewerConnectionsThanCarriersARequestIsAnsweredWhileWritesWaitForSqlitesLock() throws Exception {
		assumeTrue(this.carriers > 1, "one carrier: no pool is smaller");
		try (TestNode node = start(true, this.carriers - 1);
				Connection writer = DriverManager.getConnection("jdbc:sqlite:" + this.dir.resolve("app.db"));
				Statement statement = writer.createStatement()) {
			// another process's write transaction: the app's writes wait for it, up to busy_timeout (10 s here)
			statement.execute("begin immediate");
			statement.execute("insert into posts (title, node) values ('held', 'elsewhere')");
			List<CompletableFuture<HttpResponse<String>>> writes = new ArrayList<>();
			for (int i = 0; i < this.carriers + 2; i++) {
				writes.add(node.sendAsync(HttpRequest.newBuilder(node.uri("/posts"))
					.header("Content-Type", "application/json")
					.POST(HttpRequest.BodyPublishers.ofString("{\"title\": \"waits\"}"))));
			}
			Thread.sleep(500);

			CompletableFuture<HttpResponse<String>> read = node
				.sendAsync(HttpRequest.newBuilder(node.uri("/node")).timeout(Duration.ofSeconds(30)));

			assertThat(read.get(3, TimeUnit.SECONDS).statusCode()).as("answered while the writes wait").isEqualTo(200);
			statement.execute("commit");
			for (CompletableFuture<HttpResponse<String>> write : writes) {
				assertThat(write.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(201);
			}
		}
	}

	private TestNode start(boolean virtualThreads, int poolSize) {
		return TestNode.start(FakeLiteFsMount.primary(this.dir), "node-a",
				"spring.threads.virtual.enabled=" + virtualThreads,
				"spring.datasource.hikari.maximum-pool-size=" + poolSize);
	}

}
