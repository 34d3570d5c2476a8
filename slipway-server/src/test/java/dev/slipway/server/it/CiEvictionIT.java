package dev.slipway.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The keep policy for finished runs' workspaces (containers, overlay volumes, run directories) and
 * instance ids, end to end on a real dockerd with small budgets; every test starts its own servers.
 */
class CiEvictionIT {
    static final ObjectMapper JSON = new ObjectMapper();
    /** Writes SIZE bytes into the worktree (so into the task's upper layer) and fails when FAIL=yes. */
    static final String PIPELINE = """
            images: { box: local/busybox:1 }
            variables: { SIZE: "0", FAIL: "no" }
            tasks:
              same:
                image: box
                network: none
                commands:
                  - head -c ${SIZE} /dev/zero > blob
                  - test "${FAIL}" != yes
            """;

    @BeforeAll
    static void image() throws Exception {
        Tools.require("docker");
        TestImages.buildBusybox(new HashMap<>(), "local/busybox:1");
    }

    record Server(TestServer server, Http http, CiClient ci) implements AutoCloseable {
        static Server start(Map<String, String> config) throws Exception {
            TestServer s = TestServer.start(config);
            s.createUser("alice", "alice-password");
            Http http = Http.token(s.baseUrl(), s.token("alice", "write:repository"));
            CiClient ci = new CiClient(http, "alice");
            ci.register("app", GitRepos.create(Map.of(".slipway/ci.yml", PIPELINE)));
            return new Server(s, http, ci);
        }

        String instance() {
            return server.slipway().instanceId();
        }

        JsonNode run(String variables) throws Exception {
            return ci.run("app", "{\"variables\":" + variables + "}");
        }

        Path runDir(JsonNode run) {
            return server.config().ciDir().resolve("runs").resolve(run.get("id").asText());
        }

        /** "name state" of this instance's containers of the run. */
        List<String> containers(JsonNode run) {
            return Tools.run(Map.of(), null, "docker", "ps", "-a", "--filter", "label=slipway.instance=" + instance(),
                    "--filter", "label=slipway.run=" + run.get("id").asText(), "--format", "{{.Names}} {{.State}}").ok().out().lines().toList();
        }

        List<String> volumes(JsonNode run) {
            return Tools.run(Map.of(), null, "docker", "volume", "ls", "-q", "--filter", "label=slipway.instance=" + instance(),
                    "--filter", "label=slipway.run=" + run.get("id").asText()).ok().out().lines().toList();
        }

        JsonNode get(JsonNode run) throws Exception {
            return JSON.readTree(http.get("/api/v1/runs/" + run.get("id").asText()).body());
        }

        @Override
        public void close() throws Exception {
            server.close();
        }
    }

    @Test
    void overTheDiskBudgetTheOldestFinishedRunLosesItsWorkspaceAndCannotBeRetried() throws Exception {
        try (Server a = Server.start(Map.of("ci.keep.max-size", "300KiB", "ci.keep.min-free", "0"))) {
            JsonNode first = a.run("{\"SIZE\":\"200000\",\"FAIL\":\"yes\"}");
            assertThat(first.get("status").asText()).isEqualTo("failure");
            assertThat(a.runDir(first).resolve("tasks/same/app/upper/blob")).hasSize(200_000);
            assertThat(a.containers(first)).containsExactly("slipway-" + a.instance() + "-" + first.get("id").asText() + "-same exited");
            assertThat(a.volumes(first)).hasSize(1);
            assertThat(a.server.slipway().runService().evictWorkspaces().evicted()).isEmpty(); // 200 kB fit

            JsonNode second = a.run("{\"SIZE\":\"200000\"}");
            assertThat(second.get("status").asText()).isEqualTo("success");
            a.server.slipway().runService().evictWorkspaces(); // 400 kB do not: the older run goes (if the pass after the run has not done it)
            assertThat(a.runDir(first)).doesNotExist();
            assertThat(a.containers(first)).isEmpty();
            assertThat(a.volumes(first)).isEmpty();
            assertThat(a.get(first).get("evicted_at").isNull()).isFalse();
            assertThat(a.runDir(second).resolve("tasks/same/app/upper/blob")).hasSize(200_000);
            assertThat(a.containers(second)).hasSize(1);
            assertThat(a.volumes(second)).hasSize(1);
            assertThat(a.get(second).get("evicted_at").isNull()).isTrue();
            // The log stays; a retry of the evicted run is refused with the reason.
            assertThat(a.ci.log(first, "same")).contains("head -c 200000");
            HttpResponse<String> retry = a.http.post("/api/v1/runs/" + first.get("id").asText() + "/tasks/same/retry", "application/json", new byte[0]);
            assertThat(retry.statusCode()).isEqualTo(409);
            assertThat(retry.body()).contains("workspace").contains("was evicted").contains("trigger a new run");
        }
    }

    @Test
    void twoServersOnOneEngineKeepApartAndEvictOnlyTheirOwn() throws Exception {
        try (Server p = Server.start(Map.of("ci.keep.max-runs", "1", "ci.keep.min-free", "0"));
             Server q = Server.start(Map.of("ci.keep.min-free", "0"))) {
            assertThat(p.instance()).isNotEqualTo(q.instance());
            // Both servers' first run is run 1 with task "same": without instance ids their containers would share a name.
            JsonNode q1 = q.run("{}");
            JsonNode p1 = p.run("{}");
            assertThat(q1.get("id").asLong()).isEqualTo(p1.get("id").asLong());
            assertThat(q1.get("status").asText()).isEqualTo("success");
            assertThat(p1.get("status").asText()).isEqualTo("success");
            assertThat(q.containers(q1)).containsExactly("slipway-" + q.instance() + "-1-same exited");
            assertThat(p.containers(p1)).containsExactly("slipway-" + p.instance() + "-1-same exited");

            JsonNode p2 = p.run("{}");
            p.server.slipway().runService().evictWorkspaces(); // max-runs 1: run 1 goes, with P's containers only
            assertThat(p.containers(p1)).isEmpty();
            assertThat(p.volumes(p1)).isEmpty();
            assertThat(q.containers(q1)).containsExactly("slipway-" + q.instance() + "-1-same exited");
            assertThat(q.volumes(q1)).hasSize(1);
            assertThat(q.runDir(q1)).isDirectory();
            // Q's sweep removes leftovers of runs Q does not know (P's run 2 is one), but only Q's own.
            assertThat(q.server.slipway().runService().evictWorkspaces().swept()).isZero();
            assertThat(p.containers(p2)).hasSize(1);
            assertThat(q.containers(q1)).hasSize(1);
        }
    }

    @Test
    void runningRunsAreNeverEvictedAndFinishedOnesGoAfterTheyEnd() throws Exception {
        // min-free beyond any disk: every finished run is evicted.
        try (Server r = Server.start(Map.of("ci.keep.min-free", "1024TiB"))) {
            r.ci.register("slow", GitRepos.create(Map.of(".slipway/ci.yml", """
                    images: { box: local/busybox:1 }
                    tasks:
                      slow:
                        image: box
                        network: none
                        commands: [ "echo started", "sleep 600" ]
                    """)));
            long id = r.ci.trigger("slow", "{}").get("id").asLong();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!new String(r.ci.rawLog(id, "slow"), StandardCharsets.UTF_8).contains("started") && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            JsonNode running = JSON.readTree(r.http.get("/api/v1/runs/" + id).body());
            assertThat(running.get("status").asText()).isEqualTo("running");
            assertThat(r.server.slipway().runService().evictWorkspaces().evicted()).isEmpty();
            assertThat(r.containers(running)).containsExactly("slipway-" + r.instance() + "-" + id + "-slow running");
            assertThat(r.runDir(running)).isDirectory();

            assertThat(r.http.post("/api/v1/runs/" + id + "/cancel", "application/json", new byte[0]).statusCode()).isEqualTo(202);
            assertThat(r.ci.await(id).get("status").asText()).isEqualTo("cancelled");
            // No explicit pass: the one the server runs a few seconds after a run ends evicts it. The run
            // is marked first, then its containers, volumes and (last) its directory are removed.
            deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while ((r.get(running).get("evicted_at").isNull() || Files.exists(r.runDir(running))) && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            assertThat(r.get(running).get("evicted_at").isNull()).as("evicted after it ended").isFalse();
            assertThat(r.containers(running)).isEmpty();
            assertThat(r.volumes(running)).isEmpty();
            assertThat(Files.exists(r.runDir(running))).isFalse();
        }
    }
}
