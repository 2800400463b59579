package dev.litefs.sample;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import static org.assertj.core.api.Assertions.fail;

/**
 * A real browser for the page tests: Debian's headless Chromium, driven through its own
 * chromedriver. Both come from the system ({@code apt-get install chromium
 * chromium-driver}, which {@code .ci/run} does); nothing is downloaded. Where they are
 * missing the test is skipped, except in CI ({@code CI} set), where it fails.
 * Screenshots land in {@code target/screenshots/}.
 */
public final class Chromium implements AutoCloseable {

	private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

	private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

	private static final Path SCREENSHOTS = Path.of("target", "screenshots");

	private final ChromeDriver driver;

	private final WebDriverWait wait;

	private Chromium(ChromeDriver driver) {
		this.driver = driver;
		this.wait = new WebDriverWait(driver, Duration.ofSeconds(10));
	}

	/**
	 * Starts Chromium, or skips the test where it is not installed (fails it in CI).
	 * @param profile an empty folder for the browser's profile
	 * @return the running browser
	 */
	public static Chromium start(Path profile) {
		requireSystemBrowser();
		ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
			.usingAnyFreePort()
			.build();
		ChromeOptions options = new ChromeOptions();
		options.setBinary(CHROMIUM.toFile());
		options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
				"--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
				"--user-data-dir=" + profile, "--window-size=900,1000");
		return new Chromium(new ChromeDriver(service, options));
	}

	/** @return the driver */
	public ChromeDriver driver() {
		return this.driver;
	}

	/** @return a wait of up to 10 s on the driver */
	public WebDriverWait await() {
		return this.wait;
	}

	/**
	 * The text of the first element a CSS selector finds.
	 * @param css the selector
	 * @return its text
	 */
	public String text(String css) {
		return this.driver.findElement(By.cssSelector(css)).getText();
	}

	/**
	 * Fills a form's fields by id and submits it, then waits for the next page. The form
	 * is the one of the first field (a signed-in page has a sign-out form too).
	 * @param fields the ids of the fields and their values, in pairs
	 */
	public void submit(String... fields) {
		WebElement form = null;
		for (int i = 0; i < fields.length; i += 2) {
			WebElement field = this.driver.findElement(By.id(fields[i]));
			field.clear();
			field.sendKeys(fields[i + 1]);
			if (form == null) {
				form = field.findElement(By.xpath("ancestor::form"));
			}
		}
		click((form != null) ? form.findElement(By.cssSelector("button[type=submit]"))
				: this.driver.findElement(By.cssSelector("form button[type=submit]")));
	}

	/**
	 * Clicks a button that submits its form, then waits for the next page.
	 * @param css the button's selector
	 */
	public void click(String css) {
		click(this.driver.findElement(By.cssSelector(css)));
	}

	/**
	 * Signs the demo user in on a node's login page; the next page is the posts page.
	 * @param baseUrl the node's URL, e.g. {@code http://localhost:8080}
	 */
	public void signIn(String baseUrl) {
		this.driver.get(baseUrl + "/login");
		submit("username", DemoUser.NAME, "password", DemoUser.PASSWORD);
	}

	private void click(WebElement button) {
		button.click();
		this.wait.until((driver) -> isGone(button));
	}

	/**
	 * Saves a screenshot of the page in {@code target/screenshots/}.
	 * @param name the file name
	 */
	public void screenshot(String name) {
		try {
			Path shot = this.driver.getScreenshotAs(OutputType.FILE).toPath();
			Files.createDirectories(SCREENSHOTS);
			Files.copy(shot, SCREENSHOTS.resolve(name), StandardCopyOption.REPLACE_EXISTING);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@Override
	public void close() {
		this.driver.quit();
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
		String missing = "The browser test drives " + CHROMIUM + " through " + CHROMEDRIVER
				+ "; install them with: apt-get install chromium chromium-driver";
		if (System.getenv("CI") != null) {
			fail(missing);
		}
		Assumptions.abort(missing);
	}

}
