package dev.litefs.sample.posts;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

import dev.litefs.spring.test.autoconfigure.AutoConfigureLiteFs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The page in a real browser: Debian's headless Chromium, driven through its own
 * chromedriver. Both come from the system ({@code apt-get install chromium
 * chromium-driver}, which {@code .ci/run} does); nothing is downloaded. Where they are
 * missing the test is skipped, except in CI ({@code CI} set), where it fails.
 * Screenshots land in {@code target/screenshots/}.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = {
		// the test drives pages only: no need for Chrome DevTools, nor the warning that none matches this Chromium
		"logging.level.org.openqa.selenium.devtools=ERROR", "logging.level.org.openqa.selenium.chromium=ERROR" })
@AutoConfigureLiteFs(hostname = "node-a", txid = 3)
@DirtiesContext
class PostsPageBrowserTests {

	private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

	private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

	private static final Path SCREENSHOTS = Path.of("target", "screenshots");

	@LocalServerPort
	private int port;

	private WebDriver browser;

	private WebDriverWait wait;

	@BeforeEach
	void startChromium(@TempDir Path profile) {
		requireSystemBrowser();
		ChromeDriverService driver = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
			.usingAnyFreePort()
			.build();
		ChromeOptions options = new ChromeOptions();
		options.setBinary(CHROMIUM.toFile());
		options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
				"--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
				"--user-data-dir=" + profile, "--window-size=900,1000");
		this.browser = new ChromeDriver(driver, options);
		this.wait = new WebDriverWait(this.browser, Duration.ofSeconds(10));
	}

	@AfterEach
	void stopChromium() {
		if (this.browser != null) {
			this.browser.quit();
		}
	}

	@Test
	void writeAPostThenTryOneWithoutTitle() throws IOException {
		this.browser.get("http://localhost:" + this.port + "/");
		assertThat(this.browser.getTitle()).isEqualTo("Posts · LiteFS sample");
		assertThat(text(".empty")).isEqualTo("No posts yet. Write the first one.");
		assertThat(text("footer .role")).isEqualTo("primary");
		assertThat(text("footer .hostname")).isEqualTo("node-a");
		assertThat(text("footer .txid")).isEqualTo("0000000000000003");

		publish("Hello from Chromium", "Written through the form,\non two lines.");
		WebElement post = this.wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("article.post")));
		assertThat(this.browser.getCurrentUrl()).isEqualTo("http://localhost:" + this.port + "/");
		assertThat(post.findElement(By.tagName("h2")).getText()).isEqualTo("Hello from Chromium");
		assertThat(post.findElement(By.className("body")).getText()).isEqualTo("Written through the form,\non two lines.");
		assertThat(post.findElement(By.className("meta")).getText()).contains("written on node-a").endsWith("UTC");
		assertThat(this.browser.findElements(By.cssSelector(".empty"))).isEmpty();
		assertThat(text("footer .role")).isEqualTo("primary");
		assertThat(this.browser.findElement(By.id("title")).getAttribute("value")).isEmpty();
		screenshot("posts.png");

		publish("", "A body without a title");
		WebElement message = this.wait
			.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".field-error")));
		assertThat(message.getText()).isEqualTo("Give the post a title.");
		assertThat(text(".errors")).isEqualTo("Please fix what is marked below.");
		assertThat(this.browser.findElement(By.id("title")).getAttribute("aria-invalid")).isEqualTo("true");
		assertThat(this.browser.findElement(By.id("body")).getAttribute("value")).isEqualTo("A body without a title");
		assertThat(this.browser.findElements(By.cssSelector("article.post h2"))).extracting(WebElement::getText)
			.containsExactly("Hello from Chromium");
		screenshot("validation.png");
	}

	private void publish(String title, String body) {
		WebElement titleField = this.browser.findElement(By.id("title"));
		titleField.clear();
		titleField.sendKeys(title);
		WebElement bodyField = this.browser.findElement(By.id("body"));
		bodyField.clear();
		bodyField.sendKeys(body);
		WebElement publish = this.browser.findElement(By.cssSelector("form button[type=submit]"));
		publish.click();
		this.wait.until((driver) -> isGone(publish));
	}

	/**
	 * Whether the page the element was on has been replaced. Selenium's
	 * {@code stalenessOf} takes only a StaleElementReferenceException for it: Chromium
	 * 156 may instead answer that the node "does not belong to the document" (seen once
	 * in CI), which is the same news.
	 */
	private static boolean isGone(WebElement element) {
		try {
			element.isEnabled();
			return false;
		}
		catch (StaleElementReferenceException ex) {
			return true;
		}
		catch (WebDriverException ex) {
			if (String.valueOf(ex.getMessage()).contains("does not belong to the document")) {
				return true;
			}
			throw ex;
		}
	}

	private String text(String css) {
		return this.browser.findElement(By.cssSelector(css)).getText();
	}

	private void screenshot(String name) throws IOException {
		Path shot = ((ChromeDriver) this.browser).getScreenshotAs(OutputType.FILE).toPath();
		Files.createDirectories(SCREENSHOTS);
		Files.copy(shot, SCREENSHOTS.resolve(name), StandardCopyOption.REPLACE_EXISTING);
	}

	private static void requireSystemBrowser() {
		if (Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER)) {
			return;
		}
		String missing = "The browser test drives " + CHROMIUM + " through " + CHROMEDRIVER
				+ "; install them with: apt-get install chromium chromium-driver";
		if (System.getenv("CI") != null) {
			fail(missing);
		}
		Assumptions.abort(missing);
	}

}
