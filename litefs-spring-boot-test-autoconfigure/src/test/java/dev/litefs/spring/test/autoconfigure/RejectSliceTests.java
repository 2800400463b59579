package dev.litefs.spring.test.autoconfigure;

import dev.litefs.spring.consistency.WaitOutcome;
import dev.litefs.spring.test.autoconfigure.AutoConfigureLiteFs.Role;
import jakarta.servlet.http.Cookie;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.test.web.servlet.assertj.MockMvcTester;

import static dev.litefs.spring.test.autoconfigure.LiteFsAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** A {@code @WebMvcTest} slice: the annotation brings the starter's routing into it. */
@WebMvcTest(controllers = NotesController.class,
		properties = { "litefs.routing.strategy=reject", "litefs.consistency.timeout=200ms" })
@AutoConfigureLiteFs(role = Role.REPLICA, primary = "node-a")
class RejectSliceTests {

	@Autowired
	MockMvcTester mvc;

	@Test
	void aWriteOnAReplicaIsRefused() {
		assertThat(this.mvc.post().uri("/notes")).wasRefusedAsNotPrimary();
	}

	@Test
	void theRecorderSeesAWaitForACookieAheadInASliceToo(LiteFsRecorder recorder) {
		// without async support (MockMvc waits only for the DispatcherServlet's), a bounded blocking wait
		this.mvc.get().uri("/notes").cookie(new Cookie("__txid", "00000000000000ff")).with((request) -> {
			request.setAsyncSupported(false);
			return request;
		}).exchange();

		// a slice has no ObservationRegistry of its own: @AutoConfigureLiteFs brings Boot's
		Assertions.assertThat(recorder.awaitWaited((wait) -> wait.txid() == 0xff))
			.hasValueSatisfying((wait) -> Assertions.assertThat(wait.outcome()).isEqualTo(WaitOutcome.TIMED_OUT));
	}

	@Test
	void withoutAPrimaryTheRefusalIsAnotherOne(LiteFsTestMount mount) {
		mount.loseConnection();

		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> assertThat(this.mvc.post().uri("/notes")).wasRefusedAsNotPrimary())
			.withMessageContaining("refused as not primary")
			.withMessageContaining("503")
			.withMessageContaining("No primary");
	}

}
