package dev.litefs.spring.test.autoconfigure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.litefs.spring.test.FakeLiteFsMount;
import dev.litefs.spring.test.autoconfigure.AutoConfigureLiteFs.Role;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.assertj.MockMvcTester;
import org.springframework.test.web.servlet.client.ExchangeResult;
import org.springframework.test.web.servlet.client.RestTestClient;

import static dev.litefs.spring.test.autoconfigure.LiteFsAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A replica on a fake mount that forwards writes to a primary (a second application on
 * a fake mount of its own, TXID 7), reached through MockMvc and over HTTP.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "litefs.routing.strategy=forward")
@AutoConfigureMockMvc
@AutoConfigureLiteFs(role = Role.REPLICA, primary = "127.0.0.1", txid = 5)
class ForwardAndWaitTests {

	static ClusterApplication primary;

	@Autowired
	MockMvcTester mvc;

	@LocalServerPort
	int port;

	@DynamicPropertySource
	static void primary(DynamicPropertyRegistry registry) throws IOException {
		Path dir = Files.createTempDirectory("litefs-primary-");
		FakeLiteFsMount mount = FakeLiteFsMount.primary(dir).txid(7);
		primary = ClusterApplication.start(KitTestApplication.class, mount, "127.0.0.1");
		int port = primary.port();
		registry.add("litefs.routing.forward.url-template", () -> "http://{primary}:" + port);
	}

	@AfterAll
	static void stopPrimary() {
		if (primary != null) {
			primary.close();
		}
	}

	RestTestClient http() {
		return RestTestClient.bindToServer(new JdkClientHttpRequestFactory())
			.baseUrl("http://127.0.0.1:" + this.port)
			.build();
	}

	@Test
	void aWriteThroughMockMvcIsForwardedAndCarriesThePrimarysTxid() {
		assertThat(this.mvc.post().uri("/notes")).wasForwarded().hasTxidCookie(7);
	}

	@Test
	void aWriteOverHttpIsForwarded(LiteFsRecorder recorder) {
		ExchangeResult answer = http().post().uri("/notes").exchange().expectStatus().isCreated()
			.expectBody(String.class).isEqualTo("written on 127.0.0.1").returnResult();

		assertThat(answer, recorder).wasForwarded().hasTxidCookie(7);
	}

	@Test
	void aReadWaitsUntilTheReplicaReachesTheCookiesTxid(LiteFsTestMount mount, LiteFsRecorder recorder)
			throws Exception {
		CompletableFuture<ExchangeResult> read = CompletableFuture.supplyAsync(() -> http().get()
			.uri("/notes")
			.cookie("__txid", "0000000000000009")
			.exchange()
			.expectBody(String.class)
			.returnResult());
		mount.awaitHeldRequests(1);
		TimeUnit.MILLISECONDS.sleep(200);
		assertThat(read).as("held until TXID 9").isNotDone();

		mount.txid(9);

		ExchangeResult answer = read.get(10, TimeUnit.SECONDS);
		assertThat(answer.getStatus().value()).isEqualTo(200);
		assertThat(answer, recorder).waitedForTxid(9);
		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> assertThat(answer).waitedForTxid(9))
			.withMessageContaining("only the node's LiteFsRecorder knows");
	}

	@Test
	void aReadThatNeededNoWaitSaysSo(LiteFsRecorder recorder) {
		ExchangeResult answer = http().get().uri("/notes").cookie("__txid", "0000000000000004").exchange()
			.expectStatus().isOk().expectBody().returnResult();

		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> assertThat(answer, recorder).waitedForTxid(4))
			.withMessageContaining("Expected the node to wait for TXID 0000000000000004, but it waited for []");
	}


}
