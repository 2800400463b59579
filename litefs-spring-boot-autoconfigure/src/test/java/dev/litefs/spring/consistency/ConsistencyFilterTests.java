package dev.litefs.spring.consistency;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.litefs.spring.internal.PrimaryRequests;
import dev.litefs.spring.internal.RequestPathPatterns;
import dev.litefs.spring.node.LiteFsMount;
import dev.litefs.spring.node.LiteFsNode;
import dev.litefs.spring.routing.PrimaryRouter;
import dev.litefs.spring.routing.TestRouters;
import dev.litefs.spring.test.FakeLiteFsMount;
import io.micrometer.observation.tck.TestObservationRegistry;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.http.HttpHeaders;
import org.springframework.mock.web.MockAsyncContext;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

import static io.micrometer.observation.tck.TestObservationRegistryAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Unit tests of {@link ConsistencyFilter} on a fake mount: which requests wait for their
 * {@code __txid}, how a wait ends (caught up, 504, replayed), which cookies are deleted,
 * and the cookie an ensured request gets as its response commits.
 */
class ConsistencyFilterTests {

	private static final String DELETED = "__txid=; Path=/; Max-Age=0;";

	@TempDir
	Path dir;

	private final WaitRecorder waits = new WaitRecorder();

	private final TestObservationRegistry observations = TestObservationRegistry.create();

	@BeforeEach
	void recordWaits() {
		this.observations.observationConfig().observationHandler(this.waits);
	}

	private @Nullable LiteFsNode node;

	private final RecordingChain chain = new RecordingChain();

	@AfterEach
	void stopNode() {
		if (this.node != null) {
			this.node.stop();
		}
	}

	@Test
	void aRequestOnAnExcludedPathIsLeftAlone() throws Exception {
		assertProceedsUntouched(filter(replica(5), settings(true, TimeoutAction.ERROR, "/static/**"), null),
				get("/static/app.js", "__txid=0000000000000009"));
	}

	@Test
	void aMalformedCookieIsDeletedAndTheRequestProceeds() throws Exception {
		ConsistencyFilter filter = filter(replica(5), settings(true, TimeoutAction.ERROR), null);
		MockHttpServletResponse response = new MockHttpServletResponse();
		filter.doFilter(get("/posts", "__txid=xyz"), response, this.chain);
		assertThat(this.chain.calls).isEqualTo(1);
		assertThat(response.getHeaders(HttpHeaders.SET_COOKIE)).singleElement().asString().startsWith(DELETED);
	}

	@Test
	void aCookieAheadOfThePrimaryIsDeletedThereAndNotWaitedFor() throws Exception {
		ConsistencyFilter filter = filter(primary(5), settings(true, TimeoutAction.ERROR), null);
		MockHttpServletRequest request = get("/posts", "__txid=0000000000000009");
		MockHttpServletResponse response = new MockHttpServletResponse();
		filter.doFilter(request, response, this.chain);
		assertThat(this.chain.calls).isEqualTo(1);
		assertThat(request.isAsyncStarted()).isFalse();
		assertThat(response.getHeaders(HttpHeaders.SET_COOKIE)).singleElement().asString().startsWith(DELETED);
		assertThat(this.waits.outcomes()).isEmpty();
	}

	@Test
	void aCookieTheReplicaReachedProceedsAtOnce() throws Exception {
		assertProceedsUntouched(filter(replica(5), settings(true, TimeoutAction.ERROR), null),
				get("/posts", "__txid=0000000000000005"));
	}

	@Test
	void aCookieAheadHoldsTheRequestWithoutAThreadUntilTheReplicaCatchesUp() throws Exception {
		FakeLiteFsMount mount = FakeLiteFsMount.replicaOf(this.dir, "node-a").txid(5);
		ConsistencyFilter filter = filter(start(mount), settings(true, TimeoutAction.ERROR), null);
		MockHttpServletRequest request = get("/posts", "__txid=0000000000000007");
		request.setAsyncSupported(true);
		filter.doFilter(request, new MockHttpServletResponse(), this.chain);
		assertThat(request.isAsyncStarted()).as("held on Servlet async").isTrue();
		assertThat(this.chain.calls).isZero();
		assertThat(this.node.waiting()).isEqualTo(1);
		mount.txid(7);
		this.node.refresh();
		MockAsyncContext async = (MockAsyncContext) request.getAsyncContext();
		await().atMost(5, TimeUnit.SECONDS).until(() -> async.getDispatchedPath() != null);
		request.setDispatcherType(DispatcherType.ASYNC);
		filter.doFilter(request, async.getResponse(), this.chain);
		assertThat(this.chain.calls).as("proceeded on the ASYNC dispatch").isEqualTo(1);
		assertThat(this.waits.outcomes()).containsExactly(WaitOutcome.CAUGHT_UP);
		assertThat(this.observations).hasObservationWithNameEqualTo(ConsistencyFilter.OBSERVATION)
			.that()
			.hasLowCardinalityKeyValue("outcome", "caught-up")
			.hasBeenStopped();
	}

	@Test
	void aReplicaThatDoesNotCatchUpInTimeAnswers504AndDeletesTheCookie() throws Exception {
		ConsistencyFilter filter = filter(replica(5), settings(true, TimeoutAction.ERROR), null);
		MockHttpServletResponse response = new MockHttpServletResponse();
		filter.doFilter(get("/posts", "__txid=0000000000000009"), response, this.chain);
		assertThat(this.chain.calls).isZero();
		assertThat(response.getStatus()).isEqualTo(504);
		assertThat(response.getContentAsString()).contains("Replica behind your last write")
			.contains("\"txid\":\"0000000000000009\"");
		assertThat(response.getHeaders(HttpHeaders.SET_COOKIE)).singleElement().asString().startsWith(DELETED);
		assertThat(this.waits.outcomes()).containsExactly(WaitOutcome.TIMED_OUT);
		assertThat(this.observations).hasObservationWithNameEqualTo(ConsistencyFilter.OBSERVATION)
			.that()
			.hasLowCardinalityKeyValue("outcome", "timed-out");
	}

	@Test
	void aReplicaThatDoesNotCatchUpInTimeReplaysTheRequestThroughTheRouter() throws Exception {
		ConsistencyFilter filter = filter(replica(5), settings(true, TimeoutAction.REPLAY),
				TestRouters.reject(Duration.ofSeconds(2)));
		MockHttpServletResponse response = new MockHttpServletResponse();
		filter.doFilter(get("/posts", "__txid=0000000000000009"), response, this.chain);
		assertThat(this.chain.calls).isZero();
		assertThat(response.getStatus()).isEqualTo(503);
		assertThat(response.getContentAsString()).contains("Not the primary").contains("node-a");
		assertThat(response.getHeaders(HttpHeaders.SET_COOKIE)).singleElement().asString().startsWith(DELETED);
		assertThat(this.waits.outcomes()).containsExactly(WaitOutcome.TIMED_OUT);
	}

	@Test
	void withReadYourWritesOffACookieAheadIsNeitherWaitedForNorSet() throws Exception {
		assertProceedsUntouched(filter(replica(5), settings(false, TimeoutAction.ERROR), null),
				get("/posts", "__txid=0000000000000009"));
	}

	@Test
	void anEnsuredRequestGetsTheCookieOfTheRecordedPositionAsItsResponseCommits() throws Exception {
		ConsistencyFilter filter = filter(primary(9), settings(true, TimeoutAction.ERROR), null);
		MockHttpServletResponse response = new MockHttpServletResponse();
		this.chain.ensure = true;
		filter.doFilter(new MockHttpServletRequest("POST", "/posts"), response, this.chain);
		assertThat(response.getHeaders(HttpHeaders.SET_COOKIE)).singleElement()
			.asString()
			.startsWith("__txid=0000000000000009; Path=/; Max-Age=60;");
		assertThat(response.getContentAsString()).isEqualTo("written");
	}

	@Test
	void aRequestThatDidNotEnsureThePrimaryGetsNoCookie() throws Exception {
		ConsistencyFilter filter = filter(primary(9), settings(true, TimeoutAction.ERROR), null);
		MockHttpServletResponse response = new MockHttpServletResponse();
		filter.doFilter(new MockHttpServletRequest("POST", "/posts"), response, this.chain);
		assertThat(response.getHeaders(HttpHeaders.SET_COOKIE)).isEmpty();
		assertThat(response.getContentAsString()).isEqualTo("written");
	}

	/** The request goes on at once, with no wait and no cookie set or deleted. */
	private void assertProceedsUntouched(ConsistencyFilter filter, MockHttpServletRequest request) throws Exception {
		MockHttpServletResponse response = new MockHttpServletResponse();
		filter.doFilter(request, response, this.chain);
		assertThat(this.chain.calls).isEqualTo(1);
		assertThat(request.isAsyncStarted()).isFalse();
		assertThat(response.getHeaders(HttpHeaders.SET_COOKIE)).isEmpty();
		assertThat(this.waits.outcomes()).isEmpty();
	}

	private ConsistencyFilter filter(LiteFsNode node, ConsistencyFilter.Settings settings,
			@Nullable PrimaryRouter router) {
		return new ConsistencyFilter(node, router, settings, this.observations);
	}

	private static ConsistencyFilter.Settings settings(boolean readYourWrites, TimeoutAction onTimeout,
			String... exclude) {
		return new ConsistencyFilter.Settings(readYourWrites, Duration.ofMillis(300), onTimeout, Duration.ofMinutes(1),
				false, new RequestPathPatterns(List.of(exclude)));
	}

	private LiteFsNode replica(long txid) {
		return start(FakeLiteFsMount.replicaOf(this.dir, "node-a").txid(txid));
	}

	private LiteFsNode primary(long txid) {
		return start(FakeLiteFsMount.primary(this.dir).txid(txid));
	}

	private LiteFsNode start(FakeLiteFsMount mount) {
		this.node = new LiteFsNode(new LiteFsMount(mount.dir(), mount.database()), "node-b", null,
				Duration.ofSeconds(1), (event) -> {
				});
		this.node.start();
		return this.node;
	}

	private static MockHttpServletRequest get(String path, String cookie) {
		MockHttpServletRequest request = new MockHttpServletRequest("GET", path);
		request.addHeader(HttpHeaders.COOKIE, cookie);
		return request;
	}

	/** The rest of the chain: counts its calls, and writes like a handler (a write, when ensured). */
	private static final class RecordingChain implements FilterChain {

		volatile int calls;

		boolean ensure;

		@Override
		public void doFilter(ServletRequest request, ServletResponse response) throws java.io.IOException {
			this.calls++;
			if (this.ensure) {
				PrimaryRequests.markEnsured(request);
			}
			response.getWriter().write("written");
		}

	}

}
