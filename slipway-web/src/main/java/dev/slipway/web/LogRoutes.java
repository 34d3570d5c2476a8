package dev.slipway.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.ci.scheduler.CiStore;
import dev.slipway.ci.scheduler.RunService;
import dev.slipway.core.ChangeCounter;
import dev.slipway.core.SlipwayException;
import dev.slipway.core.identity.Principal;
import dev.slipway.logs.LogChunk;
import dev.slipway.logs.LogHub;
import dev.slipway.logs.LogListener;
import dev.slipway.logs.LogStore;
import dev.slipway.logs.render.Fold;
import dev.slipway.logs.render.Line;
import dev.slipway.logs.render.LineHtml;
import dev.slipway.logs.render.LogIndex;
import dev.slipway.logs.render.Terminal;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * What the log viewer asks the server, per task (and attempt) of a run: pages of rendered lines,
 * the outline (folds), search over the whole log, the live tail as Server-Sent Events, and the raw
 * bytes. Every line is rendered here by the one renderer ({@code dev.slipway.logs.render}); the page
 * only places the HTML it is given.
 *
 * <p>A page also says {@code exit_code} once the log is finished. A line is {@code {"n": number, "html": ..., "fold": [kind, text]}} with {@code fold} only on
 * fold markers ({@code group}, {@code endgroup}, {@code step}, {@code endstep}), {@code ts} (epoch
 * milliseconds) when asked for with {@code ts=1}, and {@code text} with {@code text=1}.
 */
final class LogRoutes {
    /** The most lines one request may ask for. */
    static final int MAX_LINES = 2_000;
    /** The most matches one search returns. */
    static final int MAX_MATCHES = 1_000;
    private static final long KEEPALIVE_NANOS = TimeUnit.SECONDS.toNanos(15);

    private final WebAuth auth;
    private final RunPages runPages;
    private final RunService runs;
    private final LogHub hub;
    private final LogViews views;
    private final ObjectMapper json = new ObjectMapper();

    LogRoutes(WebAuth auth, RunPages runPages, RunService runs, LogHub hub, LogViews views) {
        this.auth = auth;
        this.runPages = runPages;
        this.runs = runs;
        this.hub = hub;
        this.views = views;
    }

    /** A task's log as the path and {@code ?attempt=} name it. */
    private record TaskLog(CiStore.RunRow run, CiStore.TaskRow task, int attempt, String logId) {}

    private TaskLog taskLog(Context ctx) {
        Principal p = auth.principal(ctx);
        CiStore.RunRow r = runPages.run(ctx, p);
        String name = ctx.pathParam("task");
        CiStore.TaskRow t = runs.tasks(r.id()).stream().filter(x -> x.name().equals(name)).findFirst()
                .orElseThrow(() -> new SlipwayException.NotFound("run " + r.id() + " has no task '" + name + "'"));
        int latest = Math.max(1, t.attempt());
        int attempt = latest;
        String a = ctx.queryParam("attempt");
        if (a != null && !a.isEmpty()) {
            try {
                attempt = Integer.parseInt(a);
            } catch (NumberFormatException e) {
                attempt = -1;
            }
            if (attempt < 1 || attempt > latest) {
                throw new SlipwayException.BadRequest("attempt must be 1 to " + latest + " for task '" + name + "'");
            }
        }
        return new TaskLog(r, t, attempt, RunService.logId(r.id(), name, attempt));
    }

    private LogStore store() {
        return views.store();
    }

    // ---- pages, outline, search

    /** {@code ?from=&count=}: lines [from, from + count) as far as they exist, with the log's line count. */
    void lines(Context ctx) throws IOException {
        TaskLog tl = taskLog(ctx);
        int from = intParam(ctx, "from", 0, 0, Integer.MAX_VALUE);
        int count = intParam(ctx, "count", 200, 0, MAX_LINES);
        boolean ts = flag(ctx, "ts");
        boolean text = flag(ctx, "text");
        ObjectNode o = json.createObjectNode();
        if (!store().exists(tl.logId())) {
            absent(o, tl);
            send(ctx, o);
            return;
        }
        LogViews.View v = views.view(tl.logId());
        LogIndex index = v.index();
        LogIndex.Page page = index.lines(from, count);
        LogOutline outline = ts ? v.outline() : null;
        o.put("line_count", page.lineCount());
        o.put("final_line_count", page.finalLineCount());
        o.put("finished", page.finished());
        if (page.finished()) {
            OptionalInt exit = store().exitCode(tl.logId());
            if (exit.isPresent()) {
                o.put("exit_code", exit.getAsInt());
            }
        }
        ArrayNode lines = o.putArray("lines");
        for (Line l : page.lines()) {
            ObjectNode n = line(lines.addObject(), l, text);
            if (outline != null) {
                long t = outline.timeOf(l.number());
                if (t >= 0) {
                    n.put("ts", t);
                }
            }
        }
        send(ctx, o);
    }

    /** The fold markers of the whole log, for folding sections the viewer has not loaded. */
    void outline(Context ctx) throws IOException {
        TaskLog tl = taskLog(ctx);
        ObjectNode o = json.createObjectNode();
        if (!store().exists(tl.logId())) {
            absent(o, tl);
            o.putArray("markers");
            send(ctx, o);
            return;
        }
        LogOutline.Snapshot s = views.view(tl.logId()).outline().snapshot();
        o.put("line_count", s.lineCount());
        o.put("finished", s.finished());
        o.put("truncated", s.truncated());
        ArrayNode markers = o.putArray("markers");
        s.markers().forEach((n, f) -> {
            ArrayNode m = markers.addArray();
            m.add(n);
            fold(m, f);
        });
        send(ctx, o);
    }

    /** {@code ?q=&case=1&from=}: the numbers of lines whose text contains q, over the whole log. */
    void search(Context ctx) throws IOException {
        TaskLog tl = taskLog(ctx);
        String q = ctx.queryParam("q");
        if (q == null || q.isEmpty() || q.length() > 1000) {
            throw new SlipwayException.BadRequest("q must be 1 to 1000 characters");
        }
        int from = intParam(ctx, "from", 0, 0, Integer.MAX_VALUE);
        ObjectNode o = json.createObjectNode();
        ArrayNode found = o.putArray("lines");
        if (store().exists(tl.logId())) {
            LogIndex index = views.view(tl.logId()).index();
            LogIndex.SearchResult r = index.search(q, !flag(ctx, "case"), from, MAX_MATCHES);
            r.lines().forEach(found::add);
            o.put("truncated", r.truncated());
            o.put("line_count", index.lineCount());
        } else {
            o.put("truncated", false);
            o.put("line_count", 0);
        }
        send(ctx, o);
    }

    /** The stored bytes, as the task wrote them. */
    void raw(Context ctx) throws IOException {
        TaskLog tl = taskLog(ctx);
        ctx.header("Content-Disposition", "attachment; filename=\"" + tl.run().repo() + "-run-" + tl.run().id() + "-" + tl.task().name()
                + (tl.attempt() > 1 ? "-attempt-" + tl.attempt() : "") + ".log\"");
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.contentType("application/octet-stream");
        if (!store().exists(tl.logId())) {
            ctx.result(new byte[0]);
            return;
        }
        try (InputStream in = store().raw(tl.logId())) {
            OutputStream out = ctx.res().getOutputStream();
            in.transferTo(out);
            out.flush();
        }
    }

    private void absent(ObjectNode o, TaskLog tl) {
        o.put("line_count", 0);
        o.put("final_line_count", 0);
        // A task that will not run any more has no log to wait for.
        boolean waiting = !CiStore.isFinished(runs.require(tl.run().id()).status())
                && (tl.task().status().equals("pending") || tl.task().status().equals("running"));
        o.put("finished", !waiting);
        o.put("waiting", waiting);
        o.putArray("lines");
    }

    // ---- live

    /**
     * Server-Sent Events of a log's tail: {@code event: start} with the lines from {@code first}
     * (the lines that may still change; those before are final and paged with {@link #lines}),
     * then {@code event: lines} with every line that was added or changed, and the line count
     * (lines at or above it no longer exist), then {@code event: end} with the exit code. A viewer
     * opened in the middle of a run pages the log from its first byte and follows from here.
     */
    void follow(Context ctx) throws Exception {
        TaskLog tl = taskLog(ctx);
        Pages.headers(ctx, false);
        ctx.status(200).contentType("text/event-stream");
        ctx.header("Cache-Control", "no-cache");
        ctx.header("X-Accel-Buffering", "no");
        OutputStream out = ctx.res().getOutputStream();
        Sender sender = new Sender(out);
        if (!awaitLog(tl, sender)) {
            sender.send("end", "{\"exit_code\":null}");
            return;
        }
        LogIndex index = views.view(tl.logId()).index();
        Terminal t = index.tail();
        ObjectNode start = json.createObjectNode();
        start.put("first", t.firstLine());
        linesOf(t, start, java.util.stream.IntStream.range(t.firstLine(), t.lineCount()).toArray(), Map.of());
        sender.send("start", start.toString());
        if (index.isFinished()) {
            sender.send("end", end(tl.logId()));
            return;
        }
        CountDownLatch done = new CountDownLatch(1);
        LogHub.Subscription sub = hub.follow(tl.logId(), t.offset(), new LogListener() {
            private long version = t.version();

            @Override
            public void onChunks(List<LogChunk> chunks) throws IOException {
                Map<Integer, Long> times = new HashMap<>();
                for (LogChunk c : chunks) {
                    int before = t.lineCount();
                    t.feed(c);
                    for (int n = before; n < t.lineCount(); n++) {
                        times.putIfAbsent(n, c.timestampMillis());
                    }
                }
                publish(times);
            }

            @Override
            public void onEnd(int exitCode) {
                try {
                    t.finish();
                    publish(Map.of());
                    sender.send("end", "{\"exit_code\":" + exitCode + "}");
                } catch (IOException ignored) {
                    // the browser has gone
                }
                done.countDown();
            }

            @Override
            public void onError(Exception failure) {
                done.countDown();
            }

            private void publish(Map<Integer, Long> times) throws IOException {
                int[] changed = t.changedSince(version);
                version = t.version();
                ObjectNode o = json.createObjectNode();
                linesOf(t, o, changed, times);
                sender.send("lines", o.toString());
                t.release(t.finalLineCount()); // sent: a long log is followed holding only its screen
            }
        });
        try {
            while (!done.await(KEEPALIVE_NANOS, TimeUnit.NANOSECONDS)) {
                sender.comment("keep-alive"); // fails once the browser has gone, which ends this handler
            }
        } finally {
            sub.cancel();
        }
    }

    /** Waits for the task's log to exist; false when the task ended without one. */
    private boolean awaitLog(TaskLog tl, Sender sender) throws Exception {
        ChangeCounter changes = runs.changes();
        long lastWrite = System.nanoTime();
        while (!store().exists(tl.logId())) {
            long seen = changes.version();
            CiStore.TaskRow t = runs.tasks(tl.run().id()).stream().filter(x -> x.name().equals(tl.task().name())).findFirst().orElse(null);
            boolean willRun = t != null && t.attempt() <= tl.attempt() && (t.status().equals("pending") || t.status().equals("running"))
                    && !CiStore.isFinished(runs.require(tl.run().id()).status());
            if (!willRun) {
                return store().exists(tl.logId());
            }
            // The log appears shortly after the task starts, without a change of the run to wake us.
            changes.await(seen, TimeUnit.MILLISECONDS.toNanos(250));
            if (System.nanoTime() - lastWrite > KEEPALIVE_NANOS) {
                sender.comment("waiting for the task to start");
                lastWrite = System.nanoTime();
            }
        }
        return true;
    }

    private String end(String logId) throws IOException {
        OptionalInt exit = store().exitCode(logId);
        return "{\"exit_code\":" + (exit.isPresent() ? exit.getAsInt() : "null") + "}";
    }

    /** The terminal's line count and lines {@code numbers} (those it still has: a removed line is left out). */
    private void linesOf(Terminal t, ObjectNode o, int[] numbers, Map<Integer, Long> times) {
        o.put("line_count", t.lineCount());
        o.put("final_line_count", t.finalLineCount());
        ArrayNode lines = o.putArray("lines");
        for (int n : numbers) {
            if (n >= t.firstLine() && n < t.lineCount()) {
                ObjectNode l = line(lines.addObject(), t.line(n), false);
                Long ts = times.get(n);
                if (ts != null) {
                    l.put("ts", ts);
                }
            }
        }
    }

    // ---- JSON

    private ObjectNode line(ObjectNode o, Line l, boolean text) {
        o.put("n", l.number());
        o.put("html", LineHtml.render(l));
        if (text) {
            o.put("text", l.text());
        }
        l.fold().ifPresent(f -> fold(o.putArray("fold"), f));
        return o;
    }

    private static void fold(ArrayNode a, Fold f) {
        switch (f) {
            case Fold.GroupStart g -> a.add("group").add(g.title());
            case Fold.GroupEnd g -> a.add("endgroup").add("");
            case Fold.StepStart s -> a.add("step").add(s.name());
            case Fold.StepEnd s -> a.add("endstep").add(s.outcome());
        }
    }

    private static void send(Context ctx, ObjectNode o) {
        ctx.header("Cache-Control", "no-store");
        ctx.contentType("application/json").result(o.toString());
    }

    private static boolean flag(Context ctx, String name) {
        String v = ctx.queryParam(name);
        return "1".equals(v) || "true".equals(v);
    }

    private static int intParam(Context ctx, String name, int fallback, int min, int max) {
        String v = ctx.queryParam(name);
        if (v == null || v.isEmpty()) {
            return fallback;
        }
        try {
            int i = Integer.parseInt(v);
            if (i >= min && i <= max) {
                return i;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new SlipwayException.BadRequest(name + " must be a whole number from " + min + " to " + max);
    }

    /** Writes events from the follower's thread and keep-alives from the handler's, one at a time. */
    private static final class Sender {
        private final OutputStream out;

        Sender(OutputStream out) {
            this.out = out;
        }

        synchronized void send(String event, String data) throws IOException {
            out.write(("event: " + event + "\ndata: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        synchronized void comment(String text) throws IOException {
            out.write((": " + text + "\n\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        }
    }
}
