package dev.litefs.spring.consistency;

import java.net.http.HttpResponse;
import java.nio.file.Path;

import dev.litefs.spring.test.FakeLiteFsMount;
import dev.litefs.spring.testapp.TestNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code litefs.consistency.enabled=false} turns the cookie and the waiting off, and
 * leaves routing alone.
 */
class ConsistencyDisabledTests {

	@Test
	void noCookieAfterWritesAndNoWaitOnReplicas(@TempDir Path dir) {
		try (TestNode primary = TestNode.start(FakeLiteFsMount.primary(dir.resolve("a")), "node-a",
				"litefs.consistency.enabled=false");
				TestNode replica = TestNode.start(FakeLiteFsMount.replicaOf(dir.resolve("b"), "node-a").txid(5),
						"node-b", "litefs.consistency.enabled=false", "litefs.consistency.timeout=9m",
						"litefs.routing.strategy=fly-replay")) {
			HttpResponse<String> write = primary.postJson("/posts", "{\"title\":\"t\"}");
			assertThat(write.statusCode()).isEqualTo(201);
			assertThat(write.headers().allValues("Set-Cookie")).noneMatch((cookie) -> cookie.startsWith("__txid"));
			HttpResponse<String> ahead = replica.send(replica.request("/posts/7")
				.header("Cookie", "__txid=00000000000000ff").GET());
			assertThat(ahead.statusCode()).isEqualTo(200);
			HttpResponse<String> malformed = replica.send(replica.request("/posts/7")
				.header("Cookie", "__txid=xyz").GET());
			assertThat(malformed.headers().allValues("Set-Cookie")).isEmpty();
			assertThat(replica.postJson("/posts", "{}").statusCode()).isEqualTo(409);
			assertThat(replica.bean(ConsistencyFilter.class).settings().readYourWrites()).isFalse();
		}
	}

}
