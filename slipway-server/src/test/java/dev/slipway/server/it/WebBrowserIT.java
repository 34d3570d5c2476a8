package dev.slipway.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

/**
 * The web UI in a real Chromium: sign in, run a pipeline with a variable from the form, watch its
 * log grow live, see terminal output as a terminal shows it, search and fold it, retry a failed
 * task; a private repository is a 404 to a signed-out browser; no page logs a console error. It
 * takes the screenshots in docs/ui.md (set SLIPWAY_UI_SCREENSHOTS to the docs/ui directory).
 *
 * <p>Tasks run with the local executor: the build task waits for a file the test creates, so the
 * test sees the log while the task is still running, without any timing.
 */
class WebBrowserIT {
    static TestServer server;
    static Browser browser;
    static Path gate;
    static Path mark;

    /** The pipeline, with the gate's and the mark's paths put in ({@code %%%%} is printf's {@code %%}). */
    static String pipeline() {
        return """
                images: { box: local/busybox:1 }
                variables: { GREETING: "hello" }
                tasks:
                  build:
                    image: box
                    timeout: 3m
                    commands:
                      - set +x  # the shell traces commands on stderr, which interleaves with stdout at random
                      - printf '\\033[31mred\\033[0m and \\033[1;32mbold green\\033[0m and \\033[38;2;255;136;0mtruecolor\\033[0m\\n'
                      - printf 'progress 10%%%%\\rprogress 55%%%%\\rprogress 100%%%%\\n'
                      - printf 'bad byte \\377 here\\n'
                      - echo "::group::Setup"
                      - echo "setting up one"; echo "setting up two"
                      - echo "::endgroup::"
                      - echo "greeting=${GREETING}"
                      - echo "waiting for the gate"
                      - while [ ! -f %s ]; do sleep 0.1; done
                      - echo "through the gate"
                  flaky:
                    image: box
                    depends_on: [build]
                    commands:
                      - if [ -f %s ]; then echo "second attempt passes"; else touch %s; echo "first attempt fails"; exit 1; fi
                """.formatted(gate, mark, mark);
    }

    @BeforeAll
    static void start() throws Exception {
        browser = Browser.start();
        Path dir = Files.createTempDirectory("slipway-browser-");
        gate = dir.resolve("gate");
        mark = dir.resolve("mark");
        server = TestServer.start(Map.of("ci.executor", "local"));
        server.createUser("alice", "alice-password");
        new CiClient(Http.token(server.baseUrl(), server.token("alice", "write:repository")), "alice")
                .register("app", GitRepos.create(Map.of(".slipway/ci.yml", pipeline())));
    }

    /** A screenshot of the page a failing test left, next to the others (failure-NAME.png). */
    @org.junit.jupiter.api.extension.RegisterExtension
    static final org.junit.jupiter.api.extension.TestWatcher SCREENSHOT_ON_FAILURE = new org.junit.jupiter.api.extension.TestWatcher() {
        @Override
        public void testFailed(org.junit.jupiter.api.extension.ExtensionContext context, Throwable cause) {
            try {
                if (browser != null) {
                    browser.screenshot("failure-" + context.getRequiredTestMethod().getName());
                }
            } catch (Exception ignored) {
                // the failure itself is what matters
            }
        }
    };

    @AfterAll
    static void stop() throws Exception {
        if (gate != null) {
            Files.writeString(gate, "open"); // a task still waiting ends
        }
        if (browser != null) {
            browser.close();
        }
        if (server != null) {
            server.close();
        }
    }

    String url(String path) {
        return server.baseUrl() + path;
    }

    void signIn() throws Exception {
        browser.get(url("/-/login?next=/"));
        browser.assertNoConsoleErrors("the sign-in page");
        browser.screenshot("sign-in");
        browser.find("#username").sendKeys("alice");
        browser.find("#password").sendKeys("alice-password");
        browser.find("#password").submit();
        browser.await("the dashboard", d -> d.getCurrentUrl().equals(url("/")));
    }

    @Test
    void aPrivateRepositoryIsA404ToASignedOutBrowser() {
        browser.driver().manage().deleteAllCookies();
        browser.get(url("/alice/app"));
        assertThat(browser.find("h1").getText()).isEqualTo("Not found");
        assertThat(browser.find("main").getText()).doesNotContain("Run pipeline").contains("sign in");
        // The page itself is fine; the console only reports the status the page came with.
        assertThat(browser.consoleErrors()).allMatch(e -> e.contains("status of 404"));
    }

    @Test
    void runAPipelineWatchItsLogLiveAndRetryAFailedTask() throws Exception {
        signIn();
        browser.assertNoConsoleErrors("the dashboard");

        // Run pipeline, with a variable, from the repository page.
        browser.get(url("/alice/app"));
        browser.assertNoConsoleErrors("the repository page");
        browser.find("#pipeline").sendKeys("ci");
        browser.find("#variables").sendKeys("GREETING=from the browser");
        browser.find("#run-form button[type=submit]").click();
        browser.await("the run page", d -> d.getCurrentUrl().matches(Pattern.quote(url("/alice/app/runs/")) + "\\d+"));
        String runUrl = browser.driver().getCurrentUrl();

        // The log grows while the task runs: the page is not reloaded (the marker stays).
        browser.awaitText(".log-rows", "waiting for the gate");
        assertThat(browser.find(".log-state").getText()).contains("live");
        // The head comes by its own stream, which may arrive after the log's first lines.
        browser.await("the run head to say running", d -> browser.find("#run-head").getText().contains("running"));
        browser.script("window.__sameDocument = 'yes'");
        browser.screenshot("run-live");
        Files.writeString(gate, "open");
        browser.awaitText(".log-rows", "through the gate");
        assertThat(browser.script("return window.__sameDocument")).isEqualTo("yes");

        // As a terminal shows it: red is red, a \r progress bar is one line, an invalid byte is visible.
        WebElement red = browser.find(".log-rows .a-fg1");
        assertThat(red.getText()).isEqualTo("red");
        assertThat(rgb(red.getCssValue("color"))).satisfies(c -> {
            assertThat(c[0]).isGreaterThan(150);
            assertThat(c[1]).isLessThan(90);
            assertThat(c[2]).isLessThan(90);
        });
        WebElement orange = browser.find(".log-rows span[style]");
        assertThat(orange.getText()).isEqualTo("truecolor");
        assertThat(rgb(orange.getCssValue("color"))).containsExactly(255, 136, 0); // inline style allowed on this page
        List<String> texts = browser.findAll(".log-rows .ln .tx").stream().map(WebElement::getText).toList();
        assertThat(texts).contains("progress 100%").noneMatch(t -> t.startsWith("progress 10%") || t.startsWith("progress 55%"));
        WebElement invalid = browser.find(".log-rows .a-invalid");
        assertThat(invalid.getText()).isEqualTo("\\xff");
        assertThat(texts).contains("greeting=from the browser");

        // ::group:: folds: the header shows its title, the lines inside only when unfolded.
        WebElement toggle = browser.find(".log-rows .tog");
        assertThat(toggle.getText()).contains("Setup");
        assertThat(toggle.getAttribute("aria-expanded")).isEqualTo("false");
        assertThat(texts).doesNotContain("setting up one");
        toggle.click();
        browser.awaitText(".log-rows", "setting up one");
        assertThat(browser.find(".log-rows .tog").getAttribute("aria-expanded")).isEqualTo("true");

        // Search the whole log; the match is marked.
        WebElement search = browser.find(".log-search input[type=search]");
        search.sendKeys("gate", Keys.ENTER);
        browser.awaitText(".log-count", "of");
        assertThat(browser.find(".log-count").getText()).matches("\\d of \\d");
        assertThat(browser.findAll(".log-rows mark")).isNotEmpty().allMatch(m -> m.getText().equalsIgnoreCase("gate"));
        browser.assertNoConsoleErrors("the run page");

        // The run ends in failure (flaky fails the first time), shown without a reload.
        browser.await("the run to fail", d -> !d.findElements(By.cssSelector("#run-head .st-failure")).isEmpty());
        assertThat(browser.script("return window.__sameDocument")).isEqualTo("yes");
        browser.find(".log-search input[type=search]").clear();
        browser.find(".log-search input[type=search]").sendKeys(Keys.ESCAPE);
        browser.get(url("/"));
        browser.get(runUrl + "#build"); // a fresh page: nothing selected or focused, for the screenshots
        browser.awaitText(".log-rows", "red and bold green");
        browser.screenshot("run");
        browser.darkMode(true);
        browser.screenshot("run-dark");
        browser.darkMode(false);

        // A line's anchor selects it (numbers shown from 1); timestamps on demand.
        Object n = browser.script("return [...document.querySelectorAll('.log-rows .ln')]"
                + ".find(l => l.querySelector('.tx').textContent === arguments[0]).dataset.n", "bad byte \\xff here");
        int line = Integer.parseInt(String.valueOf(n)) + 1;
        browser.get(runUrl + "#build/" + line);
        browser.await("line " + line + " selected", d -> !d.findElements(By.cssSelector(".ln.sel[data-n='" + (line - 1) + "']")).isEmpty());
        assertThat(browser.find(".ln.sel .tx").getText()).isEqualTo("bad byte \\xff here");
        assertThat(browser.find(".ln.sel .num").getAttribute("href")).endsWith("#build/" + line);
        browser.find("[data-action=times]").click();
        browser.await("timestamps", d -> Boolean.TRUE.equals(browser.script(
                "return [...document.querySelectorAll('.log-rows .ts')].some(t => /\\d\\d/.test(t.textContent))")));

        // Retry the failed task: its new attempt runs and passes, and the page shows its log.
        browser.get(runUrl + "#flaky");
        browser.awaitText(".log-rows", "first attempt fails");
        browser.find("button[aria-label='Retry flaky']").click();
        browser.await("the retried run to succeed", d -> !d.findElements(By.cssSelector("#run-head .st-success")).isEmpty());
        browser.awaitText(".log-rows", "second attempt passes");
        assertThat(browser.find(".task[data-task=flaky]").getAttribute("data-attempt")).isEqualTo("2");
        browser.assertNoConsoleErrors("the run page after the retry");

        // The dashboard and the repository page list it.
        browser.get(url("/"));
        assertThat(browser.find("#runs").getText()).contains("alice/app").contains("success");
        browser.assertNoConsoleErrors("the dashboard");
        browser.screenshot("dashboard");
        browser.get(url("/alice/app"));
        browser.screenshot("repository");
        browser.assertNoConsoleErrors("the repository page");
    }

    @Test
    void aPackagePageShowsThePullCommandAndCopiesIt() throws Exception {
        String token = server.token("alice", "write:package");
        new RegistryPush(Http.basic(server.baseUrl(), "alice", token)).image("alice/web", "v1", "browser-web");
        assertThat(Http.token(server.baseUrl(), token).patchJson("/api/v1/packages/alice/container/web", "{\"visibility\":\"public\"}")
                .statusCode()).isEqualTo(200);
        browser.driver().manage().deleteAllCookies(); // public: readable signed out
        browser.get(url("/alice/-/packages/container/web/v1"));
        String command = "docker pull " + server.baseUrl().replace("http://", "") + "/alice/web:v1";
        assertThat(browser.find("#pull-tag").getText()).isEqualTo(command);
        assertThat(browser.find("#pull-digest").getText()).contains("/alice/web@sha256:");
        browser.screenshot("package");
        browser.find("button[data-copy=pull-tag]").click();
        browser.await("the copy to be done", d -> !browser.find(".copy-status").getText().isEmpty());
        // Copied to the clipboard, or (where the browser refuses scripts the clipboard) selected for Ctrl+C.
        String said = browser.find(".copy-status").getText();
        if (said.startsWith("Copied")) {
            assertThat(said).isEqualTo("Copied: " + command);
        } else {
            assertThat(browser.script("return window.getSelection().toString()")).isEqualTo(command);
        }
        browser.assertNoConsoleErrors("the package page");
    }

    @Test
    void createAndRevokeATokenInTheSettings() throws Exception {
        browser.driver().manage().deleteAllCookies(); // whichever test ran before, sign in afresh
        signIn();
        browser.find("nav.site a[href='/-/settings']").click();
        browser.await("the tokens page", d -> d.getCurrentUrl().equals(url("/-/settings/tokens")));
        browser.assertNoConsoleErrors("the tokens page");
        browser.find("#token-name").sendKeys("from-the-browser");
        browser.find("#token-form input[value='read:package']").click();
        browser.find("#token-form button[type=submit]").click();
        browser.awaitText("#new-token", "shown only this once");
        String secret = browser.find("#new-token-value").getText();
        assertThat(secret).matches("[0-9a-f]{40}");
        Http docker = Http.basic(server.baseUrl(), "alice", secret);
        assertThat(docker.get("/v2/").statusCode()).isEqualTo(200);
        assertThat(browser.find("tr[data-token='from-the-browser']").getText()).contains("read:package").contains("never");
        browser.assertNoConsoleErrors("the new token");
        browser.screenshot("settings-tokens");

        // Revoking asks first; the token stops working at once.
        browser.find("button[aria-label='Revoke from-the-browser']").click();
        browser.await("the confirmation", d -> d.switchTo().alert()).accept();
        browser.await("the token revoked", d -> d.findElements(By.cssSelector("tr[data-token='from-the-browser']")).isEmpty());
        assertThat(browser.driver().getCurrentUrl()).isEqualTo(url("/-/settings/tokens"));
        assertThat(docker.get("/v2/").statusCode()).isEqualTo(401);
        browser.assertNoConsoleErrors("the tokens page after revoking");

        for (String page : List.of("/-/settings/keys", "/-/settings/secrets", "/-/settings/caches", "/-/settings/targets")) {
            browser.get(url(page));
            browser.assertNoConsoleErrors(page);
        }
        // The administration, as a site admin (signed in by a session made for the test).
        browser.driver().manage().addCookie(new org.openqa.selenium.Cookie("slipway_session",
                server.slipway().sessions().create("admin").id(), "/"));
        for (String page : List.of("/-/admin/orgs", "/-/admin/webhooks", "/-/admin/users")) {
            browser.get(url(page));
            assertThat(browser.find("h1").getText()).isEqualTo("Administration");
            browser.assertNoConsoleErrors(page);
        }
        browser.screenshot("admin-users");
        browser.driver().manage().deleteAllCookies();
    }

    /** {@code rgb(1, 2, 3)} or {@code rgba(1, 2, 3, 1)} as numbers. */
    static int[] rgb(String css) {
        Matcher m = Pattern.compile("rgba?\\((\\d+), (\\d+), (\\d+)").matcher(css);
        assertThat(m.find()).as(css).isTrue();
        return new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3))};
    }
}
