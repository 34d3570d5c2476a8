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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The CI engine end to end: a real dockerd, real git repositories, the real server and its API.
 */
class CiEngineIT {
    static final String ACCEPTANCE = """
            images:
              box:
                ref: local/busybox:1
            tasks:
              build:
                image: box
                commands:
                  - mkdir -p out
                  - printf 'built\\n' > out/result.txt
                  - printf '\\033[31mred\\033[0m \\377\\376 raw\\n'
                outputs: [out]
              check:
                image: box
                depends_on: [build]
                commands:
                  - cat out/result.txt
                  - touch should-not-leak
            """;
    static final byte[] RAW_BYTES = {0x1b, '[', '3', '1', 'm', 'r', 'e', 'd', 0x1b, '[', '0', 'm', ' ', (byte) 0xff, (byte) 0xfe, ' ', 'r', 'a', 'w', '\n'};
    static final ObjectMapper JSON = new ObjectMapper();

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
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void acceptanceExampleRunsWithOutputsAndByteExactLogs() throws Exception {
        Path repo = GitRepos.create(Map.of(".slipway/ci.yml", ACCEPTANCE, "README", "hello\n"));
        ci.register("accept", repo);
        JsonNode run = ci.await(ci.trigger("accept", "{\"ref\":\"main\"}").get("id").asLong());
        assertThat(run.get("status").asText()).as(run.toString()).isEqualTo("success");
        Map<String, JsonNode> t = CiClient.tasks(run);
        assertThat(t.get("build").get("exit_code").asInt()).isZero();
        assertThat(t.get("check").get("status").asText()).isEqualTo("success");
        assertThat(run.get("duration_ms").asLong()).isPositive();

        long id = run.get("id").asLong();
        byte[] build = ci.rawLog(id, "build");
        assertThat(indexOf(build, RAW_BYTES)).as(new String(build, StandardCharsets.ISO_8859_1)).isGreaterThanOrEqualTo(0);
        assertThat(new String(ci.rawLog(id, "check"), StandardCharsets.UTF_8)).contains("built\n");

        // The base worktree never changed: no outputs, no leaked file.
        var worktrees = server.slipway().ciStore().worktrees(id);
        assertThat(worktrees).hasSize(1);
        Path base = Path.of(worktrees.getFirst().path());
        assertThat(base.resolve("README")).hasContent("hello");
        assertThat(base.resolve("out")).doesNotExist();
        assertThat(base.resolve("should-not-leak")).doesNotExist();
    }

    @Test
    void lateSseSubscriberGetsTheWholeLogThenTheEnd() throws Exception {
        Path repo = GitRepos.create(Map.of(".slipway/ci.yml", ACCEPTANCE));
        ci.register("sse", repo);
        long id = ci.await(ci.trigger("sse", "{}").get("id").asLong()).get("id").asLong();
        HttpResponse<String> sse = alice.send(alice.request("/api/v1/runs/" + id + "/tasks/build/log/stream").GET());
        assertThat(sse.statusCode()).isEqualTo(200);
        assertThat(sse.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        java.io.ByteArrayOutputStream joined = new java.io.ByteArrayOutputStream();
        for (String block : sse.body().split("\n\n")) {
            if (block.contains("event: chunk")) {
                JsonNode c = JSON.readTree(block.substring(block.indexOf("data: ") + 6));
                joined.write(java.util.Base64.getDecoder().decode(c.get("data_base64").asText()));
            }
        }
        assertThat(joined.toByteArray()).isEqualTo(ci.rawLog(id, "build"));
        assertThat(sse.body()).contains("event: end\ndata: {\"exit_code\":0}");
    }

    @Test
    void failedTaskSkipsDependentsAndRetryRerunsItAndDependents() throws Exception {
        String flaky = """
                images: { box: local/busybox:1 }
                variables: { WANT: "fail" }
                tasks:
                  first:
                    image: box
                    commands: [ "echo first" ]
                  second:
                    image: box
                    depends_on: [first]
                    commands: [ "test -f /src/retry/go || test \\"${WANT}\\" = pass" ]
                  third:
                    image: box
                    depends_on: [second]
                    commands: [ "echo third" ]
                """;
        Path repo = GitRepos.create(Map.of(".slipway/ci.yml", flaky));
        ci.register("retry", repo);
        JsonNode failed = ci.await(ci.trigger("retry", "{}").get("id").asLong());
        assertThat(failed.get("status").asText()).isEqualTo("failure");
        assertThat(failed.get("status_message").asText()).isEqualTo("task second (failure) did not succeed; see the task log");
        Map<String, JsonNode> t = CiClient.tasks(failed);
        assertThat(t.get("first").get("status").asText()).isEqualTo("success");
        assertThat(t.get("second").get("status").asText()).isEqualTo("failure");
        assertThat(t.get("second").get("exit_code").asInt()).isEqualTo(1);
        assertThat(t.get("third").get("status").asText()).isEqualTo("skipped");
        // The retry re-runs the failed task (a second attempt) and what depends on it, not what succeeded.
        long id = failed.get("id").asLong();
        String container = "slipway-" + server.slipway().instanceId() + "-" + id + "-second";
        String before = Tools.run(Map.of(), null, "docker", "inspect", "-f", "{{.Id}} {{.State.Status}}", container).ok().out().trim();
        assertThat(before).endsWith(" exited"); // kept, stopped, for inspection and the retry
        HttpResponse<String> retry = alice.post("/api/v1/runs/" + id + "/tasks/second/retry", "application/json", new byte[0]);
        assertThat(retry.statusCode()).as(retry.body()).isEqualTo(202);
        JsonNode again = ci.await(id);
        Map<String, JsonNode> t2 = CiClient.tasks(again);
        assertThat(t2.get("first").get("attempt").asInt()).isEqualTo(1);
        assertThat(t2.get("second").get("attempt").asInt()).isEqualTo(2);
        // The retry restarted the same stopped container rather than creating another.
        assertThat(Tools.run(Map.of(), null, "docker", "inspect", "-f", "{{.Id}} {{.State.Status}}", container).ok().out().trim())
                .isEqualTo(before);
        assertThat(t2.get("third").get("status").asText()).isEqualTo("skipped");
        // A succeeded task cannot be retried.
        assertThat(alice.post("/api/v1/runs/" + id + "/tasks/first/retry", "application/json", new byte[0]).statusCode()).isEqualTo(409);

        JsonNode passing = ci.await(ci.trigger("retry", "{\"variables\":{\"WANT\":\"pass\"}}").get("id").asLong());
        assertThat(passing.get("status").asText()).as(passing.toString()).isEqualTo("success");
    }

    @Test
    void retryAfterTheImageChangedReplacesTheKeptContainer() throws Exception {
        String image = "local/retag-" + Long.toHexString(System.nanoTime()) + ":1";
        buildMarkerImage(image, "one");
        String pipeline = """
                images: { box: %s }
                tasks:
                  show:
                    image: box
                    network: none
                    commands: [ "cat /marker", "test $(cat /marker) = two" ]
                """.formatted(image);
        ci.register("retag", GitRepos.create(Map.of(".slipway/ci.yml", pipeline)));
        JsonNode failed = ci.run("retag", "{}");
        assertThat(failed.get("status").asText()).isEqualTo("failure");
        long id = failed.get("id").asLong();
        String container = "slipway-" + server.slipway().instanceId() + "-" + id + "-show";
        String before = Tools.run(Map.of(), null, "docker", "inspect", "-f", "{{.Id}}", container).ok().out().trim();
        // The same reference now names other content: the kept container is not restarted but replaced.
        buildMarkerImage(image, "two");
        assertThat(alice.post("/api/v1/runs/" + id + "/tasks/show/retry", "application/json", new byte[0]).statusCode()).isEqualTo(202);
        JsonNode again = ci.await(id);
        assertThat(again.get("status").asText()).as(ci.log(again, "show")).isEqualTo("success");
        assertThat(ci.log(again, "show")).contains("two");
        String after = Tools.run(Map.of(), null, "docker", "inspect", "-f", "{{.Id}}", container).ok().out().trim();
        assertThat(after).isNotEqualTo(before);
        assertThat(Tools.run(Map.of(), null, "docker", "ps", "-aq", "--filter", "label=slipway.run=" + id,
                "--filter", "label=slipway.instance=" + server.slipway().instanceId()).ok().out().lines()).hasSize(1);
        Tools.run(Map.of(), null, "docker", "rm", "-f", container).ok();
        Tools.run(Map.of(), null, "docker", "rmi", image);
    }

    private static void buildMarkerImage(String tag, String marker) {
        Tools.runWithInput(Map.of("DOCKER_BUILDKIT", "0"), null, "FROM local/busybox:1\nRUN echo " + marker + " > /marker\n",
                "docker", "build", "-q", "-t", tag, "-").ok();
    }

    @Test
    void cancelStopsTheRunningTask() throws Exception {
        String slow = """
                images: { box: local/busybox:1 }
                tasks:
                  slow:
                    image: box
                    commands: [ "echo started", "sleep 60" ]
                """;
        Path repo = GitRepos.create(Map.of(".slipway/ci.yml", slow));
        ci.register("cancel", repo);
        long id = ci.trigger("cancel", "{}").get("id").asLong();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!new String(ci.rawLog(id, "slow"), StandardCharsets.UTF_8).contains("started") && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        HttpResponse<String> c = alice.post("/api/v1/runs/" + id + "/cancel", "application/json", new byte[0]);
        assertThat(c.statusCode()).as(c.body()).isEqualTo(202);
        JsonNode run = ci.await(id);
        assertThat(run.get("status").asText()).isEqualTo("cancelled");
        assertThat(CiClient.tasks(run).get("slow").get("status").asText()).isEqualTo("cancelled");
    }

    @Test
    void imageBuiltFromADockerfileOnceAndReusedByLaterRuns() throws Exception {
        String pipeline = """
                images:
                  baked: { build: { context: ci } }
                tasks:
                  use:
                    image: baked
                    network: none
                    commands: [ "cat /baked" ]
                """;
        Path repo = GitRepos.create(Map.of(".slipway/ci.yml", pipeline,
                // The nonce makes the content (and so the tag) new on an engine that ran this test before.
                "ci/Dockerfile", "FROM local/busybox:1\n# " + System.nanoTime() + "\nRUN echo baked-into-image > /baked\n"));
        ci.register("built", repo);
        JsonNode first = ci.run("built", "{}");
        assertThat(first.get("status").asText()).as(ci.log(first, "use")).isEqualTo("success");
        assertThat(ci.log(first, "use")).contains("baked-into-image");
        // The build's own output is in the task's log (as Slipway's lines).
        assertThat(ci.log(first, "use")).contains("building image slipway-build/baked:")
                .contains("RUN echo baked-into-image > /baked");
        String images = Tools.run(Map.of(), null, "docker", "images", "--format", "{{.Repository}}:{{.Tag}} {{.ID}}", "slipway-build/baked").ok().out();
        assertThat(images.lines().count()).as(images).isGreaterThanOrEqualTo(1);
        JsonNode second = ci.run("built", "{}");
        assertThat(second.get("status").asText()).isEqualTo("success");
        assertThat(ci.log(second, "use")).contains("was built before from the same content; reusing it");
        // Same content, same tag and image: nothing was rebuilt.
        assertThat(Tools.run(Map.of(), null, "docker", "images", "--format", "{{.Repository}}:{{.Tag}} {{.ID}}", "slipway-build/baked").ok().out())
                .isEqualTo(images);

        // A failing build shows what failed, and leaves no container behind.
        Path broken = GitRepos.create(Map.of(".slipway/ci.yml", pipeline,
                "ci/Dockerfile", "FROM local/busybox:1\nRUN echo about-to-fail && exit 7\n"));
        ci.register("broken-build", broken);
        JsonNode failed = ci.run("broken-build", "{}");
        assertThat(failed.get("status").asText()).isEqualTo("error");
        assertThat(ci.log(failed, "use")).contains("about-to-fail").contains("returned a non-zero code: 7");
        assertThat(Tools.run(Map.of(), null, "docker", "ps", "-a", "--filter", "status=exited", "--format", "{{.Command}}").ok().out())
                .doesNotContain("about-to-fail");
    }

    @Test
    void timeoutStopsATaskAndLimitsReachTheContainer() throws Exception {
        String pipeline = """
                images: { box: local/busybox:1 }
                tasks:
                  limited:
                    image: box
                    network: none
                    resources: { memory: 64MiB, cpus: 0.5 }
                    commands:
                      - cat /sys/fs/cgroup/memory.max 2>/dev/null || cat /sys/fs/cgroup/memory/memory.limit_in_bytes
                      - cat /sys/fs/cgroup/cpu.max 2>/dev/null || cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us
                  slow:
                    image: box
                    network: none
                    timeout: 2s
                    commands: [ "echo waiting", "sleep 30" ]
                """;
        ci.register("limits", GitRepos.create(Map.of(".slipway/ci.yml", pipeline)));
        JsonNode run = ci.run("limits", "{}");
        Map<String, JsonNode> t = CiClient.tasks(run);
        String limited = ci.log(run, "limited");
        assertThat(t.get("limited").get("status").asText()).as(limited).isEqualTo("success");
        assertThat(limited).contains("67108864").containsAnyOf("50000 100000", "50000");
        assertThat(t.get("slow").get("status").asText()).isEqualTo("failure");
        assertThat(ci.log(run, "slow")).contains("waiting").contains("timed out after");
    }

    @Test
    void anImageThatCannotBePulledFailsTheTaskWithAClearMessage() throws Exception {
        // Nothing listens on port 1: the pull fails at once, and nothing reaches the internet.
        String pipeline = """
                images: { gone: "127.0.0.1:1/slipway-test/missing:1" }
                tasks:
                  use:
                    image: gone
                    network: none
                    commands: [ "true" ]
                """;
        ci.register("missing-image", GitRepos.create(Map.of(".slipway/ci.yml", pipeline)));
        JsonNode run = ci.run("missing-image", "{}");
        String log = ci.log(run, "use");
        assertThat(CiClient.tasks(run).get("use").get("status").asText()).as(log).isEqualTo("error");
        assertThat(log).contains("image 127.0.0.1:1/slipway-test/missing:1 is not present locally and could not be pulled");
    }

    @Test
    void invalidPipelineIsRefusedWithFileLineAndColumn() throws Exception {
        String bad = """
                images: { box: local/busybox:1 }
                tasks:
                  a:
                    image: box
                    depends_on: [nope]
                    commands: [ "true" ]
                """;
        Path repo = GitRepos.create(Map.of(".slipway/ci.yml", bad));
        ci.register("invalid", repo);
        HttpResponse<String> r = alice.postJson("/api/v1/repos/alice/invalid/runs", "{}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains(".slipway/ci.yml:5:").contains("nope");
        assertThat(JSON.readTree(alice.get("/api/v1/repos/alice/invalid/runs").body())).isEmpty();
    }

    @Test
    void defaultNetworkCannotReachAServiceOnTheHost() throws Exception {
        try (HostService service = new HostService()) {
            String pipeline = """
                    images: { box: local/busybox:1 }
                    tasks:
                      probe:
                        image: box
                        commands:
                          - GW=$(ip route | awk '/default/ {print $3}')
                          - echo "gateway $GW"
                          - if timeout 3 wget -q -O - http://$GW:%d/ ; then echo HOST-REACHABLE; exit 1; else echo host-blocked; fi
                    """.formatted(service.port());
            Path repo = GitRepos.create(Map.of(".slipway/ci.yml", pipeline));
            ci.register("netpolicy", repo);
            JsonNode run = ci.await(ci.trigger("netpolicy", "{}").get("id").asLong());
            String log = new String(ci.rawLog(run.get("id").asLong(), "probe"), StandardCharsets.UTF_8);
            assertThat(log).contains("gateway ").contains("host-blocked").doesNotContain("HOST-REACHABLE");
            assertThat(run.get("status").asText()).as(log).isEqualTo("success");
        }
    }

    @Test
    void taskImagesComeFromTheServersOwnPrivateRegistryWithTheRunUsersRights() throws Exception {
        // alice pushes a private image to Slipway's registry with the docker CLI...
        String host = java.net.URI.create(server.baseUrl()).getAuthority();
        String image = host + "/alice/tools:1";
        Map<String, String> env = new HashMap<>(Map.of("DOCKER_CONFIG", java.nio.file.Files.createTempDirectory("docker-config-").toString()));
        Tools.runWithInput(env, null, server.token("alice", "write:package"), "docker", "login", host, "-u", "alice", "--password-stdin").ok();
        Tools.run(env, null, "docker", "tag", "local/busybox:1", image).ok();
        Tools.run(env, null, "docker", "push", image).ok();
        Tools.run(env, null, "docker", "logout", host).ok();
        String pipeline = """
                images: { tools: %s }
                tasks:
                  use:
                    image: tools
                    commands: [ "echo from-own-registry" ]
                """.formatted(image);
        // ...and the engine does not have it: the task's pull needs the registry, with credentials.
        Tools.run(Map.of(), null, "docker", "rmi", "-f", image).ok();
        ci.register("own-image", GitRepos.create(Map.of(".slipway/ci.yml", pipeline)));
        JsonNode run = ci.run("own-image", "{}");
        assertThat(run.get("status").asText()).as(run.toString()).isEqualTo("success");
        assertThat(ci.log(run, "use")).contains("from-own-registry");

        // bob may not read alice's private image: his run cannot pull it.
        Tools.run(Map.of(), null, "docker", "rmi", "-f", image).ok();
        server.createUser("bob", "bob-password");
        CiClient bob = new CiClient(Http.token(server.baseUrl(), server.token("bob", "write:repository")), "bob");
        bob.register("borrow", GitRepos.create(Map.of(".slipway/ci.yml", pipeline)));
        JsonNode refused = bob.run("borrow", "{}");
        assertThat(refused.get("status").asText()).isEqualTo("error");
        assertThat(bob.log(refused, "use")).contains("could not be pulled");
        Tools.run(Map.of(), null, "docker", "rmi", "-f", image);
    }

    static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
