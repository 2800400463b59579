package dev.litefs.spring.routing;

import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;

import dev.litefs.spring.internal.PrimaryRequests;
import dev.litefs.spring.node.LiteFsMount;
import dev.litefs.spring.node.LiteFsNode;
import dev.litefs.spring.node.NodeRole;
import dev.litefs.spring.test.FakeLiteFsMount;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.web.servlet.ModelAndView;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * Unit tests of {@link NotPrimaryExceptionResolver}: what it routes, and what it leaves
 * to the fault answers and the application.
 */
class NotPrimaryExceptionResolverTests {

	@TempDir
	Path dir;

	private FakeLiteFsMount mount;

	private NotPrimaryExceptionResolver resolver;

	private final MockHttpServletRequest request = new MockHttpServletRequest("POST", "/posts");

	private final MockHttpServletResponse response = new MockHttpServletResponse();

	@BeforeEach
	void replicaOfNodeA() {
		this.mount = FakeLiteFsMount.replicaOf(this.dir, "node-a").txid(3);
		LiteFsNode node = node(this.dir, "node-b");
		this.resolver = new NotPrimaryExceptionResolver(node, TestRouters.reject(Duration.ofSeconds(2)));
	}

	@Test
	void aNotPrimaryExceptionIsRoutedInPlaceOfWhatTheResponseHeld() throws Exception {
		this.response.setHeader("X-Partial", "yes");
		ModelAndView answer = resolve(new IllegalStateException(new NotPrimaryException(NodeRole.REPLICA, "node-a", "create")));
		assertThat(answer).isNotNull();
		assertThat(this.response.getStatus()).isEqualTo(503);
		assertThat(this.response.getHeader("X-Partial")).isNull();
		assertThat(this.response.getContentAsString()).contains("\"title\":\"Not the primary\"")
			.contains("\"primary\":\"node-a\"");
		assertThat(PrimaryRequests.isRefusedWrite(this.request)).isFalse();
	}

	@Test
	void aWriteSqliteRefusedOnAReplicaIsRoutedAndMarkedRefused() throws Exception {
		ModelAndView answer = resolve(new DataAccessResourceFailureException("insert", sqlite("SQLITE_READONLY", 8)));
		assertThat(answer).isNotNull();
		assertThat(this.response.getStatus()).isEqualTo(503);
		assertThat(this.response.getContentAsString()).contains("\"title\":\"Not the primary\"");
		assertThat(PrimaryRequests.isRefusedWrite(this.request)).isTrue();
	}

	@Test
	void aWriteRefusedInWalModeIsRoutedToo() {
		assertThat(resolve(sqlite("SQLITE_IOERR_WRITE", 10))).isNotNull();
		assertThat(this.response.getStatus()).isEqualTo(503);
	}

	/**
	 * Every request of an application with Spring Session passes through its filter, so
	 * that the filter is on the stack of the application's own refused write: routed.
	 * Only a write of Spring Session's repository is passed on, for the session write
	 * filter to answer.
	 */
	@Test
	void aWriteRefusedUnderSpringSessionsFilterIsRoutedAndOneOfItsRepositoryIsPassedOn() {
		SQLException applications = sqlite("SQLITE_READONLY", 8);
		applications.setStackTrace(new StackTraceElement[] {
				new StackTraceElement("dev.example.PostRepository", "create", null, 1),
				new StackTraceElement("org.springframework.session.web.http.SessionRepositoryFilter",
						"doFilterInternal", null, 1) });
		assertThat(resolve(new DataAccessResourceFailureException("insert", applications))).isNotNull();
		assertThat(this.response.getStatus()).isEqualTo(503);

		SQLException sessions = sqlite("SQLITE_READONLY", 8);
		sessions.setStackTrace(new StackTraceElement[] {
				new StackTraceElement("org.springframework.session.jdbc.JdbcIndexedSessionRepository", "save", null,
						1),
				new StackTraceElement("org.springframework.session.web.http.SessionRepositoryFilter",
						"doFilterInternal", null, 1) });
		DataAccessResourceFailureException sessionWrite = new DataAccessResourceFailureException("update", sessions);
		assertThatException().isThrownBy(() -> resolve(sessionWrite)).isSameAs(sessionWrite);
	}

	@Test
	void theSameErrorOnThePrimaryIsNotRoutings() {
		this.mount.becomePrimary();
		assertThat(resolve(sqlite("SQLITE_IOERR_WRITE", 10))).isNull();
		assertThat(this.response.getStatus()).isEqualTo(200);
	}

	@Test
	void theSameErrorWhileLiteFsIsDownIsNotRoutings() {
		this.mount.stopLiteFs();
		assertThat(resolve(sqlite("SQLITE_READONLY", 8))).isNull();
	}

	@Test
	void otherErrorsAreNotRoutings() {
		assertThat(resolve(sqlite("SQLITE_BUSY", 5))).isNull();
		assertThat(resolve(sqlite("SQLITE_CONSTRAINT_NOTNULL", 19))).isNull();
		assertThat(resolve(new IllegalArgumentException("bad input"))).isNull();
		assertThat(this.response.getStatus()).isEqualTo(200);
	}

	@Test
	void aCommittedResponseIsLeftAlone() throws Exception {
		this.response.getWriter().write("partial");
		this.response.flushBuffer();
		assertThat(resolve(new NotPrimaryException(NodeRole.REPLICA, "node-a", "create"))).isNull();
		assertThat(this.response.getContentAsString()).isEqualTo("partial");
	}

	@Test
	void comesAfterTheHaltAnswerAndBeforeTheFaults() {
		assertThat(this.resolver.getOrder()).isGreaterThan(HaltFailureExceptionResolver.ORDER)
			.isLessThan(DatabaseFaultExceptionResolver.ORDER);
	}

	private ModelAndView resolve(Exception ex) {
		return this.resolver.resolveException(this.request, this.response, null, ex);
	}

	/** A node on the fake mount, its first reading made. */
	static LiteFsNode node(Path dir, String hostname) {
		LiteFsNode node = new LiteFsNode(new LiteFsMount(dir, "app.db"), hostname, null, Duration.ofSeconds(1),
				(event) -> {
				});
		node.refresh();
		return node;
	}

	/** An error as sqlite-jdbc reports it: the extended code's name first in the message. */
	static SQLException sqlite(String name, int code) {
		return new SQLException("[" + name + "] " + name.toLowerCase(java.util.Locale.ROOT), null, code);
	}

}
