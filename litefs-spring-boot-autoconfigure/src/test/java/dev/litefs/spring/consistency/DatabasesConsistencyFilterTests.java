package dev.litefs.spring.consistency;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.litefs.spring.internal.RequestPathPatterns;
import dev.litefs.spring.jdbc.DatabaseWrites;
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
 * {@link ConsistencyFilter} with several databases on a fake mount: the cookie names each
 * database a request's connections wrote (real SQLite commits, watched by
 * {@link DatabaseWrites}), merged with the incoming entries; a replica waits for every
 * entry behind, sends an entry of a database it does not serve to the primary, and names
 * the databases behind when it gives up.
 */
class DatabasesConsistencyFilterTests {

	private static final String DELETED = "__txid=; Path=/; Max-Age=0;";

	private static final String OTHER = "other.db";

	@TempDir
	Path dir;

	private final WaitRecorder waits = new WaitRecorder();

	private final TestObservationRegistry observations = TestObservationRegistry.create();

	private @Nullable LiteFsNode node;

	private @Nullable DatabaseWrites writes;

	private final List<Connection> connections = new ArrayList<>();

	@BeforeEach
	void recordWaits() {
		this.observations.observationConfig().observationHandler(this.waits);
	}

	@AfterEach
	void stop() throws SQLException {
		for (Connection connection : this.connections) {
			connection.close();
		}
		if (this.node != null) {
			this.node.stop();
		}
	}

	@Test
	void aRequestThatWroteTwoDatabasesGetsTheRecordedTxidOfEach() throws Exception {
		FakeLiteFsMount mount = FakeLiteFsMount.primary(this.dir).txid(3).txid(OTHER, 5);
		ConsistencyFilter filter = filter(start(mount), TimeoutAction.ERROR, null);
		MockHttpServletResponse response = new MockHttpServletResponse();
		filter.doFilter(new MockHttpServletRequest("POST", "/both"), response, (request, res) -> {
			write("app.db");
			write(OTHER);
			// LiteFS records both transactions
			mount.txid(4).txid(OTHER, 0x1f);
			res.getWriter().write("written");
		});
		assertThat(response.getHeaders(HttpHeaders.SET_COOKIE)).singleElement()
			.asString()
			.startsWith("__txid=app.db:4|other.db:1f; Path=/;");
	}

	@Test
	void aWriteOnTheAsyncDispatchOfARequestIsSeenThere() throws Exception {
		FakeLiteFsMount mount = FakeLiteFsMount.primary(this.dir).txid(3).txid(OTHER, 5);
		ConsistencyFilter filter = filter(start(mount), TimeoutAction.ERROR, null);
		MockHttpServletRequest request = new MockHttpServletRequest("POST", "/deferred");
		request.setAsyncSupported(true);
		// the handler returns a DeferredResult: the request goes async with nothing written
		MockHttpServletResponse response = new MockHttpServletResponse();
		filter.doFilter(request, response, (req, res) -> req.startAsync(req, res));
		MockAsyncContext async = (MockAsyncContext) request.getAsyncContext();
		// the result is written on the ASYNC dispatch that follows
		request.setDispatcherType(DispatcherType.ASYNC);
		request.setAsyncStarted(false);
		filter.doFilter(request, async.getResponse(), (req, res) -> {
			write(OTHER);
			mount.txid(OTHER, 6);
		});
		assertThat(response.getHeaders(HttpHeaders.SET_COOKIE)).singleElement()
			.asString()
			.startsWith("__txid=other.db:6; Path=/;");
	}

	@Test
	void aWriteOfTheMainDatabaseAloneKeepsTheSixteenHexForm() throws Exception {
		FakeLiteFsMount mount = FakeLiteFsMount.primary(this.dir).txid(3);
		ConsistencyFilter filter = filter(start(mount), TimeoutAction.ERROR, null);
		MockHttpServletResponse response = new MockHttpServletResponse();
		filter.doFilter(new MockHttpServletRequest("POST", "/posts"), response, (request, res) -> {
			write("app.db");
			mount.txid(4);
		});
		assertThat(response.getHeaders(HttpHeaders.SET_COOKIE)).singleElement()
			.asString()
			.startsWith("__txid=0000000000000004; Path=/;");
	}

	@Test
	void aWriteOfOneDatabaseKeepsTheOtherEntriesAndThePrimaryDropsThoseNoNodeWillHonour() throws Exception {
		FakeLiteFsMount mount = FakeLiteFsMount.primary(this.dir).txid(3).txid(OTHER, 9);
		ConsistencyFilter filter = filter(start(mount), TimeoutAction.ERROR, null);
		MockHttpServletResponse response = new MockHttpServletResponse();
		// gone.db: not on the primary; ahead.db: ahead of the primary
		mount.txid("ahead.db", 1);
		MockHttpServletRequest request = request("POST", "/other",
				"__txid=app.db:2|other.db:8|gone.db:1|ahead.db:7");
		filter.doFilter(request, response, (req, res) -> {
			write(OTHER);
			mount.txid(OTHER, 10);
		});
		List<String> cookies = response.getHeaders(HttpHeaders.SET_COOKIE);
		assertThat(cookies).hasSize(2);
		assertThat(cookies.get(0)).as("the entries kept").startsWith("__txid=app.db:2|other.db:8; Path=/;");
		assertThat(cookies.get(1)).as("after the write").startsWith("__txid=app.db:2|other.db:a; Path=/;");
	}

	@Test
	void aReplicaWaitsForEveryDatabaseBehindAndProceedsOnceAllArrived() throws Exception {
		FakeLiteFsMount mount = FakeLiteFsMount.replicaOf(this.dir, "node-a").txid(3).txid(OTHER, 5);
		ConsistencyFilter filter = filter(start(mount), Duration.ofSeconds(10), TimeoutAction.ERROR, null);
		MockHttpServletRequest request = request("GET", "/both", "__txid=app.db:4|other.db:6");
		request.setAsyncSupported(true);
		Counting chain = new Counting();
		filter.doFilter(request, new MockHttpServletResponse(), chain);
		assertThat(request.isAsyncStarted()).isTrue();
		MockAsyncContext async = (MockAsyncContext) request.getAsyncContext();

		mount.txid(4);
		this.node.refresh();
		// the main database arrived, the other not yet: still waiting past a poll or two
		Thread.sleep(300);
		assertThat(async.getDispatchedPath()).isNull();

		mount.txid(OTHER, 6);
		await().atMost(5, TimeUnit.SECONDS).until(() -> async.getDispatchedPath() != null);
		request.setDispatcherType(DispatcherType.ASYNC);
		filter.doFilter(request, async.getResponse(), chain);
		assertThat(chain.calls).isEqualTo(1);
		assertThat(this.waits.outcomes()).containsExactly(WaitOutcome.CAUGHT_UP);
		assertThat(this.observations).hasObservationWithNameEqualTo(ConsistencyFilter.OBSERVATION)
			.that()
			.hasLowCardinalityKeyValue("outcome", "caught-up")
			.hasHighCardinalityKeyValue("db", "app.db,other.db")
			.hasHighCardinalityKeyValue("txid", "4");
	}

	@Test
	void aReplicaThatGivesUpNamesTheDatabaseBehind() throws Exception {
		FakeLiteFsMount mount = FakeLiteFsMount.replicaOf(this.dir, "node-a").txid(4).txid(OTHER, 5);
		ConsistencyFilter filter = filter(start(mount), TimeoutAction.ERROR, null);
		MockHttpServletResponse response = new MockHttpServletResponse();
		Counting chain = new Counting();
		filter.doFilter(request("GET", "/both", "__txid=app.db:4|other.db:9"), response, chain);
		assertThat(chain.calls).isZero();
		assertThat(response.getStatus()).isEqualTo(504);
		assertThat(response.getContentAsString()).contains("your last write to other.db (TXID 0000000000000009; "
				+ "it is at 0000000000000005)")
			.doesNotContain("app.db")
			.contains("\"behind\":{\"other.db\":\"0000000000000009\"}");
		assertThat(response.getHeaders(HttpHeaders.SET_COOKIE)).singleElement().asString().startsWith(DELETED);
		assertThat(this.waits.outcomes()).containsExactly(WaitOutcome.TIMED_OUT);
	}

	@Test
	void anEntryOfADatabaseTheReplicaDoesNotServeGoesToThePrimaryWithoutWaiting() throws Exception {
		FakeLiteFsMount mount = FakeLiteFsMount.replicaOf(this.dir, "node-a").txid(3);
		ConsistencyFilter filter = filter(start(mount), Duration.ofSeconds(10), TimeoutAction.ERROR,
				TestRouters.reject(Duration.ofSeconds(2)));
		MockHttpServletResponse response = new MockHttpServletResponse();
		Counting chain = new Counting();
		MockHttpServletRequest request = request("GET", "/both", "__txid=app.db:4|other.db:6");
		request.setAsyncSupported(true);
		long start = System.nanoTime();
		filter.doFilter(request, response, chain);
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
		assertThat(request.isAsyncStarted()).as("never waits").isFalse();
		assertThat(chain.calls).isZero();
		assertThat(response.getStatus()).isEqualTo(503);
		assertThat(response.getContentAsString()).contains("Not the primary").contains("node-a");
		assertThat(this.waits.outcomes()).isEmpty();
	}

	@Test
	void withoutARouterAnEntryOfADatabaseTheReplicaDoesNotServeIsAnswered504NamingIt() throws Exception {
		FakeLiteFsMount mount = FakeLiteFsMount.replicaOf(this.dir, "node-a").txid(4);
		ConsistencyFilter filter = filter(start(mount), TimeoutAction.REPLAY, null);
		MockHttpServletResponse response = new MockHttpServletResponse();
		Counting chain = new Counting();
		filter.doFilter(request("GET", "/both", "__txid=app.db:4|other.db:6"), response, chain);
		assertThat(chain.calls).isZero();
		assertThat(response.getStatus()).isEqualTo(504);
		assertThat(response.getContentAsString()).contains("does not serve database other.db")
			.contains("\"unserved\":{\"other.db\":\"0000000000000006\"}");
		assertThat(response.getHeaders(HttpHeaders.SET_COOKIE)).singleElement().asString().startsWith(DELETED);
		assertThat(this.waits.outcomes()).isEmpty();
	}

	@Test
	void aWriteOfADatabaseWhosePositionCannotBeReadIsNotConfirmed() throws Exception {
		FakeLiteFsMount mount = FakeLiteFsMount.primary(this.dir).txid(3).txid(OTHER, 5);
		ConsistencyFilter filter = filter(start(mount), TimeoutAction.ERROR, null);
		MockHttpServletResponse response = new MockHttpServletResponse();
		filter.doFilter(new MockHttpServletRequest("POST", "/other"), response, (request, res) -> {
			write(OTHER);
			// LiteFS went away as the write committed: its position cannot be read
			unreadable(this.dir.resolve(OTHER + "-pos"));
			res.getWriter().write("written");
		});
		assertThat(response.getStatus()).isEqualTo(503);
		assertThat(response.getContentAsString()).contains("Write not confirmed").doesNotContain("written");
		assertThat(response.getHeaders(HttpHeaders.SET_COOKIE)).isEmpty();
	}

	private void write(String db) {
		try {
			Connection connection = DriverManager.getConnection("jdbc:sqlite:" + this.dir.resolve(db));
			this.connections.add(connection);
			this.writes.watch(connection);
			try (Statement statement = connection.createStatement()) {
				statement.execute("create table if not exists t (x)");
				statement.execute("insert into t values (1)");
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static void unreadable(Path file) {
		try {
			Files.delete(file);
			Files.createDirectory(file);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private ConsistencyFilter filter(LiteFsNode node, TimeoutAction onTimeout, @Nullable PrimaryRouter router) {
		return filter(node, Duration.ofMillis(300), onTimeout, router);
	}

	private ConsistencyFilter filter(LiteFsNode node, Duration timeout, TimeoutAction onTimeout,
			@Nullable PrimaryRouter router) {
		this.writes = new DatabaseWrites(node);
		ConsistencyFilter.Settings settings = new ConsistencyFilter.Settings(true, timeout, onTimeout,
				Duration.ofMinutes(1), false, new RequestPathPatterns(List.of()));
		return new ConsistencyFilter(node, router, settings, this.observations, this.writes);
	}

	private LiteFsNode start(FakeLiteFsMount mount) {
		this.node = new LiteFsNode(new LiteFsMount(mount.dir(), mount.database()), "node-b", null,
				Duration.ofMillis(50), (event) -> {
				});
		this.node.start();
		return this.node;
	}

	private static MockHttpServletRequest request(String method, String path, String cookie) {
		MockHttpServletRequest request = new MockHttpServletRequest(method, path);
		request.addHeader(HttpHeaders.COOKIE, cookie);
		return request;
	}

	/** The rest of the chain, which reads: counts its calls. */
	private static final class Counting implements FilterChain {

		volatile int calls;

		@Override
		public void doFilter(ServletRequest request, ServletResponse response) {
			this.calls++;
		}

	}

}
