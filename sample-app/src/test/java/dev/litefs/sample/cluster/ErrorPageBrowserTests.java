package dev.litefs.sample.cluster;

import java.nio.file.Path;

import dev.litefs.sample.Chromium;
import dev.litefs.spring.test.cluster.LiteFsCluster;
import dev.litefs.spring.test.cluster.RealLiteFs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

import static dev.litefs.sample.cluster.Answers.RECOVERY;
import static dev.litefs.sample.cluster.Answers.assertProblem;
import static dev.litefs.sample.cluster.Answers.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a browser user sees when the primary's LiteFS is killed, on a real two-node
 * cluster: the application's error page ({@code templates/error.html}) with the starter's
 * title and detail, not a JSON blob, on the primary's own app and through the replica's
 * form; an API client asking the same gets the problem detail as before.
 */
@RealLiteFs
class ErrorPageBrowserTests {

	@Test
	void withThePrimarysLiteFsKilledABrowserGetsTheErrorPage(@TempDir Path profile) {
		try (LiteFsCluster cluster = LiteFsCluster.builder().hostnames("127.0.0.1", "node-b").start();
				SampleNode primary = SampleNode.start(cluster.primary());
				SampleNode replica = SampleNode.start(cluster.node(1), "--litefs.routing.strategy=forward",
						"--litefs.routing.forward.url-template=http://{primary}:" + primary.port());
				Chromium chromium = Chromium.start(profile)) {
			WebDriver browser = chromium.driver();
			chromium.signIn(replica.uri("").toString());
			chromium.submit("title", "Before the kill", "body", "Written through the replica.");
			assertThat(chromium.text("article.post h2")).isEqualTo("Before the kill");

			cluster.primary().kill();
			try {
				eventually(() -> primary.get("/api/posts"), (answer) -> answer.statusCode() == 503);

				// a visitor without the __txid cookie of the write (cookies are per host, not per port),
				// still signed in: signing in again now would be a session change, refused with the primary away
				browser.manage().deleteCookieNamed("__txid");
				browser.get(primary.uri("/").toString());
				chromium.screenshot("error-page-primary.png");
				assertThat(browser.getTitle()).isEqualTo("503 · LiteFS sample");
				assertThat(chromium.text("h1")).isEqualTo("503 Service Unavailable");
				assertThat(chromium.text(".problem-title")).isEqualTo("Database unavailable");
				assertThat(chromium.text(".problem-detail")).contains("The LiteFS database of node 127.0.0.1")
					.endsWith("Retry shortly.");
				assertThat(browser.getPageSource()).doesNotContain("\"status\"");

				browser.get(replica.uri("/").toString());
				assertThat(chromium.text("article.post h2")).isEqualTo("Before the kill");
				chromium.submit("title", "While the primary's LiteFS is down");
				WebElement heading = chromium.await()
					.until(ExpectedConditions.visibilityOfElementLocated(By.tagName("h1")));
				chromium.screenshot("error-page-replica-form.png");
				assertThat(heading.getText()).startsWith("503 ");
				assertThat(chromium.text(".problem-title")).isNotBlank();
				assertThat(chromium.text(".problem-detail")).isNotBlank();

				assertProblem(primary.get("/", "Accept", "application/json"), 503);
				assertProblem(primary.get("/"), 503);
			}
			finally {
				cluster.primary().start();
				cluster.node(1).awaitPrimaryFile(RECOVERY);
			}
		}
	}

}
