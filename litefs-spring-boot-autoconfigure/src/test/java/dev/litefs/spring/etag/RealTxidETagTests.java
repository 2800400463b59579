package dev.litefs.spring.etag;

import java.net.http.HttpResponse;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import dev.litefs.spring.cache.CachedCounts;
import dev.litefs.spring.test.cluster.RealLiteFs;
import dev.litefs.spring.testapp.PostsCluster;
import dev.litefs.spring.testapp.TestNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * No stale answer on real LiteFS, in both journal modes: a write on the primary, then at
 * once a conditional {@code GET} on the replica that carries the writer's {@code __txid}
 * cookie and the ETag of the answer before the write, gets the new answer, 500 times in
 * each mode;
 * so does a read of a TXID-stamped {@code @Cacheable}. And while nothing is written, the
 * same conditional {@code GET} is answered {@code 304} without running the handler.
 */
@RealLiteFs
class RealTxidETagTests {

	/** Per journal mode: 1,000 in all. */
	private static final int RUNS = 500;

	private static PostsCluster posts;

	@BeforeAll
	static void start() throws SQLException {
		posts = PostsCluster.start();
	}

	@AfterAll
	static void stop() {
		if (posts != null) {
			posts.close();
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "rollback.db", "wal.db" })
	void aReadAfterAWriteIsNeverStaleAndAnUnchangedOneIsNotModified(String database) throws SQLException {
		TestNode primary = posts.app(List.of(CachedCounts.class), posts.cluster().primary(), database,
				"testapp.plays-litefs=false", "litefs.cache.enabled=true");
		TestNode replica = posts.app(List.of(CachedCounts.class), posts.cluster().node(1), database,
				"litefs.cache.enabled=true");
		long rows = posts.rowsOnPrimary(database);
		HttpResponse<String> first = replica.get("/tagged/count");
		assertThat(first.body()).isEqualTo(Long.toString(rows));
		assertThat(replica.get("/cached/count").body()).isEqualTo(Long.toString(rows));
		String tag = first.headers().firstValue("ETag").orElseThrow();
		List<String> stale = new ArrayList<>();
		int notModified = 0;
		for (int run = 1; run <= RUNS; run++) {
			HttpResponse<String> written = primary.postJson("/posts", "{\"title\":\"run " + run + "\"}");
			assertThat(written.statusCode()).as(written.body()).isEqualTo(201);
			String cookie = txidCookie(written);
			String expected = Long.toString(rows + run);
			HttpResponse<String> read = replica.send(replica.request("/tagged/count")
				.header("If-None-Match", tag)
				.header("Cookie", cookie)
				.GET());
			if (read.statusCode() != 200 || !read.body().equals(expected)) {
				stale.add("run " + run + ": " + read.statusCode() + " '" + read.body() + "', expected " + expected);
			}
			String newTag = read.headers().firstValue("ETag").orElse(tag);
			HttpResponse<String> cached = replica.send(replica.request("/cached/count").header("Cookie", cookie).GET());
			if (!cached.body().equals(expected)) {
				stale.add("run " + run + ", cached: '" + cached.body() + "', expected " + expected);
			}
			HttpResponse<String> again = replica.send(replica.request("/tagged/count")
				.header("If-None-Match", newTag)
				.GET());
			notModified += (again.statusCode() == 304 && again.body().isEmpty()) ? 1 : 0;
			assertThat(newTag).as("run %d", run).isNotEqualTo(tag);
			tag = newTag;
		}
		assertThat(stale).as("stale answers of %d", RUNS).isEmpty();
		assertThat(notModified).isEqualTo(RUNS);
		// the handler ran for the first read and each read after a write, never for a 304
		assertThat(replica.calls().of("tagged-count")).isEqualTo(RUNS + 1);
		assertThat(replica.calls().of("cached-count")).isEqualTo(RUNS + 1);
	}

	private static String txidCookie(HttpResponse<String> response) {
		return response.headers()
			.allValues("Set-Cookie")
			.stream()
			.filter((cookie) -> cookie.startsWith("__txid="))
			.map((cookie) -> cookie.substring(0, "__txid=".length() + 16))
			.findFirst()
			.orElseThrow();
	}

}
