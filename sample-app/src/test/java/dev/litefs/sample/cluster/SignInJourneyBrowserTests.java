package dev.litefs.sample.cluster;

import java.net.http.HttpResponse;
import java.nio.file.Path;

import dev.litefs.sample.Chromium;
import dev.litefs.spring.test.cluster.LiteFsCluster;
import dev.litefs.spring.test.cluster.RealLiteFs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A user's whole journey in a real browser against node-b, the replica of a real
 * two-node LiteFS cluster, only: sign in, write a post, see its flash message, reload,
 * sign out; then the old session cookie, replayed by hand, is refused on both nodes.
 */
@RealLiteFs
class SignInJourneyBrowserTests {

	private static final String PRIMARY = "127.0.0.1";

	private static final int RELOADS = 100;

	static LiteFsCluster cluster;

	static SampleNode nodeA;

	static SampleNode nodeB;

	@BeforeAll
	static void start() throws Exception {
		cluster = LiteFsCluster.builder().hostnames(PRIMARY, "node-b").start();
		int primaryPort = RealClusterTests.freePort();
		nodeA = SampleNode.start(cluster.primary(), "--server.port=" + primaryPort);
		nodeB = SampleNode.start(cluster.node(1), "--litefs.flyway.replica-timeout=60s",
				"--litefs.routing.strategy=forward",
				"--litefs.routing.forward.url-template=http://{primary}:" + primaryPort);
	}

	@AfterAll
	static void stop() {
		for (SampleNode node : new SampleNode[] { nodeB, nodeA }) {
			if (node != null) {
				node.close();
			}
		}
		if (cluster != null) {
			cluster.close();
		}
	}

	@Test
	void signInWriteReloadSignOutOnTheReplicaAndTheOldSessionIsRefusedEverywhere(@TempDir Path profile)
			throws Exception {
		String nodeBUrl = "http://localhost:" + nodeB.port();
		try (Chromium chromium = Chromium.start(profile)) {
			WebDriver browser = chromium.driver();

			browser.get(nodeBUrl + "/login");
			String beforeSignIn = browser.manage().getCookieNamed("SESSION").getValue();
			chromium.signIn(nodeBUrl);
			String signedIn = browser.manage().getCookieNamed("SESSION").getValue();
			assertThat(signedIn).as("a new session id at sign-in (fixation protection)").isNotEqualTo(beforeSignIn);
			assertThat(replay(nodeA, beforeSignIn)).as("the id from before the sign-in, on node-a")
				.doesNotContain("Signed in as");
			assertThat(replay(nodeA, signedIn)).as("the new id, on node-a at once").contains("Signed in as");
			assertThat(browser.getCurrentUrl()).isEqualTo(nodeBUrl + "/");
			assertThat(chromium.text(".user")).as("signed in on node-b").isEqualTo("demo");
			assertThat(chromium.text("footer .hostname")).isEqualTo("node-b");
			assertThat(chromium.text("footer .role")).isEqualTo("replica");

			chromium.submit("title", "Signed in on node-b", "body", "Written by demo through the replica.");
			assertThat(browser.getCurrentUrl()).isEqualTo(nodeBUrl + "/");
			assertThat(chromium.text(".flash")).isEqualTo("Published “Signed in on node-b”.");
			assertThat(chromium.text("article.post h2")).isEqualTo("Signed in on node-b");
			assertThat(chromium.text("article.post .host")).as("written by the primary").isEqualTo(PRIMARY);
			assertThat(chromium.text("footer .hostname")).as("the page after the post").isEqualTo("node-b");
			chromium.screenshot("journey-published.png");

			long primaryTxid = cluster.primary().txid("app.db");
			for (int i = 0; i < RELOADS; i++) {
				browser.navigate().refresh();
				assertThat(chromium.text(".user")).isEqualTo("demo");
			}
			long writes = cluster.primary().txid("app.db") - primaryTxid;
			System.out.printf("primary writes during %d reloads of a signed-in user on node-b: %d%n", RELOADS, writes);
			assertThat(writes).as("writes reaching the primary during the reloads").isZero();
			assertThat(browser.findElements(By.cssSelector(".flash"))).as("the flash message shown once").isEmpty();

			String oldSession = browser.manage().getCookieNamed("SESSION").getValue();
			assertThat(replay(nodeA, oldSession)).as("the session, replayed on node-a before signing out")
				.contains("Signed in as");

			chromium.click(".sign-out");
			assertThat(chromium.text(".sign-in")).isEqualTo("Sign in to write a post");
			assertThat(browser.findElements(By.cssSelector(".user"))).isEmpty();
			chromium.screenshot("journey-signed-out.png");

			for (SampleNode node : new SampleNode[] { nodeB, nodeA }) {
				assertThat(replay(node, oldSession)).as("the old session replayed by hand")
					.doesNotContain("Signed in as")
					.contains("Sign in to write a post");
			}
		}
	}

	/** GET / with only the given session cookie, no {@code __txid}: as a hand-made request. */
	private static String replay(SampleNode node, String session) {
		HttpResponse<String> page = node.get("/", "Cookie", "SESSION=" + session);
		assertThat(page.statusCode()).isEqualTo(200);
		return page.body();
	}

}
