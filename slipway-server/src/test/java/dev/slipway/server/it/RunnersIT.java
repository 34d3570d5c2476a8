package dev.slipway.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Remote runners (issue 14) as real processes against a real server process: registration with a
 * repository-scoped token, tasks going to the runner whose labels they ask for, a task no runner
 * could take failing at once, kill -9 of the server mid-task (the run resumes and its log is whole,
 * byte for byte), kill -9 of a runner (its lease expires, the task fails and its output is kept),
 * a stale attempt's update refused, and with {@code ci.local-tasks=runner} the tasks the server would
 * run itself going to a {@code slipway runner --local} on its machine, which survives the server's kill.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RunnersIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    static ServerProcess server;
    static Http admin;
    static CiClient ci;
    static final Map<String, Process> runners = new HashMap<>();
    static final Map<String, Path> runnerDirs = new HashMap<>();

    @BeforeAll
    static void start() throws Exception {
        TestImages.buildBusybox(new HashMap<>(), "local/busybox:1");
        server = new ServerProcess(Files.createTempDirectory("slipway-runners-"))
                .withEnv("SLIPWAY_CI_RUNNER_LEASE_TIMEOUT", "12s")
                .withEnv("SLIPWAY_CI_LOCAL_TASKS", "runner").start();
        admin = Http.basic(server.baseUrl(), "admin", ServerProcess.ADMIN_PASSWORD);
        ci = new CiClient(admin, "admin");
        ci.register("remote", GitRepos.create(Map.of(
                ".slipway/labels.yml", """
                        images: { box: local/busybox:1 }
                        tasks:
                          first:
                            image: box
                            runs_on: alpha
                            commands: [ "echo first ran; cat README" ]
                          second:
                            image: box
                            runs_on: [beta]
                            depends_on: first
                            commands: [ "echo second ran" ]
                        """,
                ".slipway/nobody.yml", """
                        images: { box: local/busybox:1 }
                        tasks:
                          lonely:
                            image: box
                            runs_on: [gamma]
                            commands: [ "echo never" ]
                        """,
                ".slipway/long.yml", """
                        images: { box: local/busybox:1 }
                        tasks:
                          long:
                            image: box
                            runs_on: [alpha]
                            commands: [ 'for i in $(seq 1 40); do echo line-$i; sleep 0.2; done; printf "raw \\377\\n"' ]
                        """,
                ".slipway/stuck.yml", """
                        images: { box: local/busybox:1 }
                        tasks:
                          stuck:
                            image: box
                            runs_on: [beta]
                            commands: [ "for i in 1 2 3; do echo kept-$i; done; sleep 120" ]
                        """,
                ".slipway/here.yml", """
                        images: { box: local/busybox:1 }
                        tasks:
                          make:
                            image: box
                            commands: [ 'for i in $(seq 1 30); do echo here-$i; sleep 0.2; done; mkdir -p out; echo made > out/file' ]
                            outputs: [ out ]
                          use:
                            image: box
                            depends_on: make
                            commands: [ 'cat out/file' ]
                        """,
                "README", "the checkout reached the runner\n")));
        HttpResponse<String> t = admin.postJson("/api/v1/runners/registration-tokens", "{\"repo\":\"admin/remote\"}");
        assertThat(t.statusCode()).as(t.body()).isEqualTo(201);
        String repoToken = JSON.readTree(t.body()).get("token").asText();
        assertThat(JSON.readTree(t.body()).get("scope").asText()).isEqualTo("repo:admin/remote");
        Tools.Result site = server.cli("runners", "token", "create");
        assertThat(site.exit()).as(site.err()).isZero();
        String siteToken = site.out().strip();
        startRunner("r-alpha", repoToken, "alpha");
        startRunner("r-beta", siteToken, "beta,linux");
        startRunner("r-local", siteToken, null, "--local");
        awaitRunners(3);
    }

    @AfterAll
    static void stop() throws Exception {
        for (Process p : runners.values()) {
            Tools.stop(p);
        }
        if (server != null) {
            server.close();
        }
    }

    static void startRunner(String name, String token, String labels, String... more) throws Exception {
        Path dir = runnerDirs.computeIfAbsent(name, n -> {
            try {
                return RunnerProcesses.dir(n);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        runners.put(name, RunnerProcesses.start(server.baseUrl(), name, token, labels, dir, more));
    }

    static void awaitRunners(int n) throws Exception {
        RunnerProcesses.await(admin, n);
    }

    @Test
    @Order(1)
    void eachTaskGoesToTheRunnerWithItsLabelsAndTheListSaysWhoIsThere() throws Exception {
        JsonNode run = ci.run("remote", "{\"ref\":\"main\",\"pipeline\":\"labels\"}");
        assertThat(run.get("status").asText()).as(run.toPrettyString()).isEqualTo("success");
        assertThat(ci.log(run, "first")).contains("runner r-alpha [alpha] took the task").contains("first ran")
                .contains("the checkout reached the runner");
        assertThat(ci.log(run, "second")).contains("runner r-beta [beta, linux] took the task").contains("second ran");
        assertThat(CiClient.tasks(run).get("first").get("runner").asText()).isEqualTo("r-alpha");
        assertThat(CiClient.tasks(run).get("second").get("runner").asText()).isEqualTo("r-beta");

        Tools.Result list = server.cli("runners", "list");
        assertThat(list.exit()).as(list.err()).isZero();
        assertThat(list.out()).contains("r-alpha").contains("repo:admin/remote").contains("r-beta").contains("beta,linux").contains("site");
    }

    @Test
    @Order(2)
    void aTaskNoRunnerCouldTakeFailsAtOnceNamingTheRunners() throws Exception {
        JsonNode run = ci.run("remote", "{\"ref\":\"main\",\"pipeline\":\"nobody\"}");
        assertThat(run.get("status").asText()).isEqualTo("error");
        assertThat(ci.log(run, "lonely")).contains("no runner with labels [gamma] is registered for admin/remote; 3 runners registered: "
                + "r-alpha [alpha] last seen").contains("r-beta [beta, linux]").doesNotContain("never\n");
    }

    @Test
    @Order(3)
    void aServerKilledMidTaskResumesTheRunAndTheLogIsWhole() throws Exception {
        long id = ci.trigger("remote", "{\"ref\":\"main\",\"pipeline\":\"long\"}").get("id").asLong();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!new String(ci.rawLog(id, "long"), java.nio.charset.StandardCharsets.ISO_8859_1).contains("line-5\n")
                && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        server.kill();
        Thread.sleep(2000); // the runner goes on alone
        server = new ServerProcess(server.data(), server).start();
        JsonNode run = ci.await(id);
        assertThat(run.get("status").asText()).as(run.toPrettyString()).isEqualTo("success");
        byte[] raw = ci.rawLog(id, "long");
        String text = new String(raw, java.nio.charset.StandardCharsets.ISO_8859_1);
        List<String> lines = text.lines().filter(l -> l.startsWith("line-")).toList();
        List<String> expected = new ArrayList<>();
        for (int i = 1; i <= 40; i++) {
            expected.add("line-" + i);
        }
        assertThat(lines).isEqualTo(expected);
        assertThat(text).contains("the server restarted; the task went on on its runner").contains("raw \377\n");
    }

    @Test
    @Order(4)
    void aRunnerKilledMidTaskLosesItsLeaseAndTheTaskFailsKeepingItsOutput() throws Exception {
        long id = ci.trigger("remote", "{\"ref\":\"main\",\"pipeline\":\"stuck\"}").get("id").asLong();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!new String(ci.rawLog(id, "stuck"), java.nio.charset.StandardCharsets.UTF_8).contains("kept-3")
                && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        // An update naming another attempt of the live lease is refused and changes nothing.
        String before = new String(ci.rawLog(id, "stuck"), java.nio.charset.StandardCharsets.UTF_8);
        java.util.regex.Matcher lease = java.util.regex.Pattern.compile("took the task \\(lease (\\d+)\\)").matcher(before);
        assertThat(lease.find()).as(before).isTrue();
        JsonNode identity = JSON.readTree(runnerDirs.get("r-beta").resolve("runner.json").toFile());
        Http runner = Http.anonymous(server.baseUrl());
        HttpResponse<String> stale = runner.send(runner.request("/api/v1/runner/leases/" + lease.group(1)
                        + "/log?attempt=not-the-attempt&offset=0")
                .header("Slipway-Runner-Token", identity.get("token").asText())
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("forged\n")));
        assertThat(stale.statusCode()).as(stale.body()).isEqualTo(409);

        runners.get("r-beta").destroyForcibly().waitFor();
        JsonNode run = ci.await(id);
        assertThat(run.get("status").asText()).isEqualTo("error");
        assertThat(ci.log(run, "stuck").lines().filter(l -> l.startsWith("kept-")).toList()).containsExactly("kept-1", "kept-2", "kept-3");
        assertThat(ci.log(run, "stuck"))
                .contains("runner r-beta lost contact for longer than the lease (12s); the task failed").doesNotContain("forged");
        // Restarted, the runner reads runner.json (no token needed) and reports the task its previous process held as lost.
        startRunner("r-beta", null, "beta,linux");
        awaitRunners(3);
    }

    @Test
    @Order(5)
    void withLocalTasksOnARunnerTheServersOwnTasksSurviveAGracefulRestartToo() throws Exception {
        long id = ci.trigger("remote", "{\"ref\":\"main\",\"pipeline\":\"here\"}").get("id").asLong();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!new String(ci.rawLog(id, "make"), java.nio.charset.StandardCharsets.UTF_8).contains("here-5\n")
                && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        server.close(); // SIGTERM, as an upgrade stops it: the run is left to its runner, not cancelled
        server = new ServerProcess(server.data(), server).start();
        JsonNode run = ci.await(id);
        assertThat(run.get("status").asText()).as(run.toPrettyString()).isEqualTo("success");
        String make = ci.log(run, "make");
        assertThat(make).contains("runner r-local [local] took the task").contains("the server restarted; the task went on on its runner");
        assertThat(make.lines().filter(l -> l.startsWith("here-")).toList()).hasSize(30).first().isEqualTo("here-1");
        // The runner on the server's machine used the server's own paths: the declared output reached the next task.
        assertThat(ci.log(run, "use")).contains("made\n");
    }
}
