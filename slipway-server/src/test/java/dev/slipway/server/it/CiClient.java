package dev.slipway.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

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

    public static Map<String, JsonNode> tasks(JsonNode run) {
        Map<String, JsonNode> m = new HashMap<>();
        run.get("tasks").forEach(t -> m.put(t.get("name").asText(), t));
        return m;
    }

    public byte[] rawLog(long run, String task) {
        return http.sendBytes(http.request("/api/v1/runs/" + run + "/tasks/" + task + "/log").GET()).body();
    }

    public String log(JsonNode run, String task) {
        return new String(rawLog(run.get("id").asLong(), task), StandardCharsets.UTF_8);
    }
}
