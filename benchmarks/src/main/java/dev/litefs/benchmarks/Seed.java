package dev.litefs.benchmarks;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;

import dev.litefs.spring.test.FakeLiteFsMount;

/**
 * The database every part starts from, made by the sample app itself: started once as
 * the primary of a fake mount, it runs its Flyway migration, and one post is written
 * through its API. Parts copy the file, as LiteFS would have replicated it.
 *
 * @param database the migrated database file
 * @param postId the ID of the post written
 */
record Seed(Path database, long postId) {

	static final String POST_JSON = "{\"title\": \"A post to read again and again\", \"body\": \""
			+ "Replicated by LiteFS to every node, read on each of them. ".repeat(4).strip() + "\"}";

	static Seed prepare(Bench bench) {
		FakeLiteFsMount mount = FakeLiteFsMount.primary(bench.directory("seed"));
		try (SampleApp app = bench.start("seed", Bench.withLiteFs(mount, Bench.PRIMARY))) {
			HttpResponse<String> created = bench.client().send(createPost(app), HttpResponse.BodyHandlers.ofString());
			if (created.statusCode() != 201) {
				throw new IllegalStateException("Writing the seed post answered " + created.statusCode() + ": "
						+ created.body());
			}
			String location = created.headers().firstValue("Location").orElseThrow();
			long postId = Long.parseLong(location.substring(location.lastIndexOf('/') + 1));
			return new Seed(mount.dir().resolve(mount.database()), postId);
		}
		catch (IOException ex) {
			throw new IllegalStateException("Could not write the seed post", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/** {@code POST /api/posts} with a small post, as a client of the API sends it. */
	static HttpRequest createPost(SampleApp app) {
		return HttpRequest.newBuilder(app.uri("/api/posts"))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(POST_JSON))
			.build();
	}

}
