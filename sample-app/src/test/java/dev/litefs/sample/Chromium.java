package dev.litefs.sample;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import static org.assertj.core.api.Assertions.fail;

/**
 * A real browser for the sample's page tests: Debian's headless Chromium, driven through
 * its own chromedriver. Both come from the system ({@code apt-get install chromium
 * chromium-driver}, which {@code .ci/run} does); nothing is downloaded. Where they are
 * missing the test is skipped, except in CI ({@code CI} set), where it fails.
 * Screenshots land in {@code target/screenshots/}.
 */
public final class Chromium implements AutoCloseable {

	private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

	private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

	private static final Path SCREENSHOTS = Path.of("target", "screenshots");

	private final ChromeDriver browser;

	private final WebDriverWait wait;

	private Chromium(ChromeDriver browser) {
		this.browser = browser;
		this.wait = new WebDriverWait(browser, Duration.ofSeconds(10));
	}

	/**
	 * Starts a browser with a fresh profile, or skips the test where there is none.
	 * @param profile an empty directory for the profile
	 * @return the browser
	 */
	public static Chromium start(Path profile) {
		requireSystemBrowser();
		ChromeDriverService driver = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
			.usingAnyFreePort()
			.build();
		ChromeOptions options = new ChromeOptions();
		options.setBinary(CHROMIUM.toFile());
		options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
				"--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
				"--user-data-dir=" + profile, "--window-size=900,1000");
		return new Chromium(new ChromeDriver(driver, options));
	}

	public WebDriver browser() {
		return this.browser;
	}

	public WebDriverWait await() {
		return this.wait;
	}

	/**
	 * The text of the first element a CSS selector finds.
	 * @param css the selector
	 * @return its text
	 */
	public String text(String css) {
		return this.browser.findElement(By.cssSelector(css)).getText();
	}

	/**
	 * Clears a field and types into it.
	 * @param id the field's id
	 * @param text what to type
	 */
	public void type(String id, String text) {
		WebElement field = this.browser.findElement(By.id(id));
		field.clear();
		field.sendKeys(text);
	}

	/**
	 * Clicks a button that submits a form, and waits until the next page replaced this one.
	 * @param css the button's selector
	 */
	public void submit(String css) {
		WebElement button = this.browser.findElement(By.cssSelector(css));
		button.click();
		this.wait.until((driver) -> isGone(button));
	}

	/**
	 * Signs the demo user in on the login page of a node.
	 * @param baseUrl the node's URL, e.g. {@code http://localhost:8080}
	 */
	public void signIn(String baseUrl) {
		this.browser.get(baseUrl + "/login");
		type("username", DemoUser.NAME);
		type("password", DemoUser.PASSWORD);
		submit("button[type=submit]");
	}

	/**
	 * Saves a screenshot of the page.
	 * @param name the file name in {@code target/screenshots/}
	 * @throws IOException if it cannot be saved
	 */
	public void screenshot(String name) throws IOException {
		Path shot = this.browser.getScreenshotAs(OutputType.FILE).toPath();
		Files.createDirectories(SCREENSHOTS);
		Files.copy(shot, SCREENSHOTS.resolve(name), StandardCopyOption.REPLACE_EXISTING);
	}

	@Override
	public void close() {
		this.browser.quit();
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

	private static void requireSystemBrowser() {
		if (Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER)) {
			return;
		}
		String missing = "The browser tests drive " + CHROMIUM + " through " + CHROMEDRIVER
				+ "; install them with: apt-get install chromium chromium-driver";
		if (System.getenv("CI") != null) {
			fail(missing);
		}
		Assumptions.abort(missing);
	}

}
