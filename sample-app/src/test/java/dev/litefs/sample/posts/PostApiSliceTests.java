package dev.litefs.sample.posts;

import java.time.Instant;

import dev.litefs.sample.DemoUser;
import dev.litefs.spring.test.autoconfigure.AutoConfigureLiteFs;
import dev.litefs.spring.test.autoconfigure.AutoConfigureLiteFs.Role;
import dev.litefs.spring.test.autoconfigure.LiteFsTestMount;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.assertj.MockMvcTester;

import static dev.litefs.spring.test.autoconfigure.LiteFsAssertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.verifyNoInteractions;

/**
 * docs/testing.md, slice level: the JSON API alone
 * ({@code @WebMvcTest}) on a replica of node-a that lags two seconds behind, its
 * repository a mock. (A wait for a {@code __txid} is Servlet async started in a filter,
 * which MockMvc does not dispatch: {@code TwoNodeClusterTests} asserts one over HTTP.)
 */
@WebMvcTest(controllers = PostApiController.class, properties = "litefs.routing.strategy=fly-replay")
@AutoConfigureLiteFs(role = Role.REPLICA, primary = "node-a", txid = 5, lag = "2s")
class PostApiSliceTests {

	@Autowired
	MockMvcTester mvc;

	@MockitoBean
	PostRepository posts;

	@MockitoBean
	ServingNode servingNode;

	@Test
	void aPostOnTheReplicaIsReplayedToThePrimary() {
		assertThat(this.mvc.post().uri("/api/posts")
			.header(DemoUser.AUTHORIZATION, DemoUser.BASIC).contentType(MediaType.APPLICATION_JSON).content("{\"title\": \"Hi\"}"))
			.wasReplayedTo("node-a");
		verifyNoInteractions(this.posts);
	}

	@Test
	void afterAFailOverTheReplicaTakesTheWriteItself(LiteFsTestMount mount) {
		given(this.posts.create(any(), any())).willReturn(new Post(1, "Hi", "", Instant.EPOCH, "node-b"));

		mount.becomePrimary();

		assertThat(this.mvc.post().uri("/api/posts")
			.header(DemoUser.AUTHORIZATION, DemoUser.BASIC).contentType(MediaType.APPLICATION_JSON).content("{\"title\": \"Hi\"}"))
			.hasTxidCookie(5);
	}

}
