package dev.litefs.sample.posts;

import java.nio.file.Path;

import dev.litefs.sample.Chromium;
import dev.litefs.spring.test.autoconfigure.AutoConfigureLiteFs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The page in a real browser ({@link Chromium}): the demo user signs in, writes a post
 * through the form (its flash message shown), then one without a title, which comes back
 * as the form with its message.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = {
		// the test drives pages only: no need for Chrome DevTools, nor the warning that none matches this Chromium
		"logging.level.org.openqa.selenium.devtools=ERROR", "logging.level.org.openqa.selenium.chromium=ERROR" })
@AutoConfigureLiteFs(hostname = "node-a", txid = 3)
@DirtiesContext
class PostsPageBrowserTests {

	@LocalServerPort
	private int port;

	private Chromium chromium;

	@BeforeEach
	void startChromium(@TempDir Path profile) {
		this.chromium = Chromium.start(profile);
	}

	@AfterEach
	void stopChromium() {
		if (this.chromium != null) {
			this.chromium.close();
		}
	}

	@Test
	void writeAPostThenTryOneWithoutTitle() {
		WebDriver browser = this.chromium.driver();
		browser.get("http://localhost:" + this.port + "/");
		assertThat(browser.getTitle()).isEqualTo("Posts · LiteFS sample");
		assertThat(this.chromium.text(".empty")).isEqualTo("No posts yet. Write the first one.");
		assertThat(this.chromium.text("footer .role")).isEqualTo("primary");
		assertThat(this.chromium.text("footer .hostname")).isEqualTo("node-a");
		assertThat(this.chromium.text("footer .txid")).isEqualTo("0000000000000003");
		assertThat(this.chromium.text(".sign-in")).isEqualTo("Sign in to write a post");
		assertThat(browser.findElements(By.id("title"))).as("no form before signing in").isEmpty();

		this.chromium.signIn("http://localhost:" + this.port);
		assertThat(this.chromium.text(".user")).isEqualTo("demo");
		this.chromium.submit("title", "Hello from Chromium", "body", "Written through the form,\non two lines.");
		WebElement post = this.chromium.await()
			.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("article.post")));
		assertThat(browser.getCurrentUrl()).isEqualTo("http://localhost:" + this.port + "/");
		assertThat(this.chromium.text(".flash")).isEqualTo("Published “Hello from Chromium”.");
		assertThat(post.findElement(By.tagName("h2")).getText()).isEqualTo("Hello from Chromium");
		assertThat(post.findElement(By.className("body")).getText()).isEqualTo("Written through the form,\non two lines.");
		assertThat(post.findElement(By.className("meta")).getText()).contains("written on node-a").endsWith("UTC");
		assertThat(browser.findElements(By.cssSelector(".empty"))).isEmpty();
		assertThat(this.chromium.text("footer .role")).isEqualTo("primary");
		assertThat(browser.findElement(By.id("title")).getAttribute("value")).isEmpty();
		this.chromium.screenshot("posts.png");

		this.chromium.submit("title", "", "body", "A body without a title");
		WebElement message = this.chromium.await()
			.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".field-error")));
		assertThat(message.getText()).isEqualTo("Give the post a title.");
		assertThat(this.chromium.text(".errors")).isEqualTo("Please fix what is marked below.");
		assertThat(browser.findElement(By.id("title")).getAttribute("aria-invalid")).isEqualTo("true");
		assertThat(browser.findElement(By.id("body")).getAttribute("value")).isEqualTo("A body without a title");
		assertThat(browser.findElements(By.cssSelector("article.post h2"))).extracting(WebElement::getText)
			.containsExactly("Hello from Chromium");
		this.chromium.screenshot("validation.png");
	}

}
