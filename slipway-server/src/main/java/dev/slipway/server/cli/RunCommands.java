package dev.slipway.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * CI runs through a server's API, from any machine: trigger, show, logs. Unlike the state commands
 * these talk HTTP to a running server with a token (seed 001's "the build job triggers the deploy").
 */
public final class RunCommands {
    private RunCommands() {}

    private static final ObjectMapper JSON = new ObjectMapper();

    @Command(name = "run", mixinStandardHelpOptions = true,
            description = {"CI runs on a running server, through its API: trigger, show, logs.",
                    "They need the server's URL (--server or SLIPWAY_SERVER) and a token with the repository scopes",
                    "(--token or SLIPWAY_TOKEN; write:repository to trigger, read:repository to read)."},
            subcommands = {Trigger.class, Show.class, Logs.class})
    public static final class Run {}

    /** Where the server is and how to authenticate; options win over the environment. */
    static final class Remote {
        @Option(names = "--server", paramLabel = "URL", description = "The server (default: $SLIPWAY_SERVER, else http://127.0.0.1:8080)")
        String server;
        @Option(names = "--token", paramLabel = "TOKEN", description = "A personal access token (default: $SLIPWAY_TOKEN)")
        String token;

        private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

        String base() {
            String s = server != null ? server : System.getenv().getOrDefault("SLIPWAY_SERVER", "http://127.0.0.1:8080");
            return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
        }

        HttpRequest.Builder request(String path) {
            String t = token != null ? token : System.getenv("SLIPWAY_TOKEN");
            if (t == null || t.isBlank()) {
                throw new IllegalArgumentException("no token: pass --token or set SLIPWAY_TOKEN (slipway token create ... --scopes write:repository)");
            }
            return HttpRequest.newBuilder(URI.create(base() + path)).header("Authorization", "token " + t);
        }

        /** The answer's JSON; a non-2xx answer becomes the error message the server gave. */
        JsonNode send(HttpRequest.Builder b) throws IOException, InterruptedException {
            HttpResponse<String> r;
            try {
                r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            } catch (java.net.ConnectException e) {
                throw new IllegalArgumentException("cannot reach the server at " + base() + " (" + e.getMessage() + ")");
            }
            if (r.statusCode() / 100 != 2) {
                String message = r.body();
                try {
                    JsonNode error = JSON.readTree(r.body());
                    message = error.path("message").asText(error.path("errors").path(0).path("detail").asText(r.body()));
                } catch (IOException notJson) {
                    // the body as it is
                }
                throw new IllegalArgumentException(r.statusCode() + ": " + message);
            }
            return r.body().isEmpty() ? JSON.nullNode() : JSON.readTree(r.body());
        }

        HttpResponse<InputStream> stream(HttpRequest.Builder b) throws IOException, InterruptedException {
            return http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
        }
    }

    /** Waits (long polls) until the run has finished; returns it. */
    static JsonNode await(Remote remote, long id) throws IOException, InterruptedException {
        JsonNode run = remote.send(remote.request("/api/v1/runs/" + id + "?wait=600").GET());
        while (!dev.slipway.ci.scheduler.CiStore.isFinished(run.path("status").asText())) {
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

    @Command(name = "trigger", mixinStandardHelpOptions = true,
            description = {"Start a run of OWNER/NAME. Prints the run's id; with --wait, waits for it to finish,",
                    "prints how each task ended and exits 0 only if the run succeeded."})
    static final class Trigger implements Callable<Integer> {
        @Mixin
        Remote remote;
        @Parameters(paramLabel = "OWNER/NAME")
        String repository;
        @Option(names = "--ref", description = "Branch, tag or commit (default: the repository's default branch)")
        String ref;
        @Option(names = "--pipeline", paramLabel = "NAME", description = "Which .slipway/ pipeline (needed when there are several)")
        String pipeline;
        @Option(names = "--var", paramLabel = "K=V", description = "A declared variable (repeatable)")
        Map<String, String> vars = new LinkedHashMap<>();
        @Option(names = "--wait", description = "Wait until the run has finished; exit 0 only if it succeeded")
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

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show a run and its tasks; --wait waits until it has finished.")
    static final class Show implements Callable<Integer> {
        @Mixin
        Remote remote;
        @Parameters(paramLabel = "ID")
        long id;
        @Option(names = "--wait", description = "Wait until the run has finished; exit 0 only if it succeeded")
        boolean await;

        @Override
        public Integer call() throws Exception {
            JsonNode run = await ? RunCommands.await(remote, id) : remote.send(remote.request("/api/v1/runs/" + id).GET());
            int code = print(run);
            return await ? code : 0;
        }
    }

    @Command(name = "logs", mixinStandardHelpOptions = true,
            description = {"Print a task's log byte for byte; --follow streams it live until the task ends",
                    "(from the first byte, also when the task is still waiting to start)."})
    static final class Logs implements Callable<Integer> {
        @Mixin
        Remote remote;
        @Parameters(index = "0", paramLabel = "ID")
        long id;
        @Parameters(index = "1", paramLabel = "TASK")
        String task;
        @Option(names = {"-f", "--follow"}, description = "Stream the log until the task ends")
        boolean follow;

        @Override
        public Integer call() throws Exception {
            String path = "/api/v1/runs/" + id + "/tasks/" + task + "/log";
            HttpResponse<InputStream> r = remote.stream(remote.request(follow ? path + "/stream" : path).GET());
            if (r.statusCode() != 200) {
                String body = new String(r.body().readAllBytes(), StandardCharsets.UTF_8);
                throw new IllegalArgumentException(r.statusCode() + ": " + body);
            }
            if (!follow) {
                try (InputStream in = r.body()) {
                    in.transferTo(System.out);
                }
                System.out.flush();
                return 0;
            }
            // Server-Sent Events: chunks carry the bytes in base64; the end event carries the exit code.
            String event = null;
            try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    if (line.startsWith("event: ")) {
                        event = line.substring(7);
                    } else if (line.startsWith("data: ") && "chunk".equals(event)) {
                        System.out.write(Base64.getDecoder().decode(JSON.readTree(line.substring(6)).path("data_base64").asText()));
                        System.out.flush();
                    } else if (line.startsWith("data: ") && "end".equals(event)) {
                        JsonNode end = JSON.readTree(line.substring(6));
                        return end.path("exit_code").isInt() && end.path("exit_code").asInt() == 0 ? 0 : 1;
                    }
                }
            }
            return 1;
        }
    }
}
