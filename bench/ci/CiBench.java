// Load driver of bench/ci/run.sh: runs the measured phases against a Slipway server that run.sh
// started, and the same work as raw `docker run --rm`, interleaved. Writes one sample per line
// ("metric value") to the samples file and a per-phase profile (from `docker events` and the API's
// timestamps) to the profile file; run.sh prints the report. Compiled and run with Slipway's jar on
// the class path (for Jackson):
//   javac -proc:none -cp slipway.jar -d classes CiBench.java && java -cp slipway.jar:classes CiBench key=value ...
// Keys: base token repo image suffix data server_pid out profile deadline_s runs first_runs
// warmup pin_runs flood_bytes flood_runs follow poll_ms lib lib_away marker echo_task pin_task flood_task
// flood_line. Every wait is bounded by deadline_s; on any failure it exits 1 with a message.

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

public class CiBench {
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    static final Map<String, String> CFG = new HashMap<>();
    static PrintWriter samples;
    static long deadline; // System.nanoTime() after which everything gives up

    public static void main(String[] args) throws Exception {
        for (String a : args) {
            int eq = a.indexOf('=');
            CFG.put(a.substring(0, eq), a.substring(eq + 1));
        }
        deadline = System.nanoTime() + Long.parseLong(cfg("deadline_s")) * 1_000_000_000L;
        samples = new PrintWriter(Files.newBufferedWriter(Path.of(cfg("out"))), true);
        try {
            if (!cfg("only_runner").equals("1")) {
                List<EchoRun> echo = echoPhase();
                profile(echo);
                firstBytePhase();
                hookPhase();
                pinPhase();
                floodPhase();
            }
            if (!cfg("runner_runs").equals("0")) {
                runnerPhase();
            }
        } catch (Exception e) {
            System.err.println("bench helper failed: " + e);
            if (!(e instanceof BenchFailure)) {
                e.printStackTrace();
            }
            samples.close();
            System.exit(1);
        }
        samples.close();
    }

    static final class BenchFailure extends RuntimeException {
        BenchFailure(String m) {
            super(m);
        }
    }

    static String cfg(String k) {
        String v = CFG.get(k);
        if (v == null) {
            throw new BenchFailure("missing argument " + k);
        }
        return v;
    }

    static int cfgInt(String k) {
        return Integer.parseInt(cfg(k));
    }

    static void sample(String metric, double v) {
        samples.println(metric + " " + (v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.2f", v)));
    }

    static void info(String key, String text) {
        samples.println("info " + key + " " + text.replace('\n', ' '));
    }

    static void progress(String m) {
        System.err.printf("[%tT] %s%n", System.currentTimeMillis(), m);
    }

    static void checkDeadline(String what) {
        if (System.nanoTime() > deadline) {
            throw new BenchFailure("time limit reached while " + what + " (deadline_s=" + cfg("deadline_s") + ")");
        }
    }

    // ---- Slipway API -------------------------------------------------------------------------

    static HttpRequest.Builder api(String path) {
        return HttpRequest.newBuilder(URI.create(cfg("base") + path)).header("Authorization", "token " + cfg("token"))
                .timeout(Duration.ofSeconds(60));
    }

    static JsonNode getJson(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(api(path).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new BenchFailure("GET " + path + ": HTTP " + r.statusCode() + " " + r.body());
        }
        return JSON.readTree(r.body());
    }

    /** A triggered run: its id, and when the POST was sent (epoch ms and nanoTime) and answered. */
    record Trigger(long id, long sendMs, long sendNanos, long answeredNanos) {
        double triggerMs() {
            return (answeredNanos - sendNanos) / 1e6;
        }
    }

    static Trigger trigger(String pipeline, Map<String, String> variables) throws IOException, InterruptedException {
        ObjectNode body = JSON.createObjectNode();
        body.put("ref", "main");
        body.put("pipeline", pipeline);
        if (!variables.isEmpty()) {
            ObjectNode v = body.putObject("variables");
            variables.forEach(v::put);
        }
        HttpRequest req = api("/api/v1/repos/" + cfg("repo") + "/runs").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
        long ms = System.currentTimeMillis();
        long t0 = System.nanoTime();
        HttpResponse<String> r = HTTP.send(req, HttpResponse.BodyHandlers.ofString());
        long t1 = System.nanoTime();
        if (r.statusCode() != 201) {
            throw new BenchFailure("trigger of pipeline " + pipeline + ": HTTP " + r.statusCode() + " " + r.body());
        }
        return new Trigger(JSON.readTree(r.body()).get("id").asLong(), ms, t0, t1);
    }

    /** A finished run as the API shows it, and when the poller first saw it finished. */
    record Finished(JsonNode run, long seenNanos) {
        JsonNode task(String name) {
            for (JsonNode t : run.get("tasks")) {
                if (t.get("name").asText().equals(name)) {
                    return t;
                }
            }
            throw new BenchFailure("run has no task " + name + ": " + run);
        }

        long ms(String field) {
            return epochMs(run.get(field));
        }
    }

    /**
     * Asks with {@code ?wait=60}: a server with the long poll answers once the run has finished (one
     * request per run, like the CLI's single wait call on the raw side); one without answers at
     * once and is polled every {@code pollMs}.
     */
    static Finished await(long id, int pollMs) throws IOException, InterruptedException {
        while (true) {
            checkDeadline("waiting for run " + id);
            JsonNode run = getJson("/api/v1/runs/" + id + "?wait=60");
            long seen = System.nanoTime();
            String s = run.get("status").asText();
            if (!s.equals("queued") && !s.equals("running")) {
                return new Finished(run, seen);
            }
            Thread.sleep(pollMs);
        }
    }

    static Finished awaitSuccess(long id, int pollMs) throws IOException, InterruptedException {
        Finished f = await(id, pollMs);
        if (!f.run().get("status").asText().equals("success")) {
            String log = "";
            for (JsonNode t : f.run().get("tasks")) {
                log += " [" + t.get("name").asText() + " log: " + new String(rawLog(id, t.get("name").asText()), StandardCharsets.UTF_8) + "]";
            }
            throw new BenchFailure("run " + id + " did not succeed: " + f.run() + log);
        }
        return f;
    }

    static long epochMs(JsonNode iso) {
        if (iso == null || iso.isNull()) {
            throw new BenchFailure("missing timestamp");
        }
        return Instant.parse(iso.asText()).toEpochMilli();
    }

    static byte[] rawLog(long id, String task) throws IOException, InterruptedException {
        HttpResponse<byte[]> r = HTTP.send(api("/api/v1/runs/" + id + "/tasks/" + task + "/log").GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200) {
            throw new BenchFailure("raw log of run " + id + ": HTTP " + r.statusCode());
        }
        return r.body();
    }

    // ---- raw docker ------------------------------------------------------------------------------

    /** One `docker run`: when it was started, first stdout byte, last stdout byte, exit; its stdout digest. */
    record Raw(long startMs, long startNanos, long firstNanos, long lastNanos, long endNanos, long bytes, String sha256, String text,
               int exit) {
        double wallMs() {
            return (endNanos - startNanos) / 1e6;
        }
    }

    static Raw dockerRun(String name, String script, boolean keepText, String... options) throws Exception {
        checkDeadline("running docker");
        List<String> cmd = new ArrayList<>(List.of("docker", "run", "--rm", "--name", name, "--network", "none"));
        cmd.addAll(List.of(options));
        cmd.addAll(List.of(cfg("image"), "sh", "-c", script));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD);
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        byte[] buf = new byte[256 * 1024];
        long ms = System.currentTimeMillis();
        long t0 = System.nanoTime();
        Process p = pb.start();
        long first = 0, last = 0, n = 0;
        try (InputStream in = p.getInputStream()) {
            int r;
            while ((r = in.read(buf)) > 0) {
                long now = System.nanoTime();
                if (first == 0) {
                    first = now;
                }
                last = now;
                n += r;
                sha.update(buf, 0, r);
                if (keepText && text.size() < 4096) {
                    text.write(buf, 0, r);
                }
            }
        }
        int exit = p.waitFor();
        long t1 = System.nanoTime();
        if (exit != 0) {
            throw new BenchFailure("raw " + cmd + " exited with " + exit);
        }
        return new Raw(ms, t0, first, last, t1, n, HexFormat.of().formatHex(sha.digest()), text.toString(StandardCharsets.UTF_8), exit);
    }

    // ---- phase 1: per-task wall time -------------------------------------------------------------

    record EchoRun(long id, Trigger trigger, Finished done) {}

    record RawRun(String name, Raw raw) {}

    static final List<RawRun> RAW_ECHO = new ArrayList<>();
    static long echoPhaseStartMs;

    /** `docker events` followed live from the start of the echo phase (the daemon replays only its last 256). */
    static Process events;
    static final List<String> EVENT_LINES = java.util.Collections.synchronizedList(new ArrayList<>());
    static Thread eventReader;

    static void startEvents() throws IOException {
        events = new ProcessBuilder("docker", "events", "--format", "{{json .}}").redirectError(ProcessBuilder.Redirect.DISCARD).start();
        eventReader = Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(events.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    EVENT_LINES.add(line);
                }
            } catch (IOException ignored) {
                // stopped
            }
        });
    }

    static List<EchoRun> echoPhase() throws Exception {
        String task = cfg("echo_task");
        int runs = cfgInt("runs"), warmup = cfgInt("warmup"), poll = cfgInt("poll_ms");
        progress("per-task wall time: " + warmup + " warm-up + " + runs + " runs of 'echo hi' through Slipway and raw docker run, alternating");
        for (int i = 0; i < warmup; i++) {
            Trigger t = trigger("echo", Map.of());
            awaitSuccess(t.id(), poll);
            dockerRun("cibench-" + cfg("suffix") + "-warm-" + i, "echo hi", false);
        }
        startEvents();
        Thread.sleep(500); // the subscription is live before the first measured run
        echoPhaseStartMs = System.currentTimeMillis();
        long pid = Long.parseLong(cfg("server_pid"));
        long cpu0 = cpuTicks(pid);
        List<EchoRun> out = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            double pairTask = 0, pairRaw = 0;
            for (int k = 0; k < 2; k++) {
                boolean slipwayNow = (k == 0) == (i % 2 == 0);
                if (slipwayNow) {
                    long c0 = cpuTicks(pid);
                    Trigger t = trigger("echo", Map.of());
                    Finished f = awaitSuccess(t.id(), poll);
                    sample("slipway.cpu_ms", (cpuTicks(pid) - c0) * 10.0); // trigger to finished, polls included
                    byte[] log = rawLog(t.id(), task);
                    String s = new String(log, StandardCharsets.UTF_8);
                    if (!s.contains("hi\n")) {
                        throw new BenchFailure("run " + t.id() + ": log has no 'hi': " + s);
                    }
                    JsonNode tn = f.task(task);
                    long created = f.ms("created_at"), started = f.ms("started_at"), finished = f.ms("finished_at");
                    long tStart = epochMs(tn.get("started_at")), tEnd = epochMs(tn.get("finished_at"));
                    sample("slipway.task_ms", tn.get("duration_ms").asLong());
                    pairTask = tn.get("duration_ms").asLong();
                    sample("slipway.e2e_ms", finished - t.sendMs()); // server's finish, client's send: one clock
                    sample("slipway.e2e_seen_ms", (f.seenNanos() - t.sendNanos()) / 1e6);
                    sample("slipway.server_e2e_ms", finished - created);
                    sample("slipway.trigger_ms", t.triggerMs());
                    sample("slipway.queue_ms", started - created);
                    sample("slipway.setup_ms", tStart - started);
                    sample("slipway.finish_ms", finished - tEnd);
                    out.add(new EchoRun(t.id(), t, f));
                } else {
                    String name = "cibench-" + cfg("suffix") + "-raw-" + i;
                    Raw r = dockerRun(name, "echo hi", true);
                    if (!r.text().equals("hi\n")) {
                        throw new BenchFailure("raw docker run printed " + r.text());
                    }
                    sample("raw.run_ms", r.wallMs());
                    pairRaw = r.wallMs();
                    RAW_ECHO.add(new RawRun(name, r));
                }
            }
            // Load from elsewhere drifts over minutes; the two runs of a pair are seconds apart.
            sample("pair.task_ratio", pairTask / pairRaw);
        }
        // The server's CPU time over the measured loop (its own work for each run, the API polls of
        // this client, and nothing while the raw runs go), per Slipway run.
        sample("slipway.cpu_ms_per_run", (cpuTicks(pid) - cpu0) * 10.0 / runs);
        return out;
    }

    // ---- profile from docker events ----------------------------------------------------------------

    /** Where the time of one echo task goes: docker events (daemon clock) against the API's timestamps. */
    static void profile(List<EchoRun> runs) throws Exception {
        Thread.sleep(1000); // the last events reach the subscriber
        events.destroy();
        eventReader.join(10_000);
        // name -> action -> first time (epoch ms, fractional)
        Map<String, Map<String, Double>> ev = new HashMap<>();
        Map<String, String> nameById = new HashMap<>();
        Map<String, String> volumePrefix = new HashMap<>();
        List<String> volumeLines = new ArrayList<>();
        List<String> lines;
        synchronized (EVENT_LINES) {
            lines = new ArrayList<>(EVENT_LINES);
        }
        for (String line : lines) {
            JsonNode e = JSON.readTree(line);
            String type = e.path("Type").asText(), action = e.path("Action").asText();
            double t = e.path("timeNano").asLong() / 1e6;
            JsonNode actor = e.path("Actor");
            String key;
            if (type.equals("container")) {
                // Slipway's containers by their labels (names carry the server's instance id), raw ones by name.
                JsonNode at = actor.path("Attributes");
                key = at.has("slipway.run") ? "slipway:" + at.path("slipway.run").asText() + "/" + at.path("slipway.task").asText()
                        : at.path("name").asText();
                nameById.put(actor.path("ID").asText(), key);
                if (at.has("slipway.run")) {
                    volumePrefix.put(at.path("name").asText() + "-", key); // its overlay volumes: <container>-<spec8>-<n>
                }
            } else if (type.equals("volume")) {
                volumeLines.add(line); // matched to containers below, once their names are known
                continue;
            } else if (type.equals("network")) {
                key = "network:" + actor.path("Attributes").path("container").asText();
            } else {
                continue;
            }
            ev.computeIfAbsent(key, k -> new HashMap<>()).putIfAbsent(action, t);
        }
        for (String line : volumeLines) {
            JsonNode e = JSON.readTree(line);
            String volume = e.path("Actor").path("ID").asText();
            for (var p : volumePrefix.entrySet()) {
                if (volume.startsWith(p.getKey()) && volume.endsWith("-0")) {
                    ev.computeIfAbsent("volume:" + p.getValue(), k -> new HashMap<>())
                            .putIfAbsent(e.path("Action").asText(), e.path("timeNano").asLong() / 1e6);
                }
            }
        }
        for (var e : nameById.entrySet()) {
            Map<String, Double> n = ev.get("network:" + e.getKey());
            if (n != null && ev.containsKey(e.getValue())) {
                n.forEach((a, t) -> ev.get(e.getValue()).putIfAbsent("network-" + a, t));
            }
        }
        String task = cfg("echo_task");
        Map<String, List<Double>> seg = new LinkedHashMap<>();
        int used = 0;
        for (EchoRun r : runs) {
            String name = "slipway:" + r.id() + "/" + task;
            Map<String, Double> c = ev.get(name);
            Map<String, Double> v = ev.get("volume:" + name);
            if (c == null || v == null || !c.keySet().containsAll(List.of("create", "start", "die"))) {
                continue;
            }
            used++;
            JsonNode tn = r.done().task(task);
            double tStart = epochMs(tn.get("started_at")), tEnd = epochMs(tn.get("finished_at"));
            double send = r.trigger().sendMs(), created = r.done().ms("created_at"), rStart = r.done().ms("started_at"),
                    rEnd = r.done().ms("finished_at");
            add(seg, "s|POST sent -> run created (trigger: git fetch, parse, insert)", created - send);
            add(seg, "s|run created -> run started (dispatcher claim)", rStart - created);
            add(seg, "s|run started -> task started (worktrees, plan)", tStart - rStart);
            add(seg, "s|task started -> overlay volume created (by the create call)", v.get("create") - tStart);
            add(seg, "s|volume created -> container created", c.get("create") - v.get("create"));
            add(seg, "s|container created -> attached", c.getOrDefault("attach", Double.NaN) - c.get("create"));
            add(seg, "s|attached -> network none connected", c.getOrDefault("network-connect", Double.NaN) - c.getOrDefault("attach", Double.NaN));
            add(seg, "s|network connected -> overlay volume mounted", v.getOrDefault("mount", Double.NaN) - c.getOrDefault("network-connect", Double.NaN));
            add(seg, "s|volume mounted -> container started (runc)", c.get("start") - v.getOrDefault("mount", Double.NaN));
            add(seg, "s|container started -> exited", c.get("die") - c.get("start"));
            add(seg, "s|container exited -> task finished (wait, output drain, log)", tEnd - c.get("die"));
            add(seg, "s|task finished -> run finished (log fsync, run row)", rEnd - tEnd);
            add(seg, "s|total: POST sent -> run finished", rEnd - send);
        }
        int rawUsed = 0;
        for (RawRun rr : RAW_ECHO) {
            Map<String, Double> c = ev.get(rr.name());
            if (c == null || !c.keySet().containsAll(List.of("create", "start", "die", "destroy"))) {
                continue;
            }
            rawUsed++;
            double start = rr.raw().startMs(), end = start + rr.raw().wallMs();
            add(seg, "r|CLI started -> container created", c.get("create") - start);
            add(seg, "r|container created -> attached", c.getOrDefault("attach", Double.NaN) - c.get("create"));
            add(seg, "r|attached -> network none connected", c.getOrDefault("network-connect", Double.NaN) - c.getOrDefault("attach", Double.NaN));
            add(seg, "r|network connected -> container started (runc)", c.get("start") - c.getOrDefault("network-connect", Double.NaN));
            add(seg, "r|container started -> exited", c.get("die") - c.get("start"));
            add(seg, "r|container exited -> removed (--rm)", c.get("destroy") - c.get("die"));
            add(seg, "r|removed -> CLI exited", end - c.get("destroy"));
            add(seg, "r|total: CLI started -> CLI exited", end - start);
        }
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(Path.of(cfg("profile"))))) {
            w.printf("Where an 'echo hi' task's time goes (medians in ms over %d Slipway runs and %d raw runs; docker events%n", used, rawUsed);
            w.printf("timestamps from the daemon, Slipway's from its API, both on this host's clock; API times are whole ms):%n");
            String side = "";
            for (var e : seg.entrySet()) {
                String[] k = e.getKey().split("\\|", 2);
                if (!k[0].equals(side)) {
                    side = k[0];
                    w.println(side.equals("s") ? "  Slipway (run of one task, network none, one overlay mount):"
                            : "  raw docker run --rm --network none:");
                }
                w.printf(Locale.ROOT, "    %-66s %8.1f%n", k[1], median(e.getValue()));
            }
        }
        sample("profile.slipway_runs", used);
        sample("profile.raw_runs", rawUsed);
    }

    static void add(Map<String, List<Double>> m, String k, double v) {
        if (Double.isNaN(v)) {
            m.computeIfAbsent(k, x -> new ArrayList<>());
            return;
        }
        m.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
    }

    static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        s.sort(null);
        int n = s.size();
        return n == 0 ? Double.NaN : n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    // ---- phase 2: trigger -> first output byte ---------------------------------------------------------

    /** What an SSE follower of a task's log saw. */
    static final class Follow {
        volatile long firstStdoutNanos;
        volatile long firstStdoutTs = -1; // the chunk's server timestamp (epoch ms)
        volatile long endNanos;
        volatile Integer exitCode;
        final AtomicLong stdoutBytes = new AtomicLong();
        final MessageDigest sha;
        final ByteArrayOutputStream text = new ByteArrayOutputStream();
        volatile Exception failure;

        Follow() throws Exception {
            sha = MessageDigest.getInstance("SHA-256");
        }
    }

    /** Follows GET .../log/stream to its end event; decodes and hashes every stdout chunk. */
    static void follow(long id, String task, Follow f) {
        try {
            HttpRequest req = api("/api/v1/runs/" + id + "/tasks/" + task + "/log/stream").timeout(Duration.ofSeconds(240))
                    .header("Accept", "text/event-stream").GET().build();
            HttpResponse<InputStream> r = HTTP.send(req, HttpResponse.BodyHandlers.ofInputStream());
            if (r.statusCode() != 200) {
                throw new BenchFailure("log stream: HTTP " + r.statusCode());
            }
            try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8), 1 << 20)) {
                String event = null;
                StringBuilder data = new StringBuilder();
                String line;
                while ((line = in.readLine()) != null) {
                    if (line.isEmpty()) {
                        if ("chunk".equals(event)) {
                            JsonNode c = JSON.readTree(data.toString());
                            if (c.get("stream").asText().equals("stdout")) {
                                byte[] b = Base64.getDecoder().decode(c.get("data_base64").asText());
                                if (f.firstStdoutNanos == 0) {
                                    f.firstStdoutNanos = System.nanoTime();
                                    f.firstStdoutTs = c.get("ts").asLong();
                                }
                                f.sha.update(b);
                                f.stdoutBytes.addAndGet(b.length);
                                if (f.text.size() < 4096) {
                                    f.text.write(b, 0, Math.min(b.length, 4096));
                                }
                            }
                        } else if ("end".equals(event)) {
                            f.endNanos = System.nanoTime();
                            JsonNode e = JSON.readTree(data.toString());
                            f.exitCode = e.path("exit_code").isInt() ? e.get("exit_code").asInt() : null;
                            return;
                        }
                        event = null;
                        data.setLength(0);
                    } else if (line.startsWith("event:")) {
                        event = line.substring(6).trim();
                    } else if (line.startsWith("data:")) {
                        data.append(line.substring(5).stripLeading());
                    }
                }
                throw new BenchFailure("log stream of run " + id + " ended without an end event");
            }
        } catch (Exception e) {
            f.failure = e;
        }
    }

    /** The echo task's stdout: {@code hi}, after the {@code + echo hi} line native tasks print before each command (since f9af32d). */
    static boolean echoed(String stdout) {
        return stdout.equals("+ echo hi\nhi\n") || stdout.equals("hi\n");
    }

    static void firstBytePhase() throws Exception {
        String task = cfg("echo_task");
        int runs = cfgInt("first_runs"), poll = cfgInt("poll_ms");
        progress("trigger -> first output byte: " + runs + " runs followed over SSE, alternating with raw docker run");
        for (int i = 0; i < runs; i++) {
            for (int k = 0; k < 2; k++) {
                boolean slipwayNow = (k == 0) == (i % 2 == 0);
                if (slipwayNow) {
                    Trigger t = trigger("echo", Map.of());
                    Follow f = new Follow();
                    follow(t.id(), task, f); // subscribes right after the 201, returns at the end event
                    if (f.failure != null) {
                        throw f.failure;
                    }
                    awaitSuccess(t.id(), poll);
                    if (f.firstStdoutNanos == 0 || !echoed(f.text.toString(StandardCharsets.UTF_8))) {
                        throw new BenchFailure("run " + t.id() + ": the log stream's stdout was '" + f.text + "'");
                    }
                    sample("first.sse_ms", (f.firstStdoutNanos - t.sendNanos()) / 1e6);
                    sample("first.stored_ms", f.firstStdoutTs - t.sendMs());
                } else {
                    Raw r = dockerRun("cibench-" + cfg("suffix") + "-first-" + i, "echo hi", true);
                    sample("first.raw_ms", (r.firstNanos() - r.startNanos()) / 1e6);
                }
            }
        }
    }

    // ---- phase 2b: forge webhook -> first output byte -----------------------------------------------

    /** A push the way Gitea delivers it: the repository, the ref, the commits before and after. */
    static byte[] giteaPush(String fullName, String cloneUrl, String before, String after, String message) {
        ObjectNode p = JSON.createObjectNode();
        p.put("ref", "refs/heads/main");
        p.put("before", before);
        p.put("after", after);
        ObjectNode commit = JSON.createObjectNode();
        commit.put("id", after);
        commit.put("message", message);
        commit.putObject("author").put("name", "bench").put("email", "bench@localhost");
        p.putArray("commits").add(commit);
        p.set("head_commit", commit);
        ObjectNode repo = p.putObject("repository");
        repo.put("full_name", fullName);
        repo.put("name", fullName.substring(fullName.indexOf('/') + 1));
        repo.putObject("owner").put("login", fullName.substring(0, fullName.indexOf('/')));
        repo.put("clone_url", cloneUrl);
        repo.put("default_branch", "main");
        p.putObject("pusher").put("login", "bench");
        return p.toString().getBytes(StandardCharsets.UTF_8);
    }

    static String git(String dir, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("git", "-C", dir, "-c", "user.name=bench", "-c", "user.email=bench@localhost",
                "-c", "commit.gpgsign=false"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (p.waitFor() != 0) {
            throw new BenchFailure("git " + String.join(" ", args) + ": " + out);
        }
        return out;
    }

    /**
     * The same one-task run started by a Gitea push webhook (a new empty commit pushed with git
     * first, not timed): from the POST to /api/v1/hooks to the first stdout byte, next to the
     * API trigger's figure of the phase before.
     */
    static void hookPhase() throws Exception {
        String task = cfg("echo_task"), work = cfg("hook_work"), secret = cfg("hook_secret");
        int runs = cfgInt("first_runs"), poll = cfgInt("poll_ms");
        progress("webhook -> first output byte: " + runs + " Gitea push deliveries, each for a new commit");
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        for (int i = 0; i < runs; i++) {
            checkDeadline("webhook phase");
            String before = git(work, "rev-parse", "HEAD");
            git(work, "commit", "-q", "--allow-empty", "-m", "bench push " + i);
            git(work, "push", "-q", "origin", "HEAD:main");
            String after = git(work, "rev-parse", "HEAD");
            byte[] body = giteaPush(cfg("hook_repo"), cfg("hook_clone_url"), before, after, "bench push " + i);
            HttpRequest req = HttpRequest.newBuilder(URI.create(cfg("base") + "/api/v1/hooks")).timeout(Duration.ofSeconds(60))
                    .header("Content-Type", "application/json").header("X-Gitea-Event", "push")
                    .header("X-Gitea-Delivery", java.util.UUID.randomUUID().toString())
                    .header("X-Gitea-Signature", HexFormat.of().formatHex(mac.doFinal(body)))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
            long ms = System.currentTimeMillis();
            long t0 = System.nanoTime();
            HttpResponse<String> r = HTTP.send(req, HttpResponse.BodyHandlers.ofString());
            long t1 = System.nanoTime();
            JsonNode answer = JSON.readTree(r.body());
            if (r.statusCode() != 200 || answer.path("runs").size() != 1) {
                throw new BenchFailure("webhook delivery " + i + ": HTTP " + r.statusCode() + " " + r.body());
            }
            long id = answer.get("runs").get(0).get("id").asLong();
            Follow f = new Follow();
            follow(id, task, f);
            if (f.failure != null) {
                throw f.failure;
            }
            awaitSuccess(id, poll);
            if (f.firstStdoutNanos == 0 || !echoed(f.text.toString(StandardCharsets.UTF_8))) {
                throw new BenchFailure("run " + id + ": the log stream's stdout was '" + f.text + "'");
            }
            sample("hook.answer_ms", (t1 - t0) / 1e6);
            sample("hook.sse_ms", (f.firstStdoutNanos - t0) / 1e6);
            sample("hook.stored_ms", f.firstStdoutTs - ms);
        }
    }

    // ---- phase 3: re-run of an immutable checkout ------------------------------------------------------

    static void pinPhase() throws Exception {
        String task = cfg("pin_task");
        String marker = cfg("marker");
        int runs = cfgInt("pin_runs"), poll = cfgInt("poll_ms");
        Path lib = Path.of(cfg("lib")), away = Path.of(cfg("lib_away"));
        Path worktrees = Path.of(cfg("data"), "ci", "worktrees");
        progress("immutable checkout: 1 cold run, then the source repository is moved away and " + runs + " re-runs follow");
        Trigger cold = trigger("pinned", Map.of());
        Finished c = awaitSuccess(cold.id(), poll);
        checkMarker(cold.id(), task, marker);
        sample("pin.cold_setup_ms", epochMs(c.task(task).get("started_at")) - c.ms("started_at"));
        sample("pin.cold_e2e_ms", c.ms("finished_at") - cold.sendMs());
        List<Path> immutable = immutableWorktrees(worktrees);
        if (immutable.size() != 1) {
            throw new BenchFailure("expected one immutable worktree after the cold run, found " + immutable);
        }
        Path stamp = immutable.getFirst().resolve(".git").resolve("slipway-commit");
        long stampMtime = Files.getLastModifiedTime(stamp).toMillis();
        Files.move(lib, away); // from now on any clone or fetch of the entry's URL fails
        try {
            for (int i = 0; i < runs; i++) {
                Trigger t = trigger("pinned", Map.of());
                Finished f = await(t.id(), poll);
                if (!f.run().get("status").asText().equals("success")) {
                    info("pin.no_git", "FAILED: run " + t.id() + " with the source repository moved away: " + f.run().path("message").asText());
                    throw new BenchFailure("re-run " + t.id() + " of the immutable checkout failed with its source repository moved away: "
                            + f.run());
                }
                checkMarker(t.id(), task, marker);
                sample("pin.warm_setup_ms", epochMs(f.task(task).get("started_at")) - f.ms("started_at"));
                sample("pin.warm_e2e_ms", f.ms("finished_at") - t.sendMs());
            }
        } finally {
            Files.move(away, lib);
        }
        List<Path> after = immutableWorktrees(worktrees);
        boolean unchanged = after.equals(immutable) && Files.getLastModifiedTime(stamp).toMillis() == stampMtime;
        sample("pin.reruns_ok", runs);
        info("pin.no_git", unchanged
                ? "ok: " + runs + " re-runs succeeded with the source repository moved away; worktree " + immutable.getFirst().getFileName()
                        + " reused unchanged"
                : "the worktree directory changed: " + immutable + " -> " + after);
    }

    static List<Path> immutableWorktrees(Path root) throws IOException {
        try (var s = Files.list(root)) {
            return s.filter(p -> {
                String n = p.getFileName().toString();
                return n.startsWith("ci-worktree-") && !n.contains("@") && !n.endsWith(".git");
            }).sorted().toList();
        }
    }

    static void checkMarker(long id, String task, String marker) throws Exception {
        String log = new String(rawLog(id, task), StandardCharsets.UTF_8);
        if (!log.contains(marker)) {
            throw new BenchFailure("run " + id + ": the task did not print the pinned file's content; log: " + log);
        }
    }

    // ---- phase 4: log throughput -------------------------------------------------------------------------

    static final int BLOCK = 1_000_000;

    /** The flood task's stdout: the first BLOCK bytes of `yes LINE`, repeated to {@code bytes}, after {@code prefix}. */
    static String expectedSha(byte[] prefix, String line, long bytes) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        sha.update(prefix);
        byte[] l = (line + "\n").getBytes(StandardCharsets.US_ASCII);
        byte[] block = new byte[BLOCK];
        for (int i = 0; i < BLOCK; i++) {
            block[i] = l[i % l.length];
        }
        long left = bytes;
        while (left > 0) {
            int n = (int) Math.min(block.length, left);
            sha.update(block, 0, n);
            left -= n;
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    /**
     * The stored log, read back through GET .../log and split by stream along the on-disk index.
     * Its stdout is the task's echo of each command ({@code + command} lines: {@code prefix}), then
     * the data: {@code stdoutBytes} and {@code stdoutSha} are the data's, after the prefix.
     */
    record Stored(long stdoutBytes, String stdoutSha, long stderrBytes, long systemBytes, long firstStdoutTs, long lastStdoutTs,
                  byte[] prefix) {}

    static Stored readBack(long id, String task, int attempt, long dataBytes) throws Exception {
        Path index = Path.of(cfg("data"), "ci", "logs", "runs", Long.toString(id), task, Integer.toString(attempt), "_index");
        byte[] idx = Files.readAllBytes(index);
        if (idx.length < 8 || !new String(idx, 0, 8, StandardCharsets.US_ASCII).equals("SLWLOG1\n")) {
            throw new BenchFailure("unexpected index format in " + index);
        }
        ByteBuffer b = ByteBuffer.wrap(idx, 8, idx.length - 8);
        long allStdout = 0;
        for (ByteBuffer scan = b.duplicate(); scan.remaining() >= 24; scan.position(scan.position() + 3)) {
            scan.getLong();
            scan.getLong();
            int len = scan.getInt();
            allStdout += scan.get() == 1 ? len : 0;
        }
        long prefixLeft = Math.max(0, Math.min(allStdout - dataBytes, 64 * 1024)); // a few lines, if the task is right
        ByteArrayOutputStream prefix = new ByteArrayOutputStream();
        HttpResponse<InputStream> r = HTTP.send(api("/api/v1/runs/" + id + "/tasks/" + task + "/log").timeout(Duration.ofSeconds(240)).GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
        if (r.statusCode() != 200) {
            throw new BenchFailure("raw log: HTTP " + r.statusCode());
        }
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        long out = 0, err = 0, sys = 0, pos = 0, first = -1, last = -1;
        byte[] buf = new byte[1 << 20];
        try (DataInputStream in = new DataInputStream(r.body())) {
            while (b.remaining() >= 24) {
                long offset = b.getLong();
                long ts = b.getLong();
                int len = b.getInt();
                int stream = b.get();
                b.position(b.position() + 3);
                if (offset != pos) {
                    throw new BenchFailure("index gap at " + pos + " (record at " + offset + ")");
                }
                for (int left = len; left > 0; ) {
                    int n = Math.min(left, buf.length);
                    in.readFully(buf, 0, n);
                    if (stream == 1) {
                        int skip = (int) Math.min(prefixLeft, n);
                        prefix.write(buf, 0, skip);
                        prefixLeft -= skip;
                        sha.update(buf, skip, n - skip);
                    }
                    left -= n;
                }
                switch (stream) {
                    case 1 -> {
                        out += len;
                        if (first < 0) {
                            first = ts;
                        }
                        last = ts;
                    }
                    case 2 -> err += len;
                    default -> sys += len;
                }
                pos += len;
            }
            if (in.read() != -1) {
                throw new BenchFailure("GET .../log returned more bytes than the index records (" + pos + ")");
            }
        }
        byte[] echo = prefix.toByteArray();
        String echoed = new String(echo, StandardCharsets.UTF_8);
        if (!echoed.isEmpty() && (!echoed.endsWith("\n") || !echoed.lines().allMatch(l -> l.startsWith("+ ")))) {
            throw new BenchFailure("run " + id + ": stdout before the data is not the commands' echo: " + echoed);
        }
        return new Stored(out - echo.length, HexFormat.of().formatHex(sha.digest()), err, sys, first, last, echo);
    }

    static long rssKib(long pid) {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (l.startsWith("VmRSS:")) {
                    return Long.parseLong(l.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException ignored) {
            // gone
        }
        return -1;
    }

    static long cpuTicks(long pid) throws IOException {
        String s = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14 and 15)
    }

    static void floodPhase() throws Exception {
        String task = cfg("flood_task");
        long bytes = Long.parseLong(cfg("flood_bytes"));
        int runs = cfgInt("flood_runs");
        long pid = Long.parseLong(cfg("server_pid"));
        String line = cfg("flood_line");
        String expected = expectedSha(new byte[0], line, bytes);
        // The same commands as the flood pipeline: a block of 10^6 bytes written once, then cat in a
        // loop (busybox's yes writes one line per syscall and its head copies 4 KiB at a time; either
        // would be the bottleneck).
        if (bytes % BLOCK != 0) {
            throw new BenchFailure("flood_bytes must be a multiple of " + BLOCK);
        }
        long copies = bytes / BLOCK;
        String script = "yes " + line + " | head -c " + BLOCK + " > blk && i=0 && while [ $i -lt " + copies + " ]; do cat blk; i=$((i+1)); done";
        progress("log throughput: " + runs + " runs printing " + bytes + " bytes through Slipway and raw docker run, alternating");
        sample("server.rss_idle_mib", rssKib(pid) / 1024.0);
        // Warm-up, untimed: a tenth of the size (the append path's JIT).
        Trigger w = trigger("flood", Map.of("COPIES", Long.toString(Math.max(1, copies / 10))));
        awaitSuccess(w.id(), 50);
        long clk = 100; // USER_HZ on Linux
        for (int i = 0; i < runs; i++) {
            for (int k = 0; k < 2; k++) {
                boolean slipwayNow = (k == 0) == (i % 2 == 0);
                if (slipwayNow) {
                    floodRun("flood", "flood", task, bytes, expected, pid, clk, null);
                } else {
                    // The engine's default log driver (what Slipway's containers get), then none.
                    for (String driver : List.of("default", "none")) {
                        String[] opts = driver.equals("none") ? new String[] {"--log-driver", "none"} : new String[0];
                        String metric = driver.equals("none") ? "rawnone" : "raw";
                        Raw r = dockerRun("cibench-" + cfg("suffix") + "-flood-" + driver + "-" + i, script, false, opts);
                        if (r.bytes() != bytes || !r.sha256().equals(expected)) {
                            throw new BenchFailure("raw docker run printed " + r.bytes() + " bytes, sha256 " + r.sha256());
                        }
                        sample(metric + ".flood_mbps", bytes / 1e6 / (r.wallMs() / 1e3));
                        sample(metric + ".flood_stream_mbps", bytes / 1e6 / ((r.lastNanos() - r.firstNanos()) / 1e9));
                    }
                }
            }
        }
        if (cfg("follow").equals("1")) {
            progress("log throughput with a live SSE follower: 1 run");
            Follow f = new Follow();
            floodRun("follow", "flood", task, bytes, expected, pid, clk, f);
        }
    }

    static void floodRun(String label, String pipeline, String task, long bytes, String expected, long pid, long clk, Follow follower)
            throws Exception {
        AtomicBoolean sampling = new AtomicBoolean(true);
        AtomicLong maxRss = new AtomicLong();
        Thread sampler = Thread.ofPlatform().daemon().start(() -> {
            while (sampling.get()) {
                maxRss.accumulateAndGet(rssKib(pid), Math::max);
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        long cpu0 = cpuTicks(pid);
        long runnerPid = cfg("runner_pid").isEmpty() ? -1 : Long.parseLong(cfg("runner_pid"));
        long runnerCpu0 = runnerPid > 0 ? cpuTicks(runnerPid) : 0;
        Trigger t = trigger(pipeline, Map.of("COPIES", Long.toString(bytes / BLOCK)));
        Thread followThread = null;
        if (follower != null) {
            followThread = Thread.ofPlatform().start(() -> follow(t.id(), task, follower));
        }
        Finished f = awaitSuccess(t.id(), 50);
        if (followThread != null) {
            followThread.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            if (followThread.isAlive()) {
                throw new BenchFailure("the SSE follower did not reach the end of the log in time");
            }
            if (follower.failure != null) {
                throw follower.failure;
            }
        }
        sampling.set(false);
        sampler.join();
        long cpu1 = cpuTicks(pid);
        if (pipeline.equals("rflood")) {
            sample(label + ".runner_cpu_s", (cpuTicks(runnerPid) - runnerCpu0) / (double) clk);
        }
        JsonNode tn = f.task(task);
        long taskMs = tn.get("duration_ms").asLong();
        // The task ends once the server has every byte (a runner's end is taken only then): trigger -> task finished.
        sample(label + ".e2e_mbps", bytes / 1e6 / ((epochMs(tn.get("finished_at")) - t.sendMs()) / 1e3));
        Stored s = readBack(t.id(), task, tn.get("attempt").asInt(), bytes);
        boolean ok = s.stdoutBytes() == bytes && s.stdoutSha().equals(expected);
        if (!ok) {
            info(label + ".verify", "MISMATCH in run " + t.id() + ": stdout " + s.stdoutBytes() + " bytes sha256 " + s.stdoutSha() + ", expected "
                    + bytes + " bytes sha256 " + expected);
            throw new BenchFailure("run " + t.id() + ": stored stdout is " + s.stdoutBytes() + " bytes (sha256 " + s.stdoutSha() + "), expected "
                    + bytes + " (sha256 " + expected + ")");
        }
        info(label + ".verify", "ok: run " + t.id() + " stdout " + s.stdoutBytes() + " bytes, sha256 " + s.stdoutSha().substring(0, 16)
                + "... as expected; stderr " + s.stderrBytes() + " bytes, system " + s.systemBytes() + " bytes");
        sample(label + ".task_mbps", bytes / 1e6 / (taskMs / 1e3));
        sample(label + ".task_ms", taskMs);
        if (s.lastStdoutTs() > s.firstStdoutTs()) {
            sample(label + ".stream_mbps", bytes / 1e6 / ((s.lastStdoutTs() - s.firstStdoutTs()) / 1e3));
        }
        sample(label + ".rss_max_mib", maxRss.get() / 1024.0);
        sample(label + ".cpu_s", (cpu1 - cpu0) / (double) clk);
        if (follower != null) {
            boolean fok = follower.stdoutBytes.get() == s.prefix().length + bytes
                    && HexFormat.of().formatHex(follower.sha.digest()).equals(expectedSha(s.prefix(), cfg("flood_line"), bytes));
            if (!fok) {
                throw new BenchFailure("the SSE follower of run " + t.id() + " received " + follower.stdoutBytes.get() + " stdout bytes with another digest");
            }
            info("follow.verify_sse", "ok: the live follower decoded " + bytes + " stdout bytes with the expected sha256");
            sample("follow.sse_mbps", bytes / 1e6 / ((follower.endNanos - follower.firstStdoutNanos) / 1e9));
            double endMs = t.sendMs() + (follower.endNanos - t.sendNanos()) / 1e6;
            sample("follow.end_lag_ms", endMs - epochMs(tn.get("finished_at")));
        }
    }

    // ---- phase 5: a remote runner ------------------------------------------------------------------------

    /**
     * The echo task through a remote runner ({@code slipway runner}, started by run.sh on the same
     * engine: pipeline {@code remote}, {@code runs_on} its label) against the same task on the
     * server's own executor (pipeline {@code echo}) and raw {@code docker run}, in rotating order;
     * then a task printing {@code runner_flood_bytes} through the runner, read back and compared.
     */
    static void runnerPhase() throws Exception {
        int runs = cfgInt("runner_runs");
        String remote = cfg("remote_task");
        String local = cfg("echo_task");
        progress("runner: " + cfgInt("warmup") + " warm-up and " + runs + " measured echo runs each through a runner, the local executor "
                + "and raw docker run, rotating");
        for (int i = 0; i < cfgInt("warmup"); i++) {
            awaitSuccess(trigger("remote", Map.of()).id(), cfgInt("poll_ms"));
            awaitSuccess(trigger("echo", Map.of()).id(), cfgInt("poll_ms"));
            dockerRun("cibench-" + cfg("suffix") + "-rraw-w" + i, "echo hi", true);
        }
        for (int i = 0; i < runs; i++) {
            double remoteMs = 0, localMs = 0, rawMs = 0;
            for (int k = 0; k < 3; k++) {
                checkDeadline("runner phase");
                switch ((i + k) % 3) {
                    case 0 -> remoteMs = echoThrough("remote", remote, "runner.remote");
                    case 1 -> localMs = echoThrough("echo", local, "runner.local");
                    default -> {
                        Raw r = dockerRun("cibench-" + cfg("suffix") + "-rraw-" + i, "echo hi", true);
                        if (!r.text().equals("hi\n")) {
                            throw new BenchFailure("raw docker run printed " + r.text());
                        }
                        rawMs = r.wallMs();
                        sample("runner.raw_ms", rawMs);
                    }
                }
            }
            sample("runner.pair_ratio", remoteMs / localMs);
            sample("runner.remote_overhead_ms", remoteMs - rawMs);
            sample("runner.local_overhead_ms", localMs - rawMs);
        }
        long bytes = Long.parseLong(cfg("runner_flood_bytes"));
        if (bytes <= 0) {
            return;
        }
        if (bytes % BLOCK != 0) {
            throw new BenchFailure("runner_flood_bytes must be a multiple of " + BLOCK);
        }
        progress("runner: log throughput, " + cfgInt("flood_runs") + " runs printing " + bytes + " bytes through the runner");
        awaitSuccess(trigger("rflood", Map.of("COPIES", Long.toString(Math.max(1, bytes / BLOCK / 10)))).id(), 50); // warm-up
        String expected = expectedSha(new byte[0], cfg("flood_line"), bytes);
        for (int i = 0; i < cfgInt("flood_runs"); i++) {
            floodRun("runner.flood", "rflood", cfg("rflood_task"), bytes, expected, Long.parseLong(cfg("server_pid")), 100, null);
        }
    }

    /** One echo run of {@code pipeline}: its task's duration (API), checked to have printed hi. */
    static double echoThrough(String pipeline, String task, String label) throws Exception {
        Trigger t = trigger(pipeline, Map.of());
        Finished f = awaitSuccess(t.id(), cfgInt("poll_ms"));
        String log = new String(rawLog(t.id(), task), StandardCharsets.UTF_8);
        if (!log.contains("hi\n")) {
            throw new BenchFailure("run " + t.id() + " of " + pipeline + " did not print hi: " + log);
        }
        long ms = f.task(task).get("duration_ms").asLong();
        sample(label + "_task_ms", ms);
        sample(label + "_e2e_ms", f.ms("finished_at") - t.sendMs());
        return ms;
    }
}
