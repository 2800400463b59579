package dev.litefs.spring.node;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpServer;
import dev.litefs.spring.test.FakeLiteFsApi;
import dev.litefs.spring.test.FakeLiteFsMount;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ApplicationEventPublisher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class LiteFsNodeTests {

	@TempDir
	Path dir;

	final List<Object> events = new CopyOnWriteArrayList<>();

	final ApplicationEventPublisher publisher = this.events::add;

	HttpServer api;

	final AtomicInteger infoRequests = new AtomicInteger();

	LiteFsNode node;

	@AfterEach
	void stop() {
		if (this.node != null) {
			this.node.stop();
		}
		if (this.api != null) {
			this.api.stop(0);
		}
	}

	LiteFsNode node(LiteFsApi api) {
		this.node = new LiteFsNode(new LiteFsMount(this.dir, "app.db"), "node-b", api, Duration.ofMillis(20),
				this.publisher);
		return this.node;
	}

	LiteFsNode node() {
		return node(null);
	}

	LiteFsApi api(int status, String body) throws IOException {
		this.api = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		this.api.createContext("/info", (exchange) -> {
			LiteFsNodeTests.this.infoRequests.incrementAndGet();
			byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
			exchange.sendResponseHeaders(status, bytes.length);
			try (OutputStream out = exchange.getResponseBody()) {
				out.write(bytes);
			}
		});
		this.api.start();
		return new LiteFsApi(URI.create("http://127.0.0.1:" + this.api.getAddress().getPort()), Duration.ofSeconds(2));
	}

	@Nested
	class Roles {

		@Test
		void aPlainDirectoryIsAStandalonePrimaryAtTxidZero() {
			NodeState state = node().state();
			assertThat(state.role()).isEqualTo(NodeRole.STANDALONE);
			assertThat(state.isPrimary()).isTrue();
			assertThat(state.primary()).isEqualTo("node-b");
			assertThat(state.position()).isEqualTo(Position.ZERO);
			assertThat(state.mounted()).isFalse();
			assertThat(state.readable()).isTrue();
			assertThat(state.problems()).isEmpty();
		}

		@Test
		void aMountWithoutPrimaryFileAndZeroLagIsThePrimary() {
			FakeLiteFsMount.primary(mountDir()).txid(42);
			NodeState state = node().state();
			assertThat(state.role()).isEqualTo(NodeRole.PRIMARY);
			assertThat(state.primary()).isEqualTo("node-b");
			assertThat(state.position().txid()).isEqualTo(42);
			assertThat(state.lag()).isZero();
			assertThat(state.mounted()).isTrue();
		}

		@Test
		void aPrimaryFileMakesAReplicaWithItsLag() {
			FakeLiteFsMount.replicaOf(mountDir(), "node-a").txid(5).lag(Duration.ofMillis(12));
			NodeState state = node().state();
			assertThat(state.role()).isEqualTo(NodeRole.REPLICA);
			assertThat(state.isPrimary()).isFalse();
			assertThat(state.primary()).isEqualTo("node-a");
			assertThat(state.position().txid()).isEqualTo(5);
			assertThat(state.lag()).isEqualTo(Duration.ofMillis(12));
		}

		@Test
		void aReplicaConnectedToNoPrimaryIsUnknown() {
			FakeLiteFsMount.replicaOf(mountDir(), "node-a").loseConnection();
			NodeState state = node().state();
			assertThat(state.role()).isEqualTo(NodeRole.UNKNOWN);
			assertThat(state.isPrimary()).isFalse();
			assertThat(state.primary()).isNull();
			assertThat(state.lag()).isEqualTo(LiteFsMount.NEVER_SYNCED_LAG);
			assertThat(state.problems()).singleElement().asString().contains("no .primary");
		}

		@Test
		void aDisconnectedReplicaWithLagIsUnknown() {
			FakeLiteFsMount.primary(mountDir()).lag(Duration.ofSeconds(3));
			assertThat(node().state().role()).isEqualTo(NodeRole.UNKNOWN);
		}

		@Test
		void aMountWithoutLagFileOrApiIsUnknown() {
			FakeLiteFsMount.primary(mountDir()).delete(".lag");
			assertThat(node().state().role()).isEqualTo(NodeRole.UNKNOWN);
		}

		@Test
		void aMissingDirectoryIsUnknownAndUnreadable() {
			LiteFsNodeTests.this.dir = LiteFsNodeTests.this.dir.resolve("missing");
			NodeState state = node().state();
			assertThat(state.role()).isEqualTo(NodeRole.UNKNOWN);
			assertThat(state.readable()).isFalse();
			assertThat(state.problems()).singleElement().asString().contains("does not exist");
		}

	}

	@Nested
	@ExtendWith(OutputCaptureExtension.class)
	class Api {

		@Test
		void confirmsThePrimaryBeforeTheFirstSync() throws IOException {
			FakeLiteFsMount.primary(mountDir()).neverSynced();
			LiteFsApi api = api(200, "{\"clusterID\":\"LFSC1\",\"isPrimary\":true,\"candidate\":true,"
					+ "\"path\":\"/var/lib/litefs\",\"primary\":{\"hostname\":\"node-b\"}}");
			assertThat(node(api).state().role()).isEqualTo(NodeRole.PRIMARY);
			assertThat(api.info()).contains(new LiteFsInfo("LFSC1", true, true, "node-b"));
		}

		@Test
		void overrulesAZeroLagWhenItSaysNotPrimary() throws IOException {
			FakeLiteFsMount.primary(mountDir());
			LiteFsApi api = api(200, "{\"clusterID\":\"LFSC1\",\"isPrimary\":false,\"candidate\":true}");
			NodeState state = node(api).state();
			assertThat(state.role()).isEqualTo(NodeRole.UNKNOWN);
			assertThat(state.problems()).singleElement().asString().contains("not primary");
		}

		@Test
		void isAskedOnlyWhenTheFilesLeaveTheRoleOpen() throws IOException {
			LiteFsApi api = api(200, "{\"clusterID\":\"LFSC1\",\"isPrimary\":false,\"candidate\":false}");
			FakeLiteFsMount replica = FakeLiteFsMount.replicaOf(mountDir(), "node-a");
			assertThat(node(api).state().role()).isEqualTo(NodeRole.REPLICA);
			assertThat(LiteFsNodeTests.this.infoRequests).hasValue(0);
			// no .primary: a primary or a replica connected to none, only LiteFS can tell
			replica.delete(".primary");
			assertThat(node(api).state().role()).isEqualTo(NodeRole.UNKNOWN);
			assertThat(LiteFsNodeTests.this.infoRequests).hasValue(1);
		}

		@Test
		void anApiThatFailsIsIgnored() throws IOException {
			FakeLiteFsMount.primary(mountDir());
			LiteFsApi api = api(500, "oops");
			assertThat(api.info()).isEmpty();
			assertThat(node(api).state().role()).isEqualTo(NodeRole.PRIMARY);
		}

		@Test
		void anApiThatAnswersGarbageIsIgnored() throws IOException {
			assertThat(api(200, "{not json").info()).isEmpty();
		}

		@Test
		void anAnswerThatIsNotLiteFsIsLoggedOnceUntilTheApiAnswersWellAgain(CapturedOutput output) {
			try (FakeLiteFsApi fake = FakeLiteFsApi.start(true)) {
				LiteFsApi api = new LiteFsApi(fake.url(), Duration.ofSeconds(2));
				fake.answerInfo("{\"isPrimary\":1}");
				for (int i = 0; i < 5; i++) {
					assertThat(api.info()).isEmpty();
				}
				assertThat(api.answeredLastInfo()).isFalse();
				fake.answerInfo(null);
				assertThat(api.info()).map(LiteFsInfo::primary).contains(true);
				fake.answerInfo("[]");
				for (int i = 0; i < 5; i++) {
					assertThat(api.info()).isEmpty();
				}
				assertThat(output.getOut().lines().filter((line) -> line.contains("WARN")))
					.as("one WARN per time the API answered what is not LiteFS's answer")
					.hasSize(2)
					.allSatisfy((line) -> assertThat(line).contains("no JSON object with a boolean isPrimary"));
				assertThat(output.getOut()).containsOnlyOnce("answers well again");
			}
		}

		@Test
		void anAnswerThatTricklesInIsCutAtTheTimeout() throws IOException {
			FakeLiteFsMount.primary(mountDir());
			LiteFsNodeTests.this.api = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
			LiteFsNodeTests.this.api.createContext("/info", (exchange) -> {
				exchange.sendResponseHeaders(200, 200);
				try (OutputStream out = exchange.getResponseBody()) {
					for (int i = 0; i < 200; i++) {
						out.write(' ');
						out.flush();
						Thread.sleep(100);
					}
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			});
			LiteFsNodeTests.this.api.start();
			LiteFsApi api = new LiteFsApi(
					URI.create("http://127.0.0.1:" + LiteFsNodeTests.this.api.getAddress().getPort()),
					Duration.ofMillis(500));

			long started = System.nanoTime();
			// before: each byte restarted the read's timeout, and the call took 20 s
			assertThat(api.info()).isEmpty();
			assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
			assertThat(node(api).state().role()).as("by .lag, as without the API").isEqualTo(NodeRole.PRIMARY);
		}

		@Test
		void aHeadThatTricklesInIsCutAtTheTimeout() throws IOException {
			try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
				Thread trickle = new Thread(() -> {
					byte[] head = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 18\r\n\r\n"
						.getBytes(StandardCharsets.US_ASCII);
					try (Socket connection = server.accept(); OutputStream out = connection.getOutputStream()) {
						for (byte next : head) {
							out.write(next);
							out.flush();
							Thread.sleep(100);
						}
					}
					catch (IOException | InterruptedException ex) {
						// the client went away
					}
				});
				trickle.setDaemon(true);
				trickle.start();
				LiteFsApi api = new LiteFsApi(URI.create("http://127.0.0.1:" + server.getLocalPort()),
						Duration.ofMillis(500));

				long started = System.nanoTime();
				// before: each byte restarted the read's timeout, and the call took 7 s
				assertThat(api.info()).isEmpty();
				assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
			}
		}

		@Test
		void anApiThatIsDownIsIgnored() {
			FakeLiteFsMount.primary(mountDir());
			LiteFsApi api = new LiteFsApi(URI.create("http://127.0.0.1:1"), Duration.ofMillis(500));
			assertThat(api.info()).isEmpty();
			assertThat(node(api).state().role()).isEqualTo(NodeRole.PRIMARY);
		}

	}

	@Nested
	class MalformedFiles {

		@Test
		void aMalformedPrimaryFileMakesTheRoleUnknown() {
			FakeLiteFsMount.replicaOf(mountDir(), "node-a").write(".primary", "node-a\r\nX-Evil: 1\n");
			NodeState state = node().state();
			assertThat(state.role()).isEqualTo(NodeRole.UNKNOWN);
			assertThat(state.primary()).isNull();
			assertThat(state.problems()).singleElement().asString().contains(".primary").contains("control character");
		}

		@Test
		void anEmptyPrimaryFileMakesTheRoleUnknown() {
			FakeLiteFsMount.replicaOf(mountDir(), "node-a").write(".primary", "");
			assertThat(node().state().role()).isEqualTo(NodeRole.UNKNOWN);
		}

		@Test
		void aTruncatedPositionFileYieldsTxidZero() {
			FakeLiteFsMount.replicaOf(mountDir(), "node-a").write("app.db-pos", "0000000000000005/");
			LiteFsNode node = node();
			assertThat(node.state().role()).isEqualTo(NodeRole.REPLICA);
			assertThat(node.state().position()).isEqualTo(Position.ZERO);
			assertThat(node.state().problems()).singleElement().asString().contains("app.db-pos");
			assertThat(node.currentPosition()).isEqualTo(Position.ZERO);
		}

		@Test
		void aGarbledLagFileIsAProblemAndNoPrimaryClaim() {
			FakeLiteFsMount.primary(mountDir()).write(".lag", "soon\n");
			NodeState state = node().state();
			assertThat(state.role()).isEqualTo(NodeRole.UNKNOWN);
			assertThat(state.problems()).anySatisfy((problem) -> assertThat(problem).contains(".lag"));
		}

	}

	@Nested
	class Changes {

		@Test
		void currentPositionReadsTheFileNow() {
			FakeLiteFsMount mount = FakeLiteFsMount.primary(mountDir()).txid(3);
			LiteFsNode node = node();
			mount.txid(4);
			assertThat(node.state().position().txid()).isEqualTo(3);
			assertThat(node.currentPosition().txid()).isEqualTo(4);
		}

		@Test
		void aPromotionIsPublishedWithinThePollInterval() {
			FakeLiteFsMount mount = FakeLiteFsMount.replicaOf(mountDir(), "node-a");
			LiteFsNode node = node();
			node.start();
			mount.becomePrimary();
			await().atMost(Duration.ofSeconds(5)).until(() -> !LiteFsNodeTests.this.events.isEmpty());
			assertThat(LiteFsNodeTests.this.events).singleElement().isInstanceOfSatisfying(LiteFsRoleChangedEvent.class,
					(event) -> {
						assertThat(event.getPreviousRole()).isEqualTo(NodeRole.REPLICA);
						assertThat(event.getPreviousPrimary()).isEqualTo("node-a");
						assertThat(event.getRole()).isEqualTo(NodeRole.PRIMARY);
						assertThat(event.getPrimary()).isEqualTo("node-b");
						assertThat(event.isPromotion()).isTrue();
						assertThat(event.getSource()).isSameAs(node);
					});
			assertThat(node.isPrimary()).isTrue();
			assertThat(node.lastRoleChange()).isPresent();
		}

		@Test
		void aFailOverToAnotherPrimaryIsPublished() {
			FakeLiteFsMount mount = FakeLiteFsMount.replicaOf(mountDir(), "node-a");
			LiteFsNode node = node();
			mount.becomeReplicaOf("node-c");
			node.refresh();
			assertThat(LiteFsNodeTests.this.events).singleElement().isInstanceOfSatisfying(LiteFsRoleChangedEvent.class,
					(event) -> {
						assertThat(event.getRole()).isEqualTo(NodeRole.REPLICA);
						assertThat(event.getPrimary()).isEqualTo("node-c");
						assertThat(event.isPromotion()).isFalse();
					});
		}

		@Test
		void liteFsStoppingUnderTheNodeLeavesItUnknownNeverStandaloneUntilLiteFsIsBack() {
			FakeLiteFsMount mount = FakeLiteFsMount.replicaOf(mountDir(), "node-a").txid(5);
			LiteFsNode node = node();
			assertThat(node.state().isDatabaseAvailable()).isTrue();

			mount.stopLiteFs();

			NodeState stopped = node.refresh();
			assertThat(stopped.role()).isEqualTo(NodeRole.UNKNOWN);
			assertThat(stopped.isPrimary()).isFalse();
			assertThat(stopped.isDatabaseAvailable()).isFalse();
			assertThat(stopped.problems()).singleElement().asString().contains("is no longer a LiteFS mount");

			mount.becomeReplicaOf("node-a").txid(5);

			NodeState back = node.refresh();
			assertThat(back.role()).isEqualTo(NodeRole.REPLICA);
			assertThat(back.isDatabaseAvailable()).isTrue();
			assertThat(LiteFsNodeTests.this.events).hasSize(2)
				.last()
				.isInstanceOfSatisfying(LiteFsRoleChangedEvent.class,
						(event) -> assertThat(event.getPreviousState().isDatabaseAvailable()).isFalse());
		}

		@Test
		void replicationAloneIsNoRoleChange() {
			FakeLiteFsMount mount = FakeLiteFsMount.replicaOf(mountDir(), "node-a").txid(5);
			LiteFsNode node = node();
			mount.txid(6).lag(Duration.ofMillis(40));
			assertThat(node.refresh().position().txid()).isEqualTo(6);
			assertThat(node.state().lag()).isEqualTo(Duration.ofMillis(40));
			assertThat(LiteFsNodeTests.this.events).isEmpty();
		}

		@Test
		void anErrorOfAListenerDoesNotEndThePolling() {
			FakeLiteFsMount mount = FakeLiteFsMount.replicaOf(mountDir(), "node-a");
			AtomicBoolean failing = new AtomicBoolean(true);
			LiteFsNodeTests.this.node = new LiteFsNode(new LiteFsMount(mountDir(), "app.db"), "node-b", null,
					Duration.ofMillis(20), (event) -> {
						if (failing.getAndSet(false)) {
							throw new StackOverflowError("a listener of role changes");
						}
						LiteFsNodeTests.this.events.add(event);
					});
			LiteFsNodeTests.this.node.start();

			mount.becomePrimary();
			await().atMost(Duration.ofSeconds(10)).until(() -> !failing.get());
			mount.becomeReplicaOf("node-c");

			// before: the scheduled poll that threw was never run again
			await().atMost(Duration.ofSeconds(10)).until(() -> !LiteFsNodeTests.this.events.isEmpty());
			assertThat(LiteFsNodeTests.this.events).singleElement()
				.isInstanceOfSatisfying(LiteFsRoleChangedEvent.class,
						(event) -> assertThat(event.getPrimary()).isEqualTo("node-c"));
		}

		@Test
		void stoppingEndsThePolling() {
			FakeLiteFsMount mount = FakeLiteFsMount.replicaOf(mountDir(), "node-a");
			LiteFsNode node = node();
			node.start();
			assertThat(node.isRunning()).isTrue();
			node.stop();
			assertThat(node.isRunning()).isFalse();
			mount.becomePrimary();
			await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(1))
				.until(() -> LiteFsNodeTests.this.events.isEmpty());
			assertThat(node.state().role()).isEqualTo(NodeRole.REPLICA);
		}

	}

	Path mountDir() {
		return this.dir;
	}

}
