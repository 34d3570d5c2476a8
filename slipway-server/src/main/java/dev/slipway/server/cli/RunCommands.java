package dev.slipway.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.ci.scheduler.CiStore;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpResponse;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * CI runs through a server's API, from any machine: trigger, list, show, logs, cancel, retry. Unlike
 * the state commands these talk HTTP to a running server with a token (seed 001's "the build job
 * triggers the deploy").
 */
public final class RunCommands {
    private RunCommands() {}

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    @Command(name = "run", mixinStandardHelpOptions = true,
            description = {"CI runs on a running server, through its API: trigger, list, show, logs, cancel, retry, artifacts.",
                    "They need the server's URL (--server or SLIPWAY_SERVER) and a token with the repository scopes "
                            + "(--token or SLIPWAY_TOKEN; write:repository to trigger, cancel and retry, read:repository to read)."},
            subcommands = {Trigger.class, ListRuns.class, Show.class, Logs.class, Cancel.class, Retry.class, Artifacts.class})
    public static final class Run {}

    /** Where the server is and how to authenticate; options win over the environment. */
    static final class Remote {
        @Option(names = "--server", paramLabel = "URL", description = "The server (default: $SLIPWAY_SERVER, else http://127.0.0.1:8080).")
        String server;
        @Option(names = "--token", paramLabel = "TOKEN", description = "A personal access token (default: $SLIPWAY_TOKEN).")
        String token;

        private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(CONNECT_TIMEOUT).build();

        String base() {
            String s = server != null ? server : System.getenv().getOrDefault("SLIPWAY_SERVER", "http://127.0.0.1:8080");
            return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
        }

        HttpRequest.Builder request(String path) {
            String t = token != null ? token : System.getenv("SLIPWAY_TOKEN");
            if (t == null || t.isBlank()) {
                throw new IllegalArgumentException("no token: pass --token or set SLIPWAY_TOKEN (slipway token create ... --scopes write:repository)");
            }
            URI uri;
            try {
                uri = URI.create(base() + path);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--server must be a URL such as http://127.0.0.1:8080, got '" + base() + "'");
            }
            return HttpRequest.newBuilder(uri).header("Authorization", "token " + t);
        }

        /** The answer's JSON; a non-2xx answer becomes the error message the server gave. */
        JsonNode send(HttpRequest.Builder b) throws IOException, InterruptedException {
            HttpResponse<String> r = exchange(b, HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() / 100 != 2) {
                throw refused(r.statusCode(), r.body());
            }
            return r.body().isEmpty() ? JSON.nullNode() : JSON.readTree(r.body());
        }

        /** A streamed answer (a log); a non-2xx answer becomes the error message the server gave. */
        InputStream stream(HttpRequest.Builder b) throws IOException, InterruptedException {
            HttpResponse<InputStream> r = exchange(b, HttpResponse.BodyHandlers.ofInputStream());
            if (r.statusCode() / 100 != 2) {
                try (InputStream in = r.body()) {
                    throw refused(r.statusCode(), new String(in.readAllBytes(), StandardCharsets.UTF_8));
                }
            }
            return r.body();
        }

        private <T> HttpResponse<T> exchange(HttpRequest.Builder b, HttpResponse.BodyHandler<T> handler) throws InterruptedException {
            try {
                return http.send(b.build(), handler);
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot reach the server at " + base() + ": " + unreachable(e));
            }
        }

        /** Why a request got no answer, in words: connection refused, unknown host, timeout. */
        private String unreachable(IOException e) {
            String host = URI.create(base()).getHost();
            for (Throwable c = e; c != null; c = c.getCause()) {
                if (c instanceof HttpConnectTimeoutException) {
                    return "no connection within " + CONNECT_TIMEOUT.toSeconds() + " s (a firewall, or the wrong host?)";
                }
                if (c instanceof UnresolvedAddressException || c instanceof UnknownHostException) {
                    return "unknown host '" + host + "'";
                }
            }
            for (Throwable c = e; c != null; c = c.getCause()) {
                // Java's ConnectException is a refused connection unless its message says otherwise (the HttpClient's has none).
                if (c instanceof ConnectException && (c.getMessage() == null || c.getMessage().toLowerCase(Locale.ROOT).contains("refused"))) {
                    return "connection refused (is the server running, and is this its address? see --server or SLIPWAY_SERVER)";
                }
            }
            for (Throwable c = e; c != null; c = c.getCause()) {
                if (c.getMessage() != null && !c.getMessage().isBlank()) {
                    return c.getMessage();
                }
            }
            return e.getClass().getSimpleName();
        }
    }

    /** The message of a refused request: the server's own words from its JSON error body, and the status. */
    static IllegalArgumentException refused(int status, String body) {
        String message = body.isBlank() ? "no details" : body.strip();
        try {
            JsonNode error = JSON.readTree(body);
            JsonNode m = error.path("message").isTextual() ? error.path("message") : error.path("errors").path(0).path("message");
            if (m.isTextual()) {
                message = m.asText();
            }
        } catch (IOException notJson) {
            // the body as it is
        }
        return new IllegalArgumentException(message + " (HTTP " + status + ")");
    }

    /** Waits (long polls) until the run has finished; returns it. */
    static JsonNode await(Remote remote, long id) throws IOException, InterruptedException {
        JsonNode run = remote.send(remote.request("/api/v1/runs/" + id + "?wait=600").GET());
        while (!CiStore.isFinished(run.path("status").asText())) {
            run = remote.send(remote.request("/api/v1/runs/" + id + "?wait=600").GET());
        }
        return run;
    }

    /** One line for the run, one per task; exit 0 for success. */
    static int print(JsonNode run) {
        System.out.println("run " + run.path("id").asLong() + " of " + run.path("repository").asText() + " (" + run.path("pipeline").asText()
                + " at " + run.path("ref").asText() + "): " + run.path("status").asText()
                + (run.path("status_message").isTextual() ? " - " + run.path("status_message").asText() : ""));
        for (JsonNode t : run.path("tasks")) {
            System.out.println("  " + t.path("name").asText() + "  " + t.path("status").asText()
                    + (t.path("exit_code").isNumber() ? "  exit " + t.path("exit_code").asInt() : "")
                    + (t.path("duration_ms").isNumber() ? "  " + t.path("duration_ms").asLong() + " ms" : ""));
        }
        return "success".equals(run.path("status").asText()) ? 0 : 1;
    }

    /** One run per line: id, status, pipeline, ref, commit, created. */
    static void printLine(JsonNode run) {
        System.out.println(run.path("id").asLong() + "\t" + run.path("status").asText() + "\t" + run.path("pipeline").asText() + "\t"
                + run.path("ref").asText() + "\t" + shortCommit(run.path("commit").asText()) + "\t" + run.path("created_at").asText()
                + (run.path("duration_ms").isNumber() ? "\t" + run.path("duration_ms").asLong() + " ms" : ""));
    }

    private static String shortCommit(String commit) {
        return commit.length() > 12 ? commit.substring(0, 12) : commit;
    }

    @Command(name = "trigger", mixinStandardHelpOptions = true,
            description = {"Start a run of OWNER/NAME and print its id.",
                    "With --wait, wait for it to finish, print how each task ended and exit 0 only if the run succeeded."})
    static final class Trigger implements Callable<Integer> {
        @Mixin
        Remote remote;
        @Parameters(paramLabel = "OWNER/NAME", description = "The registered repository.")
        String repository;
        @Option(names = "--ref", paramLabel = "REF", description = "Branch, tag or commit (default: the repository's default branch).")
        String ref;
        @Option(names = "--pipeline", paramLabel = "NAME", description = "Which .slipway/ pipeline (needed when there are several).")
        String pipeline;
        @Option(names = "--var", paramLabel = "K=V", description = "A declared variable (repeatable).")
        Map<String, String> vars = new LinkedHashMap<>();
        @Option(names = "--wait", description = "Wait until the run has finished; exit 0 only if it succeeded.")
        boolean await;

        @Override
        public Integer call() throws Exception {
            String[] on = CiCommands.ownerAndName(repository);
            ObjectNode body = JSON.createObjectNode();
            if (ref != null) {
                body.put("ref", ref);
            }
            if (pipeline != null) {
                body.put("pipeline", pipeline);
            }
            vars.forEach(body.putObject("variables")::put);
            JsonNode run = remote.send(remote.request("/api/v1/repos/" + on[0] + "/" + on[1] + "/runs")
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.toString())));
            long id = run.path("id").asLong();
            System.out.println("run " + id + " " + run.path("status").asText() + ": " + remote.base() + "/api/v1/runs/" + id);
            return await ? print(RunCommands.await(remote, id)) : 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = {"List the runs of OWNER/NAME, newest first.",
                    "One line per run, separated by tabs: id, status, pipeline, ref, commit, created at and, once finished, how long it took."})
    static final class ListRuns implements Callable<Integer> {
        @Mixin
        Remote remote;
        @Parameters(paramLabel = "OWNER/NAME", description = "The registered repository.")
        String repository;
        @Option(names = "--limit", paramLabel = "N", defaultValue = "20", description = "At most this many runs (1 to 500). Default: ${DEFAULT-VALUE}.")
        int limit;

        @Override
        public Integer call() throws Exception {
            String[] on = CiCommands.ownerAndName(repository);
            JsonNode runs = remote.send(remote.request("/api/v1/repos/" + on[0] + "/" + on[1] + "/runs?limit=" + limit).GET());
            if (runs.isEmpty()) {
                System.err.println("no runs of " + repository);
            }
            runs.forEach(RunCommands::printLine);
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show a run and its tasks; --wait waits until it has finished.")
    static final class Show implements Callable<Integer> {
        @Mixin
        Remote remote;
        @Parameters(paramLabel = "ID", description = "The run's id.")
        long id;
        @Option(names = "--wait", description = "Wait until the run has finished; exit 0 only if it succeeded.")
        boolean await;

        @Override
        public Integer call() throws Exception {
            JsonNode run = await ? RunCommands.await(remote, id) : remote.send(remote.request("/api/v1/runs/" + id).GET());
            int code = print(run);
            return await ? code : 0;
        }
    }

    @Command(name = "cancel", mixinStandardHelpOptions = true,
            description = {"Cancel a run: a queued run at once, a running one by stopping its tasks.",
                    "With --wait, wait until it has stopped and print how each task ended."})
    static final class Cancel implements Callable<Integer> {
        @Mixin
        Remote remote;
        @Parameters(paramLabel = "ID", description = "The run's id.")
        long id;
        @Option(names = "--wait", description = "Wait until the run has stopped.")
        boolean await;

        @Override
        public Integer call() throws Exception {
            JsonNode run = remote.send(remote.request("/api/v1/runs/" + id + "/cancel").POST(HttpRequest.BodyPublishers.noBody()));
            System.out.println("Cancelled run " + id + (CiStore.isFinished(run.path("status").asText()) ? "" : "; its tasks are being stopped"));
            if (await) {
                print(RunCommands.await(remote, id));
            }
            return 0;
        }
    }

    @Command(name = "retry", mixinStandardHelpOptions = true,
            description = {"Run a task that did not succeed again, with every task that depends on it; without TASK, every "
                    + "failed, errored or cancelled task of the run (GitHub's \"re-run failed jobs\"), or with --all every task.",
                    "The run keeps its worktrees and the outputs of the tasks that succeeded. "
                            + "With --wait, wait for the run to finish and exit 0 only if it succeeded."})
    static final class Retry implements Callable<Integer> {
        @Mixin
        Remote remote;
        @Parameters(index = "0", paramLabel = "ID", description = "The run's id.")
        long id;
        @Parameters(index = "1", arity = "0..1", paramLabel = "TASK", description = "The task to run again (a matrix job's task is "
                + "named with its values: build-worker-a).")
        String task;
        @Option(names = "--all", description = "Run every task of the run again (without TASK).")
        boolean all;
        @Option(names = "--wait", description = "Wait until the run has finished; exit 0 only if it succeeded.")
        boolean await;

        @Override
        public Integer call() throws Exception {
            if (task != null && all) {
                System.err.println("error: give a TASK or --all, not both");
                return 2;
            }
            String path = task != null
                    ? "/api/v1/runs/" + id + "/tasks/" + java.net.URLEncoder.encode(task, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20") + "/retry"
                    : "/api/v1/runs/" + id + "/retry" + (all ? "?all=true" : "");
            JsonNode run = remote.send(remote.request(path).POST(HttpRequest.BodyPublishers.noBody()));
            System.out.println("run " + id + " " + run.path("status").asText() + ": retrying "
                    + (task != null ? task : all ? "every task" : "the failed tasks"));
            return await ? print(RunCommands.await(remote, id)) : 0;
        }
    }

    @Command(name = "artifacts", mixinStandardHelpOptions = true,
            description = {"List the artifacts a run's jobs uploaded (actions/upload-artifact), or download one into a directory, "
                    + "as 'gh run download' does.",
                    "Without NAME: one artifact per line (name, bytes, files). With NAME: its files are written under DIR "
                            + "(default: ./NAME), which is created; existing files are overwritten."})
    static final class Artifacts implements Callable<Integer> {
        @Mixin
        Remote remote;
        @Parameters(index = "0", paramLabel = "ID", description = "The run's id.")
        long id;
        @Parameters(index = "1", arity = "0..1", paramLabel = "NAME", description = "The artifact to download.")
        String name;
        @Option(names = {"-o", "--output"}, paramLabel = "DIR", description = "Where to write the artifact's files (default: ./NAME).")
        java.nio.file.Path output;

        @Override
        public Integer call() throws Exception {
            if (name == null) {
                JsonNode list = remote.send(remote.request("/api/v1/runs/" + id + "/artifacts").GET());
                if (list.path("total_count").asInt() == 0) {
                    System.out.println("run " + id + " has no artifacts");
                }
                for (JsonNode a : list.path("artifacts")) {
                    System.out.println(a.path("name").asText() + "\t" + a.path("size_in_bytes").asLong() + " bytes\t" + a.path("files").asInt() + " files");
                }
                return 0;
            }
            java.nio.file.Path dir = (output != null ? output : java.nio.file.Path.of(name)).toAbsolutePath().normalize();
            java.nio.file.Files.createDirectories(dir);
            int files = 0;
            String path = "/api/v1/runs/" + id + "/artifacts/" + java.net.URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
            try (InputStream in = remote.stream(remote.request(path).GET()); var zip = new java.util.zip.ZipInputStream(in)) {
                for (var e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                    java.nio.file.Path target = dir.resolve(e.getName()).normalize();
                    if (!target.startsWith(dir) || e.isDirectory()) {
                        continue; // never outside DIR
                    }
                    java.nio.file.Files.createDirectories(target.getParent());
                    java.nio.file.Files.copy(zip, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                    files++;
                }
            }
            System.out.println("artifact '" + name + "' of run " + id + ": " + files + " file" + (files == 1 ? "" : "s") + " in " + dir);
            return 0;
        }
    }

    @Command(name = "logs", mixinStandardHelpOptions = true,
            description = {"Print a task's log, or the logs of all tasks of the run.",
                    "A task's log is printed byte for byte; without TASK, every line is prefixed with [task], as 'slipway exec' "
                            + "prints them. --follow streams live until the task (or the whole run) has ended, from the first byte, also "
                            + "while it waits to start, and then exits 0 only if the task (or the run) succeeded."})
    static final class Logs implements Callable<Integer> {
        @Mixin
        Remote remote;
        @Parameters(index = "0", paramLabel = "ID", description = "The run's id.")
        long id;
        @Parameters(index = "1", arity = "0..1", paramLabel = "TASK", description = "The task (default: every task of the run).")
        String task;
        @Option(names = {"-f", "--follow"}, description = "Stream the log until the task (or the run) has ended.")
        boolean follow;

        @Override
        public Integer call() throws Exception {
            if (task == null) {
                return follow ? followAll() : printAll();
            }
            if (!follow) {
                try (InputStream in = remote.stream(remote.request(logPath(task)).GET())) {
                    in.transferTo(System.out);
                }
                System.out.flush();
                return 0;
            }
            JsonNode end = follow(task, (stream, b, off, len) -> {
                System.out.write(b, off, len);
                System.out.flush();
            });
            return end.path("exit_code").isInt() && end.path("exit_code").asInt() == 0 ? 0 : 1;
        }

        private String logPath(String name) {
            return "/api/v1/runs/" + id + "/tasks/" + name + "/log";
        }

        /**
         * Every task's log so far, one task after the other, in the run's order: a task that has
         * ended from its stream (which tells stdout from stderr, so their lines stay apart), one
         * that runs from its stored bytes up to now.
         */
        private int printAll() throws Exception {
            TaskLines lines = new TaskLines(System.out);
            for (JsonNode t : remote.send(remote.request("/api/v1/runs/" + id).GET()).path("tasks")) {
                String name = t.path("name").asText();
                String status = t.path("status").asText();
                if (status.equals("pending")) {
                    continue;
                }
                if (!t.path("started_at").isTextual()) { // skipped or cancelled before it started: no log
                    lines.finished(name, status, null);
                    continue;
                }
                if (status.equals("running")) {
                    try (InputStream in = remote.stream(remote.request(logPath(name)).GET())) {
                        byte[] buffer = new byte[8192];
                        for (int n; (n = in.read(buffer)) > 0; ) {
                            lines.write(name, "out", buffer, 0, n);
                        }
                    }
                    lines.end(name);
                    continue;
                }
                follow(name, (stream, b, off, len) -> lines.write(name, stream, b, off, len));
                lines.finished(name, status, t.path("exit_code").isInt() ? t.path("exit_code").asInt() : null);
            }
            return 0;
        }

        /** Every task's live log at once, prefixed; then the run's outcome. */
        private int followAll() throws Exception {
            TaskLines lines = new TaskLines(System.out);
            List<Thread> followers = new ArrayList<>();
            List<Exception> failures = java.util.Collections.synchronizedList(new ArrayList<>());
            for (JsonNode t : remote.send(remote.request("/api/v1/runs/" + id).GET()).path("tasks")) {
                String name = t.path("name").asText();
                followers.add(Thread.ofVirtual().name("follow-" + name).start(() -> {
                    try {
                        JsonNode end = follow(name, (stream, b, off, len) -> lines.write(name, stream, b, off, len));
                        Integer exit = end.path("exit_code").isInt() ? end.path("exit_code").asInt() : null;
                        lines.finished(name, end.path("status").isTextual() ? end.path("status").asText()
                                : exit != null && exit == 0 ? "success" : "failure", exit);
                    } catch (Exception e) {
                        failures.add(e);
                    }
                }));
            }
            for (Thread t : followers) {
                t.join();
            }
            if (!failures.isEmpty()) {
                throw failures.getFirst();
            }
            JsonNode run = RunCommands.await(remote, id);
            System.err.println("[slipway] run " + id + ": " + run.path("status").asText()
                    + (run.path("status_message").isTextual() ? " - " + run.path("status_message").asText() : ""));
            return "success".equals(run.path("status").asText()) ? 0 : 1;
        }

        /** Where a log's chunks go, with the stream each came on (stdout, stderr, system). */
        interface Chunks {
            void write(String stream, byte[] b, int off, int len);
        }

        /** Reads a task's log stream (Server-Sent Events: base64 chunks, then an end event) into {@code out}; returns the end event. */
        private JsonNode follow(String name, Chunks out) throws Exception {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(remote.stream(remote.request(logPath(name) + "/stream").GET()),
                    StandardCharsets.UTF_8))) {
                String event = null;
                for (String line; (line = in.readLine()) != null; ) {
                    if (line.startsWith("event: ")) {
                        event = line.substring(7);
                    } else if (line.startsWith("data: ") && "chunk".equals(event)) {
                        JsonNode chunk = JSON.readTree(line.substring(6));
                        byte[] b = Base64.getDecoder().decode(chunk.path("data_base64").asText());
                        out.write(chunk.path("stream").asText("stdout"), b, 0, b.length);
                    } else if (line.startsWith("data: ") && "end".equals(event)) {
                        return JSON.readTree(line.substring(6));
                    }
                }
            }
            throw new IllegalArgumentException("the server at " + remote.base() + " ended the log of task '" + name + "' without its end");
        }
    }
}
