package dev.litefs.spring.routing;

import java.net.http.HttpResponse;
import java.nio.file.Path;

import dev.litefs.spring.testapp.FakeMountNodes;
import dev.litefs.spring.testapp.TestNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.http.MediaType;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * SQLite errors of the files under SQLite (LiteFS going away or restarting under a
 * request), on a node whose mount is sound again by the time the error surfaces: a
 * {@code 503} problem detail with {@code Retry-After} that says the change was not
 * stored, one WARN line and no stack trace. The application's own SQL errors stay the
 * application's.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(OutputCaptureExtension.class)
class MountFaultAnswerTests {

	private static final JsonMapper json = new JsonMapper();

	private FakeMountNodes nodes;

	private TestNode primary;

	private TestNode replica;

	@BeforeAll
	void startNodes(@TempDir Path dir) {
		this.nodes = new FakeMountNodes(dir);
		this.primary = this.nodes.primary("litefs.routing.retry-after=2s");
		this.replica = this.nodes.replica("node-b", "litefs.routing.strategy=reject");
	}

	@AfterAll
	void stopNodes() {
		this.nodes.close();
	}

	@ParameterizedTest
	@ValueSource(strings = { "SQLITE_BUSY", "SQLITE_BUSY_SNAPSHOT", "SQLITE_PROTOCOL", "SQLITE_IOERR",
			"SQLITE_IOERR_LOCK", "SQLITE_IOERR_WRITE", "SQLITE_IOERR_SHMMAP", "SQLITE_CANTOPEN" })
	void aFaultOnThePrimaryIsA503ProblemDetailSayingNothingWasStored(String code, CapturedOutput output)
			throws Exception {
		this.primary.mockMvc()
			.perform(post("/posts/sqlite-error").param("code", code).accept(MediaType.APPLICATION_JSON))
			.andExpect(status().isServiceUnavailable())
			.andExpect(header().string("Retry-After", "2"))
			.andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
			.andExpect(jsonPath("$.title").value("Database fault"))
			.andExpect(jsonPath("$.status").value(503))
			.andExpect(jsonPath("$.instance").value("/posts/sqlite-error"))
			.andExpect(jsonPath("$.stored").value(false))
			.andExpect(jsonPath("$.sqliteError").value(code))
			.andExpect(jsonPath("$.node").value("node-a"))
			.andExpect(jsonPath("$.detail").value(org.hamcrest.Matchers.containsString("rolled the change back")));
		assertThat(output.getOut()).contains("POST /posts/sqlite-error failed in SQLite on node node-a ([" + code + "]")
			.doesNotContain("ERROR")
			.doesNotContain("\tat ");
	}

	@Test
	void overARealServerTheAnswerCarriesItsHeaders(CapturedOutput output) {
		HttpResponse<String> answer = this.primary.send(this.primary.request("/posts/sqlite-error?code=SQLITE_PROTOCOL")
			.header("Content-Type", "application/json")
			.POST(java.net.http.HttpRequest.BodyPublishers.noBody()));
		assertThat(answer.statusCode()).isEqualTo(503);
		assertThat(answer.headers().firstValue("Retry-After")).hasValue("2");
		assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/problem+json");
		JsonNode problem = json.readTree(answer.body());
		assertThat(problem.get("stored").asBoolean(true)).isFalse();
		assertThat(problem.get("sqliteError").asString()).isEqualTo("SQLITE_PROTOCOL");
		assertThat(output.getOut()).doesNotContain("ERROR").doesNotContain("\tat ");
	}

	@Test
	void aFaultWhoseRollbackFailedIsAnsweredByTheFault() throws Exception {
		this.primary.mockMvc()
			.perform(post("/posts/sqlite-error").param("code", "SQLITE_IOERR_LOCK").param("rollbackFails", "true"))
			.andExpect(status().isServiceUnavailable())
			.andExpect(jsonPath("$.sqliteError").value("SQLITE_IOERR_LOCK"))
			.andExpect(jsonPath("$.stored").value(false));
	}

	@Test
	void aFaultOnAReplicaThatIsNoRefusedWriteIsAnsweredTheSameNotRouted() throws Exception {
		this.replica.mockMvc()
			.perform(post("/posts/sqlite-error").param("code", "SQLITE_BUSY"))
			.andExpect(status().isServiceUnavailable())
			.andExpect(jsonPath("$.title").value("Database fault"))
			.andExpect(jsonPath("$.stored").value(false));
	}

	@Test
	void aRefusedWriteOnAReplicaIsStillRouted() throws Exception {
		this.replica.mockMvc()
			.perform(post("/posts/sqlite-error").param("code", "SQLITE_IOERR_WRITE"))
			.andExpect(status().isServiceUnavailable())
			.andExpect(jsonPath("$.title").value("Not the primary"));
	}

	/** A NOT NULL constraint, a syntax error, and SQLITE_READONLY on the primary (not a replica's refusal). */
	@ParameterizedTest
	@ValueSource(strings = { "/posts/bad?mistake=null-title", "/posts/bad?mistake=syntax",
			"/posts/sqlite-error?code=SQLITE_READONLY" })
	void theApplicationsOwnSqlErrorsStayTheApplications(String path) {
		HttpResponse<String> answer = this.primary.send(this.primary.request(path)
			.header("Accept", "application/json")
			.POST(java.net.http.HttpRequest.BodyPublishers.noBody()));
		assertThat(answer.statusCode()).isEqualTo(500);
		assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/json");
		assertThat(answer.headers().firstValue("Retry-After")).isEmpty();
		assertThat(answer.body()).doesNotContain("Database fault").doesNotContain("stored");
	}

}
