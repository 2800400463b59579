package dev.litefs.spring.test.autoconfigure;

import dev.litefs.spring.test.autoconfigure.AutoConfigureLiteFs.Role;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.test.web.servlet.assertj.MockMvcTester;

import static dev.litefs.spring.test.autoconfigure.LiteFsAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** A {@code @WebMvcTest} slice: the annotation brings the starter's routing into it. */
@WebMvcTest(controllers = NotesController.class,
		properties = "litefs.routing.strategy=reject")
@AutoConfigureLiteFs(role = Role.REPLICA, primary = "node-a")
class RejectSliceTests {

	@Autowired
	MockMvcTester mvc;

	@Test
	void aWriteOnAReplicaIsRefused() {
		assertThat(this.mvc.post().uri("/notes")).wasRefusedAsNotPrimary();
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
