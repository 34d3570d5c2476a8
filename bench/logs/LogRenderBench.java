// Load driver of bench/logs/run.sh: writes generated coloured logs through a LogStore and times
// Slipway's log renderer on them. Run with slipway-core's and slipway-logs' classes on the class
// path (the java launcher compiles this file):
//   java -cp core/classes:logs/classes LogRenderBench.java dir=DIR lines=200000,1000000 rounds=3 pages=200
// Prints one block of figures per log. Asserts only correctness (a page or a search that does not
// match the generated text stops it with exit 1); timings are reported, never judged.

import dev.slipway.logs.LogChunk;
import dev.slipway.logs.LogStore;
import dev.slipway.logs.LogStream;
import dev.slipway.logs.LogWriter;
import dev.slipway.logs.render.Line;
import dev.slipway.logs.render.LineHtml;
import dev.slipway.logs.render.LogIndex;
import dev.slipway.logs.render.Terminal;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

public class LogRenderBench {
    static final String ESC = "\u001b[";
    static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /** Wall and CPU seconds of one timed run: on a shared machine the CPU time is the steadier figure. */
    record Took(double wall, double cpu) {}

    interface Work {
        void run() throws Exception;
    }

    static Took time(Work work) throws Exception {
        long w = System.nanoTime();
        long c = THREADS.getCurrentThreadCpuTime();
        work.run();
        return new Took((System.nanoTime() - w) / 1e9, (THREADS.getCurrentThreadCpuTime() - c) / 1e9);
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> cfg = new HashMap<>();
        for (String a : args) {
            int eq = a.indexOf('=');
            cfg.put(a.substring(0, eq), a.substring(eq + 1));
        }
        Path dir = Path.of(cfg.get("dir"));
        int rounds = Integer.parseInt(cfg.getOrDefault("rounds", "3"));
        int pages = Integer.parseInt(cfg.getOrDefault("pages", "200"));
        LogStore store = new LogStore(dir);
        List<Integer> sizes = Arrays.stream(cfg.getOrDefault("lines", "200000,1000000").split(","))
                .map(Integer::parseInt).toList();
        System.out.printf(Locale.ROOT, "JVM %s, %d CPUs, max heap %d MiB; %d rounds, median shown%n",
                System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() >> 20, rounds);
        boolean warm = false;
        for (int lines : sizes) {
            String id = "bench/l" + lines;
            long t0 = System.nanoTime();
            long bytes = write(store, id, lines);
            long writeNanos = System.nanoTime() - t0;
            System.out.printf(Locale.ROOT, "%n== %,d lines, %.1f MB (written in %.1f s)%n", lines, bytes / 1e6, writeNanos / 1e9);
            if (!warm) {
                renderAll(store, id); // JIT warm-up, not timed
                warm = true;
            }
            Took[] render = new Took[rounds];
            long[] htmlBytes = new long[1];
            for (int r = 0; r < rounds; r++) {
                render[r] = time(() -> htmlBytes[0] = renderAll(store, id));
            }
            report("full render to HTML", render, bytes, lines);
            System.out.printf(Locale.ROOT, "    HTML out: %.1f MB (%.0f bytes a line)%n", htmlBytes[0] / 1e6, (double) htmlBytes[0] / lines);

            Took[] open = new Took[rounds];
            LogIndex[] opened = new LogIndex[1];
            for (int r = 0; r < rounds; r++) {
                opened[0] = null;
                System.gc();
                open[r] = time(() -> opened[0] = LogIndex.open(store, id));
            }
            LogIndex index = opened[0];
            report("open (index build)", open, bytes, lines);
            System.gc();
            long heap = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
            System.out.printf(Locale.ROOT, "    heap in use with the index open: %.1f MB%n", heap / 1e6);
            if (index.lineCount() != lines) {
                fail("index has " + index.lineCount() + " lines, expected " + lines);
            }

            Random random = new Random(lines);
            double[] pageWall = new double[pages];
            double[] pageCpu = new double[pages];
            for (int p = 0; p < pages; p++) {
                int from = random.nextInt(lines - 100);
                List<List<Line>> got = new ArrayList<>();
                Took took = time(() -> {
                    List<Line> page = index.lines(from, 100).lines();
                    StringBuilder html = new StringBuilder();
                    page.forEach(l -> LineHtml.render(l, html));
                    got.add(page);
                });
                pageWall[p] = took.wall() * 1e3;
                pageCpu[p] = took.cpu() * 1e3;
                if (!got.get(0).get(0).text().equals(text(from))) {
                    fail("line " + from + " is '" + got.get(0).get(0).text() + "', expected '" + text(from) + "'");
                }
            }
            Arrays.sort(pageWall);
            Arrays.sort(pageCpu);
            System.out.printf(Locale.ROOT, "  %-24s median %.2f ms (CPU %.2f ms), p95 %.2f ms (CPU %.2f ms) over %d random pages%n",
                    "page of 100 lines + HTML", pageWall[pages / 2], pageCpu[pages / 2], pageWall[pages * 95 / 100],
                    pageCpu[pages * 95 / 100], pages);

            Took[] search = new Took[rounds];
            int needle = lines * 3 / 4 + 1;
            for (int r = 0; r < rounds; r++) {
                List<List<Integer>> found = new ArrayList<>();
                search[r] = time(() -> found.add(index.search("crate-" + needle + " ", false, 0, 10).lines()));
                if (!found.get(0).equals(List.of(needle))) {
                    fail("search found " + found.get(0) + ", expected [" + needle + "]");
                }
            }
            report("search whole log", search, bytes, lines);
            Took[] ci = new Took[rounds];
            for (int r = 0; r < rounds; r++) {
                ci[r] = time(() -> index.search("FAILED", true, 0, 10));
            }
            report("search, ignoring case", ci, bytes, lines);
            store.delete(id);
        }
    }

    /** The median round, by wall time; throughput by wall and by CPU time. */
    static void report(String what, Took[] rounds, long bytes, int lines) {
        Took[] sorted = rounds.clone();
        Arrays.sort(sorted, (a, b) -> Double.compare(a.wall(), b.wall()));
        Took t = sorted[sorted.length / 2];
        System.out.printf(Locale.ROOT, "  %-24s %.3f s: %.0f MB/s, %,.0f lines/s (CPU %.3f s: %.0f MB/s, %,.0f lines/s)%n",
                what, t.wall(), bytes / 1e6 / t.wall(), lines / t.wall(), t.cpu(), bytes / 1e6 / t.cpu(), lines / t.cpu());
    }

    static void fail(String message) {
        System.err.println("bench: " + message);
        System.exit(1);
    }

    /** Feeds the whole log to one terminal, rendering each line to HTML as it becomes final; returns the HTML's size. */
    static long renderAll(LogStore store, String id) throws IOException {
        Terminal t = new Terminal();
        long html = 0;
        StringBuilder sb = new StringBuilder(1 << 16);
        int next = 0;
        for (long offset = 0; ; ) {
            List<LogChunk> page = store.chunks(id, offset, 1 << 20);
            if (page.isEmpty()) {
                break;
            }
            for (LogChunk c : page) {
                t.feed(c);
            }
            offset = page.getLast().end();
            for (; next < t.finalLineCount(); next++) {
                LineHtml.render(t.line(next), sb);
            }
            html += sb.length();
            sb.setLength(0);
            t.release(next);
        }
        t.finish();
        for (; next < t.lineCount(); next++) {
            LineHtml.render(t.line(next), sb);
        }
        return html + sb.length();
    }

    /** Writes the generated log in appends of about 8 KiB, as a busy task's pump would; returns its size. */
    static long write(LogStore store, String id, int lines) throws IOException {
        if (store.exists(id)) {
            store.delete(id);
        }
        Random random = new Random(42);
        ByteArrayOutputStream batch = new ByteArrayOutputStream(1 << 14);
        long size = 0;
        try (LogWriter w = store.open(id)) {
            for (int i = 0; i < lines; i++) {
                batch.writeBytes(line(i, random).getBytes(StandardCharsets.UTF_8));
                if (batch.size() >= 8192 || i == lines - 1) {
                    w.append(i % 7 == 0 ? LogStream.STDERR : LogStream.STDOUT, batch.toByteArray());
                    size += batch.size();
                    batch.reset();
                }
            }
            w.finish(0);
        }
        return size;
    }

    /**
     * Line {@code i} of the generated log: mostly cargo-like lines in the 16 colours, some in
     * 256-colour and truecolor, a \r progress bar every 500 lines and a cursor-up redraw of the
     * three lines above every 2,000 (at 1000, 3000, ...) (it rewrites them as they were, so every line's final text is
     * {@link #text}).
     */
    static String line(int i, Random random) {
        if (i % 500 == 499) {
            StringBuilder sb = new StringBuilder();
            for (int p = 0; p <= 100; p += 5) {
                sb.append('\r').append(ESC).append("36m[").append("=".repeat(p / 5)).append('>')
                        .append(" ".repeat(20 - p / 5)).append("] ").append(p).append('%').append(ESC).append("0m");
            }
            return sb.append('\r').append(ESC).append("K").append(text(i)).append('\n').toString();
        }
        if (i % 2000 == 1000) {
            return ESC + "3A\r" + ESC + "2K" + text(i - 3) + "\n" + ESC + "2K" + text(i - 2) + "\n" + ESC + "2K"
                    + text(i - 1) + "\n" + text(i) + "\n";
        }
        int kind = random.nextInt(20);
        String crate = "crate-" + i + " ";
        return switch (kind) {
            case 0, 1 -> ESC + "38;5;" + (16 + i % 216) + "m   Compiling" + ESC + "0m " + crate + "v1.2.3 (/build/src)\n";
            case 2 -> ESC + "38;2;" + (i % 256) + ";128;64m   Compiling" + ESC + "0m " + crate + "v1.2.3 (/build/src)\n";
            case 3, 4 -> "   Compiling " + crate + "v1.2.3 (/build/src)\n";
            default -> ESC + "1m" + ESC + "32m   Compiling" + ESC + "0m " + crate + "v1.2.3 (/build/src)\n";
        };
    }

    /** What line {@code i} shows once rendered. */
    static String text(int i) {
        if (i % 500 == 499) {
            return "finished step " + i + " ok";
        }
        if (i % 2000 == 1000) {
            return "redrawn block at " + i;
        }
        return "   Compiling crate-" + i + " v1.2.3 (/build/src)";
    }
}
