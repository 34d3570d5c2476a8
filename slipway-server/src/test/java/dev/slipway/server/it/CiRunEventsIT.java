package dev.slipway.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Waiting for runs without polling (the {@code ?wait=} long poll and the run event stream), and
 * what a run is told about its ref and variables.
 */
class CiRunEventsIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String GATED = """
            images: { box: local/busybox:1 }
            tasks:
              first:
                image: box
                commands: [ "echo first" ]
              second:
                image: box
                depends_on: [first]
                commands: [ "sleep 1", "echo second" ]
            """;

    static TestServer server;
    static Http alice;
    static CiClient ci;

    @BeforeAll
    static void start() throws Exception {
        Tools.require("docker");
        TestImages.buildBusybox(new HashMap<>(), "local/busybox:1");
        server = TestServer.start();
        server.createUser("alice", "alice-password");
        alice = Http.token(server.baseUrl(), server.token("alice", "write:repository"));
        ci = new CiClient(alice, "alice");
        ci.register("events", GitRepos.create(Map.of(".slipway/ci.yml", GATED)));
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void eventStreamShowsEveryStepThenEnds() throws Exception {
        long id = ci.trigger("events", "{}").get("id").asLong();
        HttpResponse<InputStream> r = alice.client().send(alice.request("/api/v1/runs/" + id + "/events").GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        List<JsonNode> snapshots = new ArrayList<>();
        String end = null;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            String event = null;
            for (String line; (line = in.readLine()) != null; ) {
                if (line.startsWith("event: ")) {
                    event = line.substring(7);
                } else if (line.startsWith("data: ") && "run".equals(event)) {
                    snapshots.add(JSON.readTree(line.substring(6)));
                } else if (line.startsWith("data: ") && "end".equals(event)) {
                    end = line.substring(6);
                }
            }
        }
        // The stream closed by itself after the end event.
        assertThat(end).isEqualTo("{\"status\":\"success\"}");
        JsonNode last = snapshots.getLast();
        assertThat(last.get("status").asText()).isEqualTo("success");
        assertThat(last.get("id").asLong()).isEqualTo(id);
        // Each snapshot differs from the one before it, and the stream saw the run while "second" was running.
        for (int i = 1; i < snapshots.size(); i++) {
            assertThat(snapshots.get(i)).isNotEqualTo(snapshots.get(i - 1));
        }
        assertThat(snapshots).anySatisfy(s -> {
            assertThat(s.get("status").asText()).isEqualTo("running");
            assertThat(CiClient.tasks(s).get("first").get("status").asText()).isEqualTo("success");
            assertThat(CiClient.tasks(s).get("second").get("status").asText()).isEqualTo("running");
        });
    }

    @Test
    void finishedRunStreamsOneSnapshotAndEnds() throws Exception {
        long id = ci.run("events", "{}").get("id").asLong();
        String body = alice.get("/api/v1/runs/" + id + "/events").body();
        assertThat(body.split("event: run", -1)).hasSize(2);
        assertThat(body).endsWith("event: end\ndata: {\"status\":\"success\"}\n\n");
    }

    @Test
    void longPollReturnsWhenTheRunFinishes() throws Exception {
        long id = ci.trigger("events", "{}").get("id").asLong();
        HttpResponse<String> r = alice.get("/api/v1/runs/" + id + "?wait=120");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode run = JSON.readTree(r.body());
        // Not a timeout: the answer came with the run finished.
        assertThat(run.get("status").asText()).isEqualTo("success");
        assertThat(CiClient.tasks(run).get("second").get("exit_code").asInt()).isZero();
    }

    @Test
    void longPollWithZeroWaitAnswersAtOnceAndBadWaitIs400() throws Exception {
        long id = ci.trigger("events", "{}").get("id").asLong();
        JsonNode now = JSON.readTree(alice.get("/api/v1/runs/" + id + "?wait=0").body());
        assertThat(now.get("id").asLong()).isEqualTo(id);
        for (String bad : List.of("abc", "-1", "601", "1e3")) {
            HttpResponse<String> r = alice.get("/api/v1/runs/" + id + "?wait=" + bad);
            assertThat(r.statusCode()).as(bad).isEqualTo(400);
            assertThat(r.body()).contains("wait must be a number of seconds");
        }
        ci.await(id);
    }

    @Test
    void refBranchAndTagVariablesFollowWhatTheRefNames() throws Exception {
        Path repo = GitRepos.create(Map.of(".slipway/ci.yml", """
                images: { box: local/busybox:1 }
                variables: { GREETING: "hello" }
                tasks:
                  show:
                    image: box
                    commands: [ 'echo "ref=$SLIPWAY_REF branch=$SLIPWAY_BRANCH tag=$SLIPWAY_TAG greeting=${GREETING}"' ]
                """));
        GitRepos.git(repo, "tag", "v0.2.0");
        String commit = GitRepos.git(repo, "rev-parse", "HEAD").trim();
        ci.register("refs", repo);
        assertThat(ci.log(ci.run("refs", "{\"ref\":\"main\"}"), "show"))
                .contains("ref=refs/heads/main branch=main tag= greeting=hello");
        assertThat(ci.log(ci.run("refs", "{\"ref\":\"v0.2.0\",\"variables\":{\"GREETING\":\"hi\"}}"), "show"))
                .contains("ref=refs/tags/v0.2.0 branch= tag=v0.2.0 greeting=hi");
        assertThat(ci.log(ci.run("refs", "{\"ref\":\"" + commit + "\"}"), "show"))
                .contains("ref=" + commit + " branch= tag= greeting=hello");

        // Only declared variables may be given, and never a built-in one; nothing is queued then.
        int before = JSON.readTree(alice.get("/api/v1/repos/alice/refs/runs").body()).size();
        HttpResponse<String> undeclared = alice.postJson("/api/v1/repos/alice/refs/runs", "{\"variables\":{\"NOPE\":\"1\"}}");
        assertThat(undeclared.statusCode()).isEqualTo(400);
        assertThat(undeclared.body()).contains("declares no variable 'NOPE'").contains("GREETING");
        HttpResponse<String> reserved = alice.postJson("/api/v1/repos/alice/refs/runs", "{\"variables\":{\"SLIPWAY_TAG\":\"v9\"}}");
        assertThat(reserved.statusCode()).isEqualTo(400);
        assertThat(reserved.body()).contains("SLIPWAY_TAG").contains("built-ins");
        assertThat(JSON.readTree(alice.get("/api/v1/repos/alice/refs/runs").body()).size()).isEqualTo(before);
    }

    @Test
    void registrationsAreListedChangedAndRemoved() throws Exception {
        Path repo = GitRepos.create(Map.of(".slipway/ci.yml", GATED));
        ci.register("manage", repo);
        assertThat(JSON.readTree(alice.get("/api/v1/repos/alice").body()).findValuesAsText("name")).contains("manage", "events");
        // A local clone URL that does not exist is refused at once.
        HttpResponse<String> nowhere = alice.postJson("/api/v1/repos", "{\"owner\":\"alice\",\"name\":\"nowhere\",\"clone_url\":\"file:///nonexistent/x\"}");
        assertThat(nowhere.statusCode()).isEqualTo(400);
        assertThat(nowhere.body()).contains("no such directory");
        // PATCH changes what is given.
        HttpResponse<String> patched = alice.send(alice.request("/api/v1/repos/alice/manage").header("Content-Type", "application/json")
                .method("PATCH", java.net.http.HttpRequest.BodyPublishers.ofString("{\"default_branch\":\"release\"}")));
        assertThat(patched.statusCode()).as(patched.body()).isEqualTo(200);
        assertThat(JSON.readTree(patched.body()).get("default_branch").asText()).isEqualTo("release");
        assertThat(JSON.readTree(patched.body()).get("clone_url").asText()).isEqualTo(repo.toUri().toString());
        HttpResponse<String> unknown = alice.send(alice.request("/api/v1/repos/alice/manage").header("Content-Type", "application/json")
                .method("PATCH", java.net.http.HttpRequest.BodyPublishers.ofString("{\"owner\":\"bob\"}")));
        assertThat(unknown.statusCode()).isEqualTo(400);
        // Not while a run is queued or running; then it goes, and its finished runs stay readable.
        long id = ci.trigger("manage", "{\"ref\":\"main\"}").get("id").asLong();
        HttpResponse<String> busy = alice.delete("/api/v1/repos/alice/manage");
        assertThat(busy.statusCode()).isEqualTo(409);
        assertThat(busy.body()).contains("queued or running");
        ci.await(id);
        assertThat(alice.delete("/api/v1/repos/alice/manage").statusCode()).isEqualTo(204);
        assertThat(alice.get("/api/v1/repos/alice/manage").statusCode()).isEqualTo(404);
        assertThat(alice.delete("/api/v1/repos/alice/manage").statusCode()).isEqualTo(404);
        assertThat(alice.get("/api/v1/runs/" + id).statusCode()).isEqualTo(200);
    }

    @Test
    void aFinishedRunCanBeDeletedWithItsLogsAndWorkspace() throws Exception {
        long running = ci.trigger("events", "{}").get("id").asLong();
        HttpResponse<String> busy = alice.delete("/api/v1/runs/" + running);
        assertThat(busy.statusCode()).isEqualTo(409);
        assertThat(busy.body()).contains("cancel it");
        JsonNode done = ci.await(running);
        assertThat(ci.log(done, "second")).contains("second");
        java.nio.file.Path runDir = server.slipway().config().ciDir().resolve("runs").resolve(Long.toString(running));
        assertThat(runDir).exists();

        assertThat(alice.delete("/api/v1/runs/" + running).statusCode()).isEqualTo(204);
        assertThat(alice.get("/api/v1/runs/" + running).statusCode()).isEqualTo(404);
        assertThat(alice.get("/api/v1/runs/" + running + "/tasks/second/log").statusCode()).isEqualTo(404);
        assertThat(runDir).doesNotExist();
        assertThat(JSON.readTree(alice.get("/api/v1/repos/alice/events/runs").body()).findValuesAsText("id"))
                .doesNotContain(Long.toString(running));
        assertThat(alice.delete("/api/v1/runs/" + running).statusCode()).isEqualTo(404);
    }

    @Test
    void eventsNeedReadAccess() throws Exception {
        long id = ci.run("events", "{}").get("id").asLong();
        server.createUser("mallory", "mallory-password");
        Http mallory = Http.token(server.baseUrl(), server.token("mallory", "write:repository"));
        // A private repository's runs are a 404 to strangers, as if they did not exist.
        assertThat(mallory.get("/api/v1/runs/" + id + "/events").statusCode()).isEqualTo(404);
        assertThat(mallory.get("/api/v1/runs/" + id + "?wait=5").statusCode()).isEqualTo(404);
        assertThat(Http.anonymous(server.baseUrl()).get("/api/v1/runs/" + id + "/events").statusCode()).isEqualTo(404);
        assertThat(alice.get("/api/v1/runs/999999/events").statusCode()).isEqualTo(404);
    }
}
