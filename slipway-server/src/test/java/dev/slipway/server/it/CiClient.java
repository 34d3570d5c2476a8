package dev.slipway.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/** The CI API as tests use it: register a repository of {@code owner}, trigger, wait, read logs. */
public record CiClient(Http http, String owner) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public void register(String name, Path repo) {
        HttpResponse<String> r = registration(name, repo.toUri().toString(), Map.of());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    }

    /** {@code POST /api/v1/repos} with branch main and {@code fields} (such as key or credentials); returns the answer. */
    public HttpResponse<String> registration(String name, String cloneUrl, Map<String, String> fields) {
        var body = JSON.createObjectNode().put("owner", owner).put("name", name).put("clone_url", cloneUrl).put("default_branch", "main");
        fields.forEach(body::put);
        return http.postJson("/api/v1/repos", body.toString());
    }

    /** Triggers without checking the answer: for triggers that must be refused. */
    public HttpResponse<String> tryTrigger(String repo, String body) {
        return http.postJson("/api/v1/repos/" + owner + "/" + repo + "/runs", body);
    }

    /** Triggers and returns the 201 body (the run as queued). */
    public JsonNode trigger(String repo, String body) throws Exception {
        HttpResponse<String> r = tryTrigger(repo, body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        JsonNode run = JSON.readTree(r.body());
        assertThat(run.get("status").asText()).isIn("queued", "running");
        return run;
    }

    /** Triggers and waits for the run to finish. */
    public JsonNode run(String repo, String body) throws Exception {
        return await(trigger(repo, body).get("id").asLong());
    }

    public JsonNode await(long id) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (System.nanoTime() < deadline) {
            // The long poll answers as soon as the run has finished (or after 30 s).
            HttpResponse<String> r = http.get("/api/v1/runs/" + id + "?wait=30");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            JsonNode run = JSON.readTree(r.body());
            String s = run.get("status").asText();
            if (!s.equals("queued") && !s.equals("running")) {
                return run;
            }
        }
        throw new AssertionError("run " + id + " did not finish");
    }

    /** The newest runs of a repository (GET /api/v1/repos/{owner}/{name}/runs). */
    public List<JsonNode> runs(String repo) throws Exception {
        HttpResponse<String> r = http.get("/api/v1/repos/" + owner + "/" + repo + "/runs");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        List<JsonNode> runs = new ArrayList<>();
        JSON.readTree(r.body()).forEach(runs::add);
        return runs;
    }

    /** The runs once {@code enough} holds for them (they are started by webhooks, polls or schedules): at most a minute. */
    public List<JsonNode> awaitRuns(String repo, Predicate<List<JsonNode>> enough) throws Exception {
        return eventually(() -> runs(repo), enough, "the runs of " + repo);
    }

    /** The registration (GET /api/v1/repos/{owner}/{name}). */
    public JsonNode repository(String repo) throws Exception {
        HttpResponse<String> r = http.get("/api/v1/repos/" + owner + "/" + repo);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    /** The registration once {@code until} holds for it (its poll status changes in the background): at most a minute. */
    public JsonNode awaitRepository(String repo, Predicate<JsonNode> until) throws Exception {
        return eventually(() -> repository(repo), until, repo);
    }

    private interface Read<T> {
        T get() throws Exception;
    }

    private static <T> T eventually(Read<T> read, Predicate<T> until, String what) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        T value = read.get();
        while (!until.test(value)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + " did not get there within 60 s: " + value);
            }
            Thread.sleep(200);
            value = read.get();
        }
        return value;
    }

    public static Map<String, JsonNode> tasks(JsonNode run) {
        Map<String, JsonNode> m = new HashMap<>();
        run.get("tasks").forEach(t -> m.put(t.get("name").asText(), t));
        return m;
    }

    public byte[] rawLog(long run, String task) {
        return http.sendBytes(http.request("/api/v1/runs/" + run + "/tasks/"
                + java.net.URLEncoder.encode(task, StandardCharsets.UTF_8).replace("+", "%20") + "/log").GET()).body();
    }

    public String log(JsonNode run, String task) {
        return new String(rawLog(run.get("id").asLong(), task), StandardCharsets.UTF_8);
    }
}
