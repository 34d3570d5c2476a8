package dev.slipway.server.runner;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.ci.api.RunnerRoutes;
import dev.slipway.ci.executor.Executor;
import dev.slipway.ci.runner.RunnerPlan;
import dev.slipway.ci.runner.WorkspaceTar;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.stream.Stream;

/**
 * {@code slipway runner}: a process that takes tasks from a Slipway server and runs them on its own
 * executor (the Docker engine of its machine).
 *
 * <p>Each task's output is spooled to {@code <dir>/tasks/<lease>/output} as it arrives and sent to
 * the server from the byte offset the server last confirmed; after any failure (server restarting,
 * network down) the runner resends from the server's length. The end (exit code, size, SHA-256) is
 * kept on disk in {@code done.json} and sent until the server confirms it, across restarts of the
 * runner too. A silent task still gets a heartbeat every few seconds, whose answer carries
 * "cancel" when the task is to stop.
 */
public final class RunnerProcess {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PIECE = 1 << 20;
    private static final Duration HEARTBEAT = Duration.ofSeconds(5);
    private static final Duration RETRY = Duration.ofSeconds(1);

    /** What {@code runner.json} keeps: the server, and the runner's id, name, labels and own token. */
    public record Identity(String server, long id, String name, List<String> labels, int capacity, String token) {}

    private final Identity identity;
    private final Path dir;
    private final Executor executor;
    private final PrintStream out;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private volatile boolean stopping;

    public RunnerProcess(Identity identity, Path dir, Executor executor, PrintStream out) {
        this.identity = identity;
        this.dir = dir;
        this.executor = executor;
        this.out = out;
    }

    /** Registers with a registration token, or reads {@code runner.json} when it was done before. */
    public static Identity registerOrLoad(Path dir, String server, String registrationToken, String name, List<String> labels,
                                          int capacity, boolean local, PrintStream out) throws IOException, InterruptedException {
        Path file = dir.resolve("runner.json");
        if (Files.exists(file)) {
            Identity id = JSON.readValue(file.toFile(), Identity.class);
            out.println("runner " + id.name() + " (id " + id.id() + ", labels " + id.labels() + ") of " + id.server() + ", from " + file);
            return id;
        }
        if (registrationToken == null) {
            throw new IllegalArgumentException("this runner is not registered yet (no " + file + "): give --token REGISTRATION_TOKEN "
                    + "(slipway runners token create prints one)");
        }
        ObjectNode body = JSON.createObjectNode().put("token", registrationToken).put("name", name).put("capacity", capacity)
                .put("local", local);
        labels.forEach(body.putArray("labels")::add);
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(server + "/api/v1/runners/register"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 201) {
            throw new IllegalArgumentException("registration refused (" + r.statusCode() + "): " + message(r.body()));
        }
        JsonNode j = JSON.readTree(r.body());
        List<String> given = new ArrayList<>();
        j.get("labels").forEach(l -> given.add(l.asText()));
        Identity id = new Identity(server, j.get("id").asLong(), j.get("name").asText(), given, j.get("capacity").asInt(), j.get("token").asText());
        Files.createDirectories(dir);
        Path tmp = dir.resolve("runner.json.tmp");
        JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), id);
        try {
            Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException ignored) {
            // not POSIX
        }
        Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        out.println("registered runner " + id.name() + " (id " + id.id() + ", labels " + id.labels() + ") with " + server + "; saved " + file);
        return id;
    }

    private static String message(String body) {
        try {
            JsonNode j = JSON.readTree(body);
            for (String k : List.of("detail", "message", "title")) {
                if (j.hasNonNull(k)) {
                    return j.get(k).asText();
                }
            }
        } catch (IOException ignored) {
            // not JSON
        }
        return body;
    }

    /** Finishes reports left from before a restart, then takes tasks until stopped. */
    public void run() throws InterruptedException {
        Path tasks = dir.resolve("tasks");
        try (Stream<Path> left = Files.isDirectory(tasks) ? Files.list(tasks) : Stream.empty()) {
            for (Path t : left.toList()) {
                Thread.ofVirtual().name("resend-" + t.getFileName()).start(() -> resume(t));
            }
        } catch (IOException e) {
            out.println("cannot read " + tasks + ": " + e.getMessage());
        }
        Semaphore slots = new Semaphore(identity.capacity());
        while (!stopping) {
            slots.acquire();
            RunnerPlan plan;
            try {
                plan = poll();
            } catch (IOException e) {
                slots.release();
                out.println("cannot reach " + identity.server() + ": " + e.getMessage() + "; trying again");
                Thread.sleep(RETRY.toMillis() * 2);
                continue;
            }
            if (plan == null) {
                slots.release();
                continue;
            }
            RunnerPlan p = plan;
            Thread.ofVirtual().name("task-" + plan.lease()).start(() -> {
                try {
                    work(p);
                } finally {
                    slots.release();
                }
            });
        }
    }

    public void stop() {
        stopping = true;
    }

    private RunnerPlan poll() throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(request("/api/v1/runner/poll?wait=30").timeout(Duration.ofSeconds(75))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 204) {
            return null;
        }
        if (r.statusCode() == 401) {
            throw new IllegalStateException("the server does not know this runner any more (removed?): " + message(r.body())
                    + "; delete " + dir.resolve("runner.json") + " and register again");
        }
        if (r.statusCode() != 200) {
            throw new IOException("poll answered " + r.statusCode() + ": " + message(r.body()));
        }
        return RunnerPlan.JSON.readValue(r.body(), RunnerPlan.class);
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(identity.server() + path)).header(RunnerRoutes.TOKEN_HEADER, identity.token());
    }

    /** Runs one task: its workspaces fetched, its output spooled and sent, its end reported until confirmed. */
    private void work(RunnerPlan plan) {
        Path taskDir = dir.resolve("tasks").resolve(Long.toString(plan.lease()));
        Executor.TaskHandle handle = null;
        Sender sender;
        try {
            Files.createDirectories(taskDir);
            JSON.writeValue(taskDir.resolve("lease.json").toFile(), JSON.createObjectNode().put("lease", plan.lease()).put("attempt", plan.attempt()));
            sender = new Sender(plan.lease(), plan.attempt(), taskDir);
        } catch (IOException e) {
            out.println("task " + plan.task() + " of run " + plan.runId() + ": cannot spool: " + e.getMessage());
            return;
        }
        out.println("run " + plan.runId() + " task " + plan.task() + ": started (lease " + plan.lease() + ")");
        Thread sending = Thread.ofVirtual().name("send-" + plan.lease()).start(sender::send);
        ObjectNode done = JSON.createObjectNode();
        try {
            List<Path> workspaces = new ArrayList<>();
            for (int i = 0; i < plan.workspaces(); i++) {
                Path ws = taskDir.resolve("workspace-" + i);
                fetchWorkspace(plan, i, ws);
                workspaces.add(ws);
            }
            handle = executor.start(plan.spec(workspaces), sender.sink());
            Executor.TaskHandle h = handle;
            sender.onCancel(() -> executor.stop(h));
            Executor.Exit exit = executor.await(handle, plan.spec(workspaces).timeout());
            done.put("exit_code", exit.code()).put("timed_out", exit.timedOut()).put("stopped", exit.stopped());
        } catch (Executor.ExecutorException | IOException | RuntimeException e) {
            sender.line("[runner " + identity.name() + "] error: " + e.getMessage());
            done.put("exit_code", -1).put("error", e.getMessage());
        }
        try {
            sender.finish(done); // sent while the container is removed: its removal is not the task's time
        } catch (IOException e) {
            out.println("lease " + plan.lease() + ": " + e.getMessage());
        } finally {
            if (handle != null) {
                executor.remove(handle);
            }
        }
        try {
            sending.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        out.println("run " + plan.runId() + " task " + plan.task() + ": ended with exit code " + done.get("exit_code").asInt());
    }

    private void fetchWorkspace(RunnerPlan plan, int index, Path into) throws IOException {
        try {
            HttpResponse<InputStream> r = http.send(request("/api/v1/runner/leases/" + plan.lease() + "/workspace/" + index + "?attempt="
                    + URLEncoder.encode(plan.attempt(), StandardCharsets.UTF_8)).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = r.body()) {
                if (r.statusCode() != 200) {
                    throw new IOException("the server did not give workspace " + index + " (" + r.statusCode() + "): "
                            + message(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
                }
                WorkspaceTar.extract(in, into);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while fetching the workspace", e);
        }
    }

    /** A task directory left by an earlier process: its end is sent if it was recorded, else the task is reported lost. */
    private void resume(Path taskDir) {
        try {
            JsonNode lease = JSON.readTree(taskDir.resolve("lease.json").toFile());
            Sender sender = new Sender(lease.get("lease").asLong(), lease.get("attempt").asText(), taskDir);
            Path doneFile = taskDir.resolve("done.json");
            ObjectNode done = Files.exists(doneFile) ? (ObjectNode) JSON.readTree(doneFile.toFile())
                    : JSON.createObjectNode().put("exit_code", -1).put("error", "the runner " + identity.name() + " restarted while the task ran");
            out.println("lease " + lease.get("lease").asLong() + ": sending what a previous runner process left");
            Thread sending = Thread.ofVirtual().start(sender::send);
            sender.finish(done);
            sending.join();
        } catch (IOException | InterruptedException | RuntimeException e) {
            out.println("cannot resume " + taskDir + ": " + e.getMessage());
        }
    }

    /** Sends a task's spool to the server from the server's length, and its end; gives up only when the lease is stale. */
    private final class Sender {
        private final long lease;
        private final String attempt;
        private final Path taskDir;
        private final Path spool;
        private final RandomAccessFile file;
        private final Object changed = new Object();
        private long acked;
        private volatile ObjectNode done;
        private volatile Runnable cancel = () -> {};
        private volatile boolean cancelled;

        Sender(long lease, String attempt, Path taskDir) throws IOException {
            this.lease = lease;
            this.attempt = attempt;
            this.taskDir = taskDir;
            this.spool = taskDir.resolve("output");
            this.file = new RandomAccessFile(spool.toFile(), "rw");
            file.seek(file.length());
        }

        Executor.OutputSink sink() {
            return new Executor.OutputSink() {
                @Override
                public void stdout(byte[] b, int off, int len) {
                    write(b, off, len);
                }

                @Override
                public void stderr(byte[] b, int off, int len) {
                    write(b, off, len);
                }
            };
        }

        void line(String text) {
            byte[] b = (text + "\n").getBytes(StandardCharsets.UTF_8);
            write(b, 0, b.length);
        }

        private void write(byte[] b, int off, int len) {
            synchronized (changed) {
                try {
                    file.seek(file.length());
                    file.write(b, off, len);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                changed.notifyAll();
            }
        }

        void onCancel(Runnable r) {
            cancel = r;
            if (cancelled) {
                r.run();
            }
        }

        /** Records the end on disk (so a restarted runner sends it too) and lets the sending loop report it. */
        void finish(ObjectNode end) throws IOException {
            Path tmp = taskDir.resolve("done.json.tmp");
            JSON.writeValue(tmp.toFile(), end);
            Files.move(tmp, taskDir.resolve("done.json"), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            synchronized (changed) {
                done = end;
                changed.notifyAll();
            }
        }

        void send() {
            long lastWord = 0;
            while (true) {
                try {
                    long size;
                    synchronized (changed) {
                        size = file.length();
                        if (size == acked && done == null && System.nanoTime() - lastWord < HEARTBEAT.toNanos()) {
                            changed.wait(500);
                            continue;
                        }
                    }
                    if (size > acked || done == null) {
                        int n = (int) Math.min(PIECE, size - acked);
                        byte[] piece = new byte[n];
                        synchronized (changed) {
                            file.seek(acked);
                            file.readFully(piece);
                        }
                        JsonNode a = post("/log?attempt=" + URLEncoder.encode(attempt, StandardCharsets.UTF_8) + "&offset=" + acked,
                                HttpRequest.BodyPublishers.ofByteArray(piece), "application/octet-stream");
                        lastWord = System.nanoTime();
                        if (a == null) {
                            return; // stale
                        }
                        continue;
                    }
                    ObjectNode end = done.deepCopy();
                    end.put("attempt", attempt).put("size", size).put("sha256", sha256());
                    JsonNode a = post("/done", HttpRequest.BodyPublishers.ofString(end.toString()), "application/json");
                    if (a == null || a.path("status").asInt() == 200) {
                        file.close();
                        deleteTree(taskDir);
                        return;
                    }
                } catch (InterruptedException e) {
                    return;
                } catch (IOException e) {
                    sleep();
                }
            }
        }

        /** One update; its answer (with {@code status}), or null when the lease is not this runner's any more. */
        private JsonNode post(String path, HttpRequest.BodyPublisher body, String type) throws IOException, InterruptedException {
            HttpResponse<String> r;
            try {
                r = http.send(request("/api/v1/runner/leases/" + lease + path).timeout(Duration.ofSeconds(30)).header("Content-Type", type)
                        .POST(body).build(), HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                sleep();
                return JSON.createObjectNode().put("status", 0);
            }
            ObjectNode a;
            try {
                a = (ObjectNode) JSON.readTree(r.body());
            } catch (IOException | ClassCastException e) {
                a = JSON.createObjectNode();
            }
            a.put("status", r.statusCode());
            switch (r.statusCode()) {
                case 200, 416 -> acked = a.path("length").asLong(acked);
                case 409, 404 -> {
                    out.println("lease " + lease + ": " + a.path("message").asText("stale") + "; stopping the task");
                    cancelled = true;
                    cancel.run();
                    file.close();
                    deleteTree(taskDir);
                    return null;
                }
                default -> sleep(); // 503 while the server resumes the run, 5xx, a proxy's error page
            }
            if (a.path("cancel").asBoolean(false) && !cancelled) {
                cancelled = true;
                out.println("lease " + lease + ": the server says cancel; stopping the task");
                cancel.run();
            }
            return a;
        }

        private String sha256() throws IOException {
            try (InputStream in = Files.newInputStream(spool)) {
                MessageDigest md = MessageDigest.getInstance("SHA-256");
                byte[] buf = new byte[65536];
                int n;
                while ((n = in.read(buf)) > 0) {
                    md.update(buf, 0, n);
                }
                return HexFormat.of().formatHex(md.digest());
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        private void sleep() {
            try {
                Thread.sleep(RETRY.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void deleteTree(Path p) {
        try (Stream<Path> s = Files.walk(p)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(x -> x.toFile().delete());
        } catch (IOException ignored) {
            // best effort: a leftover directory is resent and then removed on the next start
        }
    }
}
