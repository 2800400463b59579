package dev.litefs.spring.routing;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

import dev.litefs.spring.test.FakeLiteFsMount;
import dev.litefs.spring.testapp.TestNode;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A write never waits for read-your-writes on a replica: a {@code POST} to an
 * {@link EnsurePrimary} handler (on the method, or on the class) carrying a
 * {@code __txid} far ahead of the replica is routed at once under every strategy, with
 * no wait observed, though the replica would hold a read with that cookie for the whole
 * {@code litefs.consistency.timeout}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WritesDoNotWaitTests {

	static final Duration TIMEOUT = Duration.ofSeconds(5);

	/** Well below the timeout: a request that waited cannot come in under it. */
	static final Duration AT_ONCE = Duration.ofSeconds(2);

	/** Far ahead of any replica: a read carrying it would wait the whole timeout. */
	static final String FAR_AHEAD = "__txid=00000000ffffffff";

	private TestNode primary;

	private TestNode forward;

	private TestNode flyReplay;

	private TestNode redirect;

	private TestNode reject;

	@BeforeAll
	void startNodes(@TempDir Path dir) {
		this.primary = TestNode.start(FakeLiteFsMount.primary(dir.resolve("a")), "localhost");
		String timeout = "litefs.consistency.timeout=" + TIMEOUT.toMillis() + "ms";
		this.forward = TestNode.start(FakeLiteFsMount.replicaOf(dir.resolve("b"), "localhost"), "node-b", timeout,
				"litefs.routing.strategy=forward",
				"litefs.routing.forward.url-template=http://{primary}:" + this.primary.port());
		this.flyReplay = TestNode.start(FakeLiteFsMount.replicaOf(dir.resolve("c"), "localhost"), "node-c", timeout,
				"litefs.routing.strategy=fly-replay");
		this.redirect = TestNode.start(FakeLiteFsMount.replicaOf(dir.resolve("d"), "localhost"), "node-d", timeout,
				"litefs.routing.strategy=redirect",
				"litefs.routing.redirect.url-template=https://{primary}.example.com");
		this.reject = TestNode.start(FakeLiteFsMount.replicaOf(dir.resolve("e"), "localhost"), "node-e", timeout,
				"litefs.routing.strategy=reject");
	}

	@AfterAll
	void stopNodes() {
		for (TestNode node : new TestNode[] { this.forward, this.flyReplay, this.redirect, this.reject,
				this.primary }) {
			if (node != null) {
				node.close();
			}
		}
	}

	@ParameterizedTest
	@CsvSource({ "forward, /posts, 201", "forward, /admin/touch, 200", "fly-replay, /posts, 409",
			"fly-replay, /admin/touch, 409", "redirect, /posts, 307", "redirect, /admin/touch, 307",
			"reject, /posts, 503", "reject, /admin/touch, 503" })
	void aWriteCarryingATxidFarAheadIsRoutedAtOnce(String strategy, String path, int status) {
		TestNode replica = replica(strategy);
		long start = System.nanoTime();
		HttpResponse<String> response = replica.send(replica.request(path)
			.header("Content-Type", "application/json")
			.header("Cookie", FAR_AHEAD)
			.POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"title\":\"at once\"}")));
		Duration took = Duration.ofNanos(System.nanoTime() - start);
		assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
		assertThat(took).as("answered in %s, the consistency timeout being %s", took, TIMEOUT).isLessThan(AT_ONCE);
		assertNoWait(replica);
		assertThat(replica.calls().of("create") + replica.calls().of("admin")).as("handlers run on the replica")
			.isZero();
	}

	static void assertNoWait(TestNode replica) {
		assertThat(replica.node().waiting()).isZero();
		assertThat(replica.bean(MeterRegistry.class)
			.find("litefs.consistency.wait")
			.timers()
			.stream()
			.mapToLong(Timer::count)
			.sum()).as("waits observed").isZero();
	}

	private TestNode replica(String strategy) {
		return switch (strategy) {
			case "forward" -> this.forward;
			case "fly-replay" -> this.flyReplay;
			case "redirect" -> this.redirect;
			default -> this.reject;
		};
	}

}
