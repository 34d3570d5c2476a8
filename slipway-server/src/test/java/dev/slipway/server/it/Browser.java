package dev.slipway.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.logging.Level;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A real headless Chromium (Debian's {@code chromium} and {@code chromium-driver}) driven through
 * Selenium. It never reaches the internet: background networking, component updates and sync are
 * off, and the profile is a fresh directory. Outside CI a missing browser skips the test; under
 * {@code CI=true} it fails it.
 */
public final class Browser implements AutoCloseable {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    private final ChromeDriver driver;
    private final Path profile;

    private Browser(ChromeDriver driver, Path profile) {
        this.driver = driver;
        this.profile = profile;
    }

    public static Browser start() throws IOException {
        Tools.requireExecutable(CHROMIUM, "chromium");
        Tools.requireExecutable(CHROMEDRIVER, "chromium-driver");
        Path profile = Files.createTempDirectory("slipway-chromium-");
        ChromeOptions o = new ChromeOptions();
        o.setBinary(CHROMIUM.toFile());
        o.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--disable-default-apps", "--user-data-dir=" + profile, "--window-size=1280,900",
                "--lang=en-US");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        o.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).build();
        return new Browser(new ChromeDriver(service, o), profile);
    }

    public WebDriver driver() {
        return driver;
    }

    public void get(String url) {
        driver.get(url);
    }

    public WebElement find(String css) {
        return driver.findElement(By.cssSelector(css));
    }

    public List<WebElement> findAll(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    public Object script(String js, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(js, args);
    }

    /** Waits (at most a minute) until {@code condition} gives something other than null or false. */
    public <T> T await(String what, Function<WebDriver, T> condition) {
        return new WebDriverWait(driver, Duration.ofSeconds(60)).withMessage(what).until(condition::apply);
    }

    /**
     * Waits until an element matching {@code css} contains {@code text} (its DOM text: rows a log
     * viewer rendered just outside the scrolled view count too).
     */
    public void awaitText(String css, String text) {
        await("'" + text + "' in " + css, d -> d.findElements(By.cssSelector(css)).stream()
                .anyMatch(e -> String.valueOf(e.getDomProperty("textContent")).contains(text)));
    }

    /** The browser console's errors since the last call (a page's script errors, refused resources, CSP violations). */
    public List<String> consoleErrors() {
        return driver.manage().logs().get(LogType.BROWSER).getAll().stream().filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
                .map(LogEntry::getMessage).toList();
    }

    public void assertNoConsoleErrors(String page) {
        assertThat(consoleErrors()).as("console errors on " + page).isEmpty();
    }

    /** Switches {@code prefers-color-scheme} as an operating system in dark mode does. */
    public void darkMode(boolean dark) {
        driver.executeCdpCommand("Emulation.setEmulatedMedia",
                Map.of("features", List.of(Map.of("name", "prefers-color-scheme", "value", dark ? "dark" : "light"))));
    }

    /**
     * Saves a screenshot as {@code name}.png in {@code SLIPWAY_UI_SCREENSHOTS} (docs/ui is where
     * the documentation's come from), else in target/ui-screenshots.
     */
    public void screenshot(String name) throws IOException {
        String dir = System.getenv("SLIPWAY_UI_SCREENSHOTS");
        Path out = Path.of(dir != null && !dir.isBlank() ? dir : "target/ui-screenshots");
        Files.createDirectories(out);
        Files.write(out.resolve(name + ".png"), driver.getScreenshotAs(OutputType.BYTES));
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            Tools.deleteTree(profile);
        }
    }
}
