// Browser side of bench/ui/run.sh: opens Slipway's pages in a headless Chromium (Selenium, with the
// DevTools protocol for the tab's metrics) and prints what they cost. Compiled and run by run.sh:
//   javac -cp SELENIUM -d classes UiBench.java && java -cp SELENIUM:classes UiBench key=value ...
// Keys: base user password run (the run page's path) task lines rounds. It asserts only
// correctness (the first lines shown are the log's first lines, a search finds its one line); on
// any failure it exits 1 with a message.

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

public class UiBench {
    static final Map<String, String> CFG = new HashMap<>();
    static ChromeDriver driver;

    public static void main(String[] args) throws Exception {
        for (String a : args) {
            int eq = a.indexOf('=');
            CFG.put(a.substring(0, eq), a.substring(eq + 1));
        }
        Path profile = Files.createTempDirectory("slipway-ui-bench-");
        ChromeOptions o = new ChromeOptions();
        o.setBinary("/usr/bin/chromium");
        o.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--user-data-dir=" + profile, "--window-size=1280,900");
        driver = new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(new java.io.File("/usr/bin/chromedriver")).build(), o);
        try {
            run();
        } catch (Throwable t) {
            System.err.println("ui bench failed: " + t);
            System.exit(1);
        } finally {
            driver.quit();
            deleteTree(profile);
        }
    }

    static String cfg(String k) {
        String v = CFG.get(k);
        if (v == null) {
            throw new IllegalArgumentException("missing " + k + "=");
        }
        return v;
    }

    static Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    static Object jsAsync(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeAsyncScript(script, args);
    }

    static void await(String what, java.util.function.Supplier<Boolean> cond) {
        new WebDriverWait(driver, Duration.ofSeconds(120)).withMessage(what).until(d -> cond.get());
    }

    /** Bytes over the wire for this page so far: the document, its files, and its data requests (headers included). */
    record Bytes(long document, long assets, long data) {
        long total() {
            return document + assets + data;
        }
    }

    static Bytes bytes() {
        @SuppressWarnings("unchecked")
        List<Number> b = (List<Number>) js("""
                const nav = performance.getEntriesByType('navigation')[0];
                let assets = 0, data = 0;
                for (const r of performance.getEntriesByType('resource')) {
                  if (r.initiatorType === 'fetch' || r.initiatorType === 'xmlhttprequest') data += r.transferSize; else assets += r.transferSize;
                }
                return [nav.transferSize, assets, data];""");
        return new Bytes(b.get(0).longValue(), b.get(1).longValue(), b.get(2).longValue());
    }

    static Map<String, Double> metrics() {
        @SuppressWarnings("unchecked")
        Map<String, Object> r = (Map<String, Object>) driver.executeCdpCommand("Performance.getMetrics", Map.of());
        Map<String, Double> out = new HashMap<>();
        for (Object m : (List<?>) r.get("metrics")) {
            Map<?, ?> e = (Map<?, ?>) m;
            out.put((String) e.get("name"), ((Number) e.get("value")).doubleValue());
        }
        return out;
    }

    /** V8's heap and, apart, the backing stores of typed arrays (the viewer's row heights), which the heap figures leave out. */
    static double[] heapUsage() {
        @SuppressWarnings("unchecked")
        Map<String, Object> r = (Map<String, Object>) driver.executeCdpCommand("Runtime.getHeapUsage", Map.of());
        Object backing = r.get("backingStorageSize");
        return new double[] {((Number) r.get("usedSize")).doubleValue(), backing == null ? -1 : ((Number) backing).doubleValue()};
    }

    static double mib(double bytes) {
        return bytes / (1 << 20);
    }

    static String kb(long bytes) {
        return String.format(Locale.ROOT, "%.1f KB", bytes / 1000.0);
    }

    static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        s.sort(null);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    static void run() throws Exception {
        String base = cfg("base");
        String runPath = cfg("run");
        String task = cfg("task");
        int lines = Integer.parseInt(cfg("lines"));
        int rounds = Integer.parseInt(cfg("rounds"));
        driver.executeCdpCommand("Performance.enable", Map.of());
        driver.executeCdpCommand("Network.enable", Map.of());
        driver.executeCdpCommand("Network.setCacheDisabled", Map.of("cacheDisabled", true)); // every page as on a first visit

        System.out.println("bytes transferred per page (first visit, nothing cached; gzip as the server sends it):");
        System.out.printf(Locale.ROOT, "  %-34s %10s %10s %10s %10s%n", "page", "document", "files", "data", "total");
        driver.get(base + "/-/login");
        printBytes("sign-in", bytes());
        driver.findElement(By.id("username")).sendKeys(cfg("user"));
        driver.findElement(By.id("password")).sendKeys(cfg("password"));
        driver.findElement(By.id("password")).submit();
        await("the dashboard", () -> driver.getCurrentUrl().equals(base + "/"));
        printBytes("dashboard", bytes());
        String repo = runPath.substring(0, runPath.indexOf("/runs/"));
        driver.get(base + repo);
        printBytes("repository", bytes());

        // The run page, cold: time to the first rendered lines, then the tab's memory.
        List<Double> first = new ArrayList<>();
        List<Double> heap = new ArrayList<>();
        List<Double> nodes = new ArrayList<>();
        List<Double> backing = new ArrayList<>();
        Bytes runBytes = null;
        for (int i = 0; i < rounds; i++) {
            driver.get("about:blank");
            driver.get(base + runPath + "#" + task);
            await("the first lines", () -> Boolean.TRUE.equals(js("return performance.getEntriesByName('slipway:log-first-lines').length > 0")));
            first.add(((Number) js("return performance.getEntriesByName('slipway:log-first-lines')[0].startTime")).doubleValue());
            // The viewer has the outline too (folds), so every request of the opening is counted.
            await("the outline", () -> Boolean.TRUE.equals(js("return performance.getEntriesByType('resource').some(r => r.name.includes('/outline'))")));
            String top = (String) js("return document.querySelector('.log-rows .ln .tx').textContent");
            if (!top.contains("Compiling crate-0 ") && !top.contains("awk")) {
                throw new AssertionError("the first line shown is not the log's first: " + top);
            }
            runBytes = bytes();
            driver.executeCdpCommand("HeapProfiler.collectGarbage", Map.of());
            Map<String, Double> m = metrics();
            heap.add(mib(m.get("JSHeapUsedSize")));
            nodes.add(m.get("Nodes"));
            backing.add(mib(heapUsage()[1]));
        }
        printBytes("run page, opening its log", runBytes);
        long logState = (Long) js("return window.slipwayViewer.n");
        if (logState < lines) {
            throw new AssertionError("the viewer counts " + logState + " lines, the log has at least " + lines);
        }

        // Jumps within the log: time until every row on screen has its line.
        String jump = """
                const [where, done] = arguments;
                const v = window.slipwayViewer, vp = v.vp, t0 = performance.now();
                vp.scrollTop = where === 'end' ? vp.scrollHeight : vp.scrollHeight * where;
                // The line that belongs at the top now: done once its row is there and no row waits for its text.
                const line = v.rowToLine(v.heights.find(vp.scrollTop * v.scale()));
                const check = () => {
                  if (document.querySelector(`.log-rows .ln[data-n="${line}"]`) && !document.querySelector('.log-rows .ln.loading')) {
                    done(performance.now() - t0);
                  } else requestAnimationFrame(check);
                };
                requestAnimationFrame(check);""";
        List<Double> middle = new ArrayList<>();
        List<Double> jumps = new ArrayList<>();
        for (int i = 0; i < rounds; i++) {
            middle.add(((Number) jsAsync(jump, 0.5 + i * 0.01)).doubleValue());
            jumps.add(((Number) jsAsync(jump, Math.random())).doubleValue());
        }
        double toEnd = ((Number) jsAsync(jump, "end")).doubleValue();
        String lastShown = (String) js("const r = document.querySelectorAll('.log-rows .ln .tx'); return r[r.length - 1].textContent");
        if (!lastShown.contains(" " + (lines - 1))) {
            throw new AssertionError("after a jump to the end the last row is not the log's last line: " + lastShown);
        }

        // Search of the whole log for the text of one line three quarters in.
        int target = lines * 3 / 4 / 10 * 10 + 1;
        String search = """
                const [q, done] = arguments;
                const v = window.slipwayViewer, t0 = performance.now();
                v.searchForm.elements.q.value = q;
                v.search(1).then(() => done([performance.now() - t0, v.matches.length]));""";
        List<Double> searches = new ArrayList<>();
        long found = -1;
        for (int i = 0; i < rounds; i++) {
            js("window.slipwayViewer.query = ''");
            @SuppressWarnings("unchecked")
            List<Number> r = (List<Number>) jsAsync(search, "crate-" + target + " v1");
            searches.add(r.get(0).doubleValue());
            found = r.get(1).longValue();
        }
        if (found != 1) {
            throw new AssertionError("searching 'crate-" + target + " v1' found " + found + " lines, not 1");
        }
        driver.executeCdpCommand("HeapProfiler.collectGarbage", Map.of());
        Map<String, Double> after = metrics();

        System.out.println();
        System.out.printf(Locale.ROOT, "run page with a %,d-line log (%d rounds; medians):%n", logState, rounds);
        System.out.printf(Locale.ROOT, "  %-52s %8.0f ms   (%s)%n", "navigation start -> first lines on screen", median(first), list(first));
        System.out.printf(Locale.ROOT, "  %-52s %8.1f MiB  (%s)%n", "JS heap in use then (after a GC)", median(heap), list(heap));
        System.out.printf(Locale.ROOT, "  %-52s %8.1f MiB  (%s)%n", "typed arrays' backing stores then (row heights)", median(backing), list(backing));
        System.out.printf(Locale.ROOT, "  %-52s %8.0f      (%s)%n", "DOM nodes then", median(nodes), list(nodes));
        System.out.printf(Locale.ROOT, "  %-52s %8.0f ms   (%s)%n", "jump to the middle -> every row on screen filled", median(middle), list(middle));
        System.out.printf(Locale.ROOT, "  %-52s %8.0f ms   (%s)%n", "jump to a random place -> rows filled", median(jumps), list(jumps));
        System.out.printf(Locale.ROOT, "  %-52s %8.0f ms   (last row: %s)%n", "jump to the end -> rows filled", toEnd, lastShown.strip());
        System.out.printf(Locale.ROOT, "  %-52s %8.0f ms   (%s)%n", "search of the whole log (server) -> match shown", median(searches), list(searches));
        System.out.printf(Locale.ROOT, "  %-52s %8.1f MiB  (DOM nodes %.0f, lines cached %s)%n", "JS heap in use after the jumps and searches",
                mib(after.get("JSHeapUsedSize")), after.get("Nodes"), js("return window.slipwayViewer.lines.size"));
        System.out.printf(Locale.ROOT, "  %-52s %8.1f MiB%n", "JS heap total (allocated by V8)", mib(after.get("JSHeapTotalSize")));
    }

    static void printBytes(String page, Bytes b) {
        System.out.printf(Locale.ROOT, "  %-34s %10s %10s %10s %10s%n", page, kb(b.document()), kb(b.assets()), kb(b.data()), kb(b.total()));
    }

    static String list(List<Double> xs) {
        StringBuilder sb = new StringBuilder();
        for (double x : xs) {
            sb.append(sb.length() == 0 ? "" : " ").append(String.format(Locale.ROOT, x < 10 ? "%.1f" : "%.0f", x));
        }
        return sb.toString();
    }

    static void deleteTree(Path dir) {
        try (var s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (Exception ignored) {
            // best effort
        }
    }
}
