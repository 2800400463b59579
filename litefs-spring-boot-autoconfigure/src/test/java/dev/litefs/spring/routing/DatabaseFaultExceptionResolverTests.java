package dev.litefs.spring.routing;

import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;

import dev.litefs.spring.node.LiteFsNode;
import dev.litefs.spring.node.NodeRole;
import dev.litefs.spring.test.FakeLiteFsMount;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.jdbc.UncategorizedSQLException;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.transaction.TransactionSystemException;
import org.springframework.web.servlet.ModelAndView;

import static dev.litefs.spring.routing.NotPrimaryExceptionResolverTests.sqlite;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Unit tests of {@link DatabaseFaultExceptionResolver}: the database unavailable, or
 * failing under the application, is a {@code 503}; the application's own SQL errors and
 * a replica's refusals are not its to answer.
 */
class DatabaseFaultExceptionResolverTests {

	@TempDir
	Path dir;

	private FakeLiteFsMount mount;

	private DatabaseFaultExceptionResolver resolver;

	private final MockHttpServletRequest request = new MockHttpServletRequest("POST", "/posts");

	private final MockHttpServletResponse response = new MockHttpServletResponse();

	@BeforeEach
	void primary() {
		this.mount = FakeLiteFsMount.primary(this.dir).txid(3);
		this.resolver = new DatabaseFaultExceptionResolver(NotPrimaryExceptionResolverTests.node(this.dir, "node-a"),
				Duration.ofSeconds(2));
	}

	@Test
	void aFaultOfTheFilesUnderSqliteIsA503SayingNothingWasStored() throws Exception {
		this.response.setHeader("X-Partial", "yes");
		ModelAndView answer = resolve(new UncategorizedSQLException("insert", "insert", sqlite("SQLITE_IOERR_LOCK", 10)));
		assertThat(answer).isNotNull();
		assertThat(this.response.getStatus()).isEqualTo(503);
		assertThat(this.response.getHeader("Retry-After")).isEqualTo("2");
		assertThat(this.response.getHeader("X-Partial")).isNull();
		assertThat(this.response.getContentAsString()).contains("\"title\":\"Database fault\"")
			.contains("\"sqliteError\":\"SQLITE_IOERR_LOCK\"")
			.contains("\"stored\":false")
			.contains("\"node\":\"node-a\"");
	}

	@Test
	void aFaultWhoseRollbackFailedIsAnsweredByTheFault() throws Exception {
		TransactionSystemException rollbackFailed = new TransactionSystemException("rollback failed");
		rollbackFailed.initApplicationException(sqlite("SQLITE_BUSY", 5));
		assertThat(resolve(rollbackFailed)).isNotNull();
		assertThat(this.response.getContentAsString()).contains("\"sqliteError\":\"SQLITE_BUSY\"");
	}

	@Test
	void aFaultOnAReplicaThatIsNoRefusedWriteIsAFault() throws Exception {
		this.mount.becomeReplicaOf("node-c");
		assertThat(resolve(sqlite("SQLITE_PROTOCOL", 15))).isNotNull();
		assertThat(this.response.getContentAsString()).contains("\"title\":\"Database fault\"");
	}

	@Test
	void anyErrorWhileLiteFsIsDownIsDatabaseUnavailable() throws Exception {
		this.mount.stopLiteFs();
		assertThat(resolve(sqlite("SQLITE_CONSTRAINT_NOTNULL", 19))).isNotNull();
		assertThat(this.response.getStatus()).isEqualTo(503);
		assertThat(this.response.getHeader("Retry-After")).isEqualTo("2");
		assertThat(this.response.getContentAsString()).contains("\"title\":\"Database unavailable\"")
			.contains("\"node\":\"node-a\"")
			.contains("\"role\":");
	}

	@Test
	void aReplicasRefusalIsLeftToTheRouting() {
		this.mount.becomeReplicaOf("node-c");
		assertThat(resolve(sqlite("SQLITE_IOERR_WRITE", 10))).isNull();
		assertThat(resolve(sqlite("SQLITE_READONLY", 8))).isNull();
		assertThat(resolve(new NotPrimaryException(NodeRole.REPLICA, "node-c", "create"))).isNull();
		assertThat(this.response.getStatus()).isEqualTo(200);
	}

	@Test
	void theApplicationsOwnSqlErrorsAreLeftToTheApplication() {
		assertThat(resolve(sqlite("SQLITE_CONSTRAINT_NOTNULL", 19))).isNull();
		assertThat(resolve(sqlite("SQLITE_READONLY", 8))).isNull();
		assertThat(resolve(new IllegalStateException("not SQL"))).isNull();
		assertThat(this.response.getStatus()).isEqualTo(200);
	}

	@Test
	void aCommittedResponseIsLeftAlone() throws Exception {
		this.response.getWriter().write("partial");
		this.response.flushBuffer();
		assertThat(resolve(sqlite("SQLITE_IOERR_LOCK", 10))).isNull();
		this.mount.stopLiteFs();
		assertThat(resolve(sqlite("SQLITE_IOERR_LOCK", 10))).isNull();
		assertThat(this.response.getContentAsString()).isEqualTo("partial");
	}

	@Test
	void anyErrorOfARequestDuringWhichLiteFsWentAwayIsAFaultEvenOnceItIsBack() throws Exception {
		// a WAL write stuck on the mount that went away fails seconds later, LiteFS back by then
		LiteFsNode node = NotPrimaryExceptionResolverTests.node(this.dir, "node-a");
		DatabaseFaultExceptionResolver resolver = new DatabaseFaultExceptionResolver(node, Duration.ofSeconds(2));
		new DatabaseLossMark(node).preHandle(this.request, this.response, new Object());
		SQLException stuck = sqlite("SQLITE_ERROR", 1);
		assertThat(resolver.resolveException(this.request, this.response, null, stuck))
			.as("no loss yet: the application's own error")
			.isNull();
		this.mount.stopLiteFs();
		node.refresh();
		this.mount.becomePrimary().txid(3);
		node.refresh();
		assertThat(node.state().isDatabaseAvailable()).isTrue();
		assertThat(resolver.resolveException(this.request, this.response, null, stuck)).isNotNull();
		assertThat(this.response.getStatus()).isEqualTo(503);
		assertThat(this.response.getContentAsString()).contains("\"title\":\"Database fault\"")
			.contains("\"sqliteError\":\"SQLITE_ERROR\"")
			.contains("\"stored\":false");
		// a request that began once LiteFS was back is the application's again
		MockHttpServletRequest later = new MockHttpServletRequest("POST", "/posts");
		new DatabaseLossMark(node).preHandle(later, new MockHttpServletResponse(), new Object());
		assertThat(resolver.resolveException(later, new MockHttpServletResponse(), null, stuck)).isNull();
	}

	private ModelAndView resolve(Exception ex) {
		return this.resolver.resolveException(this.request, this.response, null, ex);
	}

}
