package org.taama.support;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedCondition;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A real browser for the console's tests: Debian's chromium and chromedriver ({@code .ci/run}
 * installs both), headless, one per test class (it is slow to start). Register it with
 * {@code @RegisterExtension static final Browser browser = new Browser();}.
 *
 * <p>Before each test its cookies and storage are cleared (so every test starts signed out). When a
 * test fails, what the browser showed is kept as {@code target/screenshots/<Class>-<method>.png}
 * with the page's source beside it ({@code .html}); {@link #screenshot(String)} keeps one on purpose.
 * Waits are {@link #WAIT} long at most and end as soon as the condition holds: never sleep.
 */
public final class Browser implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, TestWatcher {
    public static final Path SCREENSHOTS = Path.of("target", "screenshots");
    public static final Duration WAIT = Duration.ofSeconds(15);
    static final String CHROMIUM = "/usr/bin/chromium";
    static final String CHROMEDRIVER = "/usr/bin/chromedriver";

    private ChromeDriver driver;
    private ChromeDriverService service;
    private String base;

    /** The driver itself, for what this class does not wrap. */
    public WebDriver driver() {
        return driver;
    }

    /** Where relative paths given to {@link #open} go: {@code http://localhost:<port>}. */
    public Browser base(String base) {
        this.base = base;
        return this;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (!new File(CHROMIUM).canExecute() || !new File(CHROMEDRIVER).canExecute()) {
            throw new IllegalStateException("the browser tests need " + CHROMIUM + " and " + CHROMEDRIVER
                    + ": apt-get install chromium chromium-driver (.ci/run does)");
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1280,900", "--lang=fr-FR", "--no-first-run", "--no-default-browser-check",
                "--disable-extensions", "--password-store=basic");
        service = new ChromeDriverService.Builder().usingDriverExecutable(new File(CHROMEDRIVER))
                .usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30)).scriptTimeout(Duration.ofSeconds(20));
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (driver == null || base == null) return;
        // Back on our origin so its cookies and storage can be cleared.
        driver.get(base + "/favicon.svg");
        driver.manage().deleteAllCookies();
        ((JavascriptExecutor) driver).executeScript("try { localStorage.clear(); sessionStorage.clear(); } catch (e) {}");
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (driver != null) driver.quit();
        if (service != null) service.stop();
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        if (driver == null) return;
        String name = context.getRequiredTestClass().getSimpleName() + "-" + context.getRequiredTestMethod().getName();
        try {
            Path png = screenshot(name);
            Files.writeString(png.resolveSibling(name + ".html"), driver.getPageSource(), StandardCharsets.UTF_8);
            System.err.println("browser screenshot of the failure: " + png.toAbsolutePath());
        } catch (RuntimeException | IOException e) {
            System.err.println("no screenshot of the failure: " + e);
        }
    }

    @Override
    public void testAborted(ExtensionContext context, Throwable cause) {
        testFailed(context, cause);
    }

    @Override
    public void testSuccessful(ExtensionContext context) {}

    @Override
    public void testDisabled(ExtensionContext context, Optional<String> reason) {}

    // ---------------------------------------------------------------- driving

    /** Goes to {@code path} on the server ({@link #base}), or to a full URL. */
    public Browser open(String path) {
        driver.get(path.startsWith("http") ? path : base + path);
        return this;
    }

    public String path() {
        return java.net.URI.create(driver.getCurrentUrl()).getPath();
    }

    /** The element once it is visible. */
    public WebElement visible(By by) {
        return until(ExpectedConditions.visibilityOfElementLocated(by));
    }

    public WebElement visible(String css) {
        return visible(By.cssSelector(css));
    }

    public List<WebElement> all(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    public <T> T until(ExpectedCondition<T> condition) {
        return new WebDriverWait(driver, WAIT).until(condition);
    }

    /** Waits until the page's path is {@code path}. */
    public void atPath(String path) {
        until(d -> path.equals(path()));
    }

    /** Waits until the element holds the text (e.g. a message shown after an answer). */
    public WebElement withText(String css, String text) {
        until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(css), text));
        return driver.findElement(By.cssSelector(css));
    }

    public void type(String css, String text) {
        WebElement e = visible(css);
        e.clear();
        e.sendKeys(text);
    }

    public void click(String css) {
        until(ExpectedConditions.elementToBeClickable(By.cssSelector(css))).click();
    }

    /** Signs in through the form at {@code /}, and waits for the page the console lands on. */
    public void signIn(String username, String password) {
        open("/");
        type("#username", username);
        type("#password", password);
        click("#login-submit");
        until(d -> !"/".equals(path()));
        visible("#nav");
    }

    /** Runs JavaScript in the page. */
    public Object script(String js, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(js, args);
    }

    /**
     * Runs asynchronous JavaScript: {@code js} gets {@code done} (call it with the result) after the
     * args, e.g. {@code fetch(...).then(r => done(r.status))}.
     */
    public Object async(String js, Object... args) {
        return ((JavascriptExecutor) driver).executeAsyncScript(
                "var done = arguments[arguments.length - 1];" + js, args);
    }

    /** Keeps what the browser shows as {@code target/screenshots/<name>.png}; answers that path. */
    public Path screenshot(String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            Path png = SCREENSHOTS.resolve(name + ".png");
            Files.write(png, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
            return png;
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the screenshot " + name, e);
        }
    }
}
