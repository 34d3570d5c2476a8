package dev.slipway.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slipway.ci.secret.SecretScope;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Worktrees, caches, deploy targets, secrets and `slipway exec`, end to end on a real dockerd. */
class CiWorkspaceIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static TestServer server;
    static Http alice;
    static CiClient ci;

    @BeforeAll
    static void start() throws Exception {
        Tools.require("docker");
        TestImages.buildBusybox(new HashMap<>(), "local/busybox:1");
        server = TestServer.start(Map.of("ci.cache-quota", "64KiB"));
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
    void immutableEntryIsCheckedOutOnceAndMutableEntryIsFetchedEveryRun() throws Exception {
        Path lib = GitRepos.create(Map.of("lib.txt", "lib v1\n"));
        String libCommit = GitRepos.git(lib, "rev-parse", "HEAD").trim();
        Path tools = GitRepos.create(Map.of("tool.txt", "tool v1\n"));
        String pipeline = """
                images: { box: local/busybox:1 }
                repositories:
                  - { url: "%s", revision: %s, mutable: false, name: lib }
                  - { url: "%s", revision: main, mutable: true, name: tools }
                tasks:
                  show:
                    image: box
                    commands:
                      - cat /src/lib/lib.txt /src/tools/tool.txt
                      - echo scratch > /src/lib/written-by-task
                """.formatted(lib.toUri(), libCommit, tools.toUri());
        Path app = GitRepos.create(Map.of(".slipway/ci.yml", pipeline));
        ci.register("multi", app);
        var worktrees = server.slipway().runService().worktrees();

        JsonNode first = ci.run("multi", "{}");
        assertThat(first.get("status").asText()).as(ci.log(first, "show")).isEqualTo("success");
        assertThat(ci.log(first, "show")).contains("lib v1").contains("tool v1");

        GitRepos.commit(tools, Map.of("tool.txt", "tool v2\n"), "second");
        // The shared server's poller may ls-remote the app's remote at any moment, so count the
        // entries' volumes one by one rather than the app's.
        java.util.function.ToLongFunction<String> ops = mount -> server.slipway().ciStore().worktrees(first.get("id").asLong()).stream()
                .filter(w -> mount.equals(w.mount()))
                .mapToLong(w -> worktrees.gitOperations(Path.of(w.path()).getFileName().toString().replaceFirst("@.*", ""))).sum();
        long libBefore = ops.applyAsLong("lib");
        long toolsBefore = ops.applyAsLong("tools");
        JsonNode second = ci.run("multi", "{}");
        assertThat(ci.log(second, "show")).contains("lib v1").contains("tool v2");
        // This run fetched the mutable tools (one fetch) and checked the new tools commit out of its
        // local store (one clone); the immutable lib had no git traffic at all.
        var used = server.slipway().ciStore().worktrees(second.get("id").asLong());
        Path libBase = used.stream().filter(w -> w.mount().equals("lib")).findFirst().map(w -> Path.of(w.path())).orElseThrow();
        assertThat(libBase.getFileName().toString()).isEqualTo(dev.slipway.ci.workspace.Worktrees.volumeName("alice",
                new dev.slipway.ci.model.RepositoryEntry(lib.toUri().toString(), libCommit, false, null, null, false, "lib")));
        assertThat(ops.applyAsLong("lib") - libBefore).as("git operations for the immutable lib").isZero();
        assertThat(ops.applyAsLong("tools") - toolsBefore).as("git operations for the mutable tools").isEqualTo(2);
        // A task's write never reaches the base worktree.
        assertThat(libBase.resolve("written-by-task")).doesNotExist();
        assertThat(libBase.resolve("lib.txt")).hasContent("lib v1");
    }

    @Test
    void sharedCacheSurvivesRunsOfTwoRepositoriesAndIsEvictedOverQuota() throws Exception {
        String pipeline = """
                images: { box: local/busybox:1 }
                tasks:
                  use:
                    image: box
                    commands:
                      - ls /cache
                      - echo "from ${SLIPWAY_REPO}" > /cache/mark-$(echo ${SLIPWAY_REPO} | tr / -)
                      - if [ "${BIG}" = yes ]; then head -c 200000 /dev/zero > /cache/big; fi
                    caches: [ { name: deps, path: /cache, shared: true } ]
                variables: { BIG: "no" }
                """;
        ci.register("cache-a", GitRepos.create(Map.of(".slipway/ci.yml", pipeline)));
        ci.register("cache-b", GitRepos.create(Map.of(".slipway/ci.yml", pipeline)));
        assertThat(ci.run("cache-a", "{}").get("status").asText()).isEqualTo("success");
        JsonNode b = ci.run("cache-b", "{}");
        assertThat(ci.log(b, "use")).contains("mark-alice-cache-a");
        var cache = server.slipway().caches().list().stream().filter(c -> c.id().equals("shared:deps")).findFirst().orElseThrow();
        assertThat(cache.owners()).containsExactly("alice/cache-a", "alice/cache-b");

        JsonNode big = ci.run("cache-a", "{\"variables\":{\"BIG\":\"yes\"}}");
        assertThat(ci.log(big, "use")).contains("over its quota").contains("evicted");
        JsonNode after = ci.run("cache-b", "{}");
        assertThat(ci.log(after, "use")).doesNotContain("mark-alice-cache-a").doesNotContain("big");
        // Released by both owners, the cache is gone.
        assertThat(server.slipway().caches().release("shared:deps", "alice/cache-a")).isFalse();
        assertThat(server.slipway().caches().release("shared:deps", "alice/cache-b")).isTrue();
        assertThat(server.slipway().caches().list()).noneMatch(c -> c.id().equals("shared:deps"));
    }

    @Test
    void deployTargetRefusedForAnUnauthorizedRepositoryAndUsedByAnAuthorizedOne() throws Exception {
        // Seed 004's experiment 01: check a repository out and copy it into a deploy target.
        Path site = Files.createTempDirectory("slipway-site-");
        server.slipway().deployTargets().add("sites", site, List.of("alice/website@main"));
        String pipeline = """
                images: { box: local/busybox:1 }
                tasks:
                  publish:
                    image: box
                    network: none
                    deploy: { target: sites, path: /deploy }
                    commands:
                      - cp -R . /deploy/
                      - rm -rf /deploy/.git
                """;
        ci.register("website", GitRepos.create(Map.of(".slipway/ci.yml", pipeline, "index.html", "<h1>hello</h1>\n")));
        ci.register("intruder", GitRepos.create(Map.of(".slipway/ci.yml", pipeline, "index.html", "<h1>defaced</h1>\n")));

        HttpResponse<String> refused = alice.postJson("/api/v1/repos/alice/intruder/runs", "{}");
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).contains("may not write deploy target 'sites'");
        assertThat(site.resolve("index.html")).doesNotExist();

        JsonNode ok = ci.run("website", "{\"ref\":\"main\"}");
        assertThat(ok.get("status").asText()).as(ci.log(ok, "publish")).isEqualTo("success");
        assertThat(site.resolve("index.html")).hasContent("<h1>hello</h1>");
    }

    @Test
    void secretsReachOnlyTasksThatNameThemAndAreMaskedInLogs() throws Exception {
        server.slipway().secrets().put(SecretScope.parse("repo:alice/masked"), "API_TOKEN",
                "s3cret-value-123".getBytes(StandardCharsets.UTF_8));
        String pipeline = """
                images: { box: local/busybox:1 }
                tasks:
                  with:
                    image: box
                    secrets: [ API_TOKEN ]
                    commands:
                      - printf 'token=%s\\n' "$API_TOKEN"
                      - set +x; printf 's3cret-'; sleep 1; printf 'value-123 split\\n'
                  without:
                    image: box
                    commands:
                      - echo "token=[${API_TOKEN:-unset}]"
                """;
        ci.register("masked", GitRepos.create(Map.of(".slipway/ci.yml", pipeline)));
        JsonNode r = ci.run("masked", "{}");
        assertThat(r.get("status").asText()).isEqualTo("success");
        String with = ci.log(r, "with");
        // "*** split" is the secret written in two pieces a second apart, masked whole. (The raw log
        // joins stderr to stdout, so its xtrace lines would come between the two writes: set +x.)
        assertThat(with).contains("token=***").contains("*** split").doesNotContain("s3cret-value-123");
        assertThat(ci.log(r, "without")).contains("token=[unset]");

        ci.register("nosecret", GitRepos.create(Map.of(".slipway/ci.yml", pipeline)));
        HttpResponse<String> missing = alice.postJson("/api/v1/repos/alice/nosecret/runs", "{}");
        assertThat(missing.statusCode()).isEqualTo(422);
        assertThat(missing.body()).contains("API_TOKEN");
    }

    @Test
    void execRunsALocalCheckoutWithoutChangingIt() throws Exception {
        Path dir = Files.createTempDirectory("slipway-exec-").resolve("project");
        Files.createDirectories(dir.resolve(".slipway"));
        Files.writeString(dir.resolve(".slipway/ci.yml"), CiEngineIT.ACCEPTANCE);
        ServerProcess jar = new ServerProcess(Files.createTempDirectory("slipway-exec-data-"));
        List<String> cmd = jar.command("exec", dir.toString());
        // exec takes no state options: drop the --data/--database-url the helper appends.
        List<String> exec = cmd.subList(0, cmd.indexOf("--data"));
        Tools.Result r = Tools.run(Map.of(), null, exec.toArray(String[]::new));
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("[check] built").contains("[build] ");
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()).toList()).containsExactly(".slipway");
        }

        Files.writeString(dir.resolve(".slipway/ci.yml"), CiEngineIT.ACCEPTANCE.replace("cat out/result.txt", "false"));
        assertThat(Tools.run(Map.of(), null, exec.toArray(String[]::new)).exit()).isEqualTo(1);
        Files.writeString(dir.resolve(".slipway/ci.yml"), "tasks: {}\nimages: []\n");
        Tools.Result invalid = Tools.run(Map.of(), null, exec.toArray(String[]::new));
        assertThat(invalid.exit()).isEqualTo(2);
        assertThat(invalid.err()).contains(".slipway/ci.yml:");
    }

    /** Ctrl-C (or a TERM signal) during exec stops the running task's container and removes it before the process exits. */
    @Test
    void ctrlCDuringExecStopsTheRunningTaskAndLeavesNoContainer() throws Exception {
        Path dir = Files.createTempDirectory("slipway-exec-").resolve("project");
        Files.createDirectories(dir.resolve(".slipway"));
        String marker = "interrupt-" + System.nanoTime();
        Files.writeString(dir.resolve(".slipway/ci.yml"), """
                images: { box: local/busybox:1 }
                tasks:
                  wait:
                    image: box
                    commands:
                      - echo started
                      - sleep 300 || echo %s
                """.formatted(marker));
        ServerProcess jar = new ServerProcess(Files.createTempDirectory("slipway-exec-data-"));
        List<String> cmd = jar.command("exec", dir.toString());
        Process p = new ProcessBuilder(cmd.subList(0, cmd.indexOf("--data"))).redirectErrorStream(true).start();
        StringBuilder out = new StringBuilder();
        Thread reader = Thread.ofVirtual().start(() -> {
            try (var r = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(), java.nio.charset.StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    synchronized (out) {
                        out.append(line).append('\n');
                    }
                }
            } catch (java.io.IOException ignored) {
                // the process ended
            }
        });
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(120);
        while (!out.toString().contains("[wait] started") && p.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(out.toString()).as("the task started").contains("[wait] started");
        // SIGTERM: a test started in the background inherits an ignored SIGINT, which the JVM then keeps ignoring; both run the same hook.
        Tools.run(Map.of(), null, "kill", "-TERM", Long.toString(p.pid())).ok();
        assertThat(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).as("exec ends after Ctrl-C:\n" + out).isTrue();
        reader.join(5000);
        assertThat(p.exitValue()).as(out.toString()).isEqualTo(143); // 128 + SIGTERM; Ctrl-C gives 130
        assertThat(out.toString()).contains("interrupted: stopping the running tasks");
        String containers = Tools.run(Map.of(), null, "docker", "ps", "-a", "--no-trunc", "--format", "{{.Command}}").ok().out();
        assertThat(containers).as("no container of the interrupted task is left").doesNotContain(marker);
    }

    /**
     * Issue 8: pins to an older commit (immutable) and a tag (mutable) whose files differ from the
     * tip check out the old content on the server and in exec; shell variables reach the shell.
     */
    @Test
    void pinnedOlderRevisionsCheckOutAndShellVariablesReachTheShell() throws Exception {
        Path lib = GitRepos.create(Map.of("f", "old\n"));
        String old = GitRepos.git(lib, "rev-parse", "HEAD").trim();
        GitRepos.git(lib, "tag", "v1");
        GitRepos.commit(lib, Map.of("f", "new\n"), "two");
        String pipeline = """
                images: { box: local/busybox:1 }
                repositories:
                  - { url: "%s", revision: %s, mutable: false, name: lib }
                  - { url: "%s", revision: v1, mutable: true, name: libtag }
                tasks:
                  show:
                    image: box
                    commands:
                      - cat /src/lib/f /src/libtag/f
                      - X=abc; MAJOR=1; echo "shell:${X#a}:$((MAJOR + 2)):v${MAJOR}"
                """.formatted(lib.toUri(), old, lib.toUri());
        Path app = GitRepos.create(Map.of(".slipway/ci.yml", pipeline));
        ci.register("pinned", app);
        JsonNode run = ci.run("pinned", "{}");
        String log = ci.log(run, "show");
        assertThat(run.get("status").asText()).as(log).isEqualTo("success");
        // stdout and stderr (set -x) interleave in any order, even inside a line: count what cat wrote.
        assertThat(log.split("old\n", -1).length - 1).as(log).isEqualTo(2);
        assertThat(log).doesNotContain("new").contains("shell:bc:3:v1");

        Tools.Result exec = exec(app);
        assertThat(exec.exit()).as(exec.out() + exec.err()).isZero();
        assertThat(exec.out()).contains("[show] old").doesNotContain("new").contains("shell:bc:3:v1");

        // A pin that cannot be checked out: one line and exit 2 before anything runs, no stack trace.
        Files.writeString(app.resolve(".slipway/ci.yml"), pipeline.replace("revision: v1", "revision: v9"));
        Tools.Result missing = exec(app);
        assertThat(missing.exit()).as(missing.out() + missing.err()).isEqualTo(2);
        assertThat(missing.err().lines().filter(l -> l.startsWith("error: ")).toList()).singleElement().asString()
                .contains("v9").contains("is not a branch, tag or commit");
        assertThat(missing.err()).doesNotContain("Exception").doesNotContain("\tat ");
    }

    /** Issue 8: unknown fields are refused with the field meant; a ref that does not exist is never the default branch. */
    @Test
    void triggerRefusesUnknownFieldsAndRefsThatDoNotExist() throws Exception {
        Path app = GitRepos.create(Map.of(".slipway/ci.yml", "images: { box: local/busybox:1 }\ntasks:\n  t: { image: box, commands: [\"true\"] }\n"));
        ci.register("strict", app);
        HttpResponse<String> unknown = ci.tryTrigger("strict", "{\"branch\": \"nonexistent\"}");
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(unknown.body()).get("message").asText())
                .startsWith("unknown field 'branch' (did you mean 'ref'?)").contains("ref, variables");
        HttpResponse<String> typo = ci.tryTrigger("strict", "{\"pipelin\": \"ci\"}");
        assertThat(typo.statusCode()).isEqualTo(400);
        assertThat(typo.body()).contains("unknown field 'pipelin' (did you mean 'pipeline'?)");
        HttpResponse<String> noRef = ci.tryTrigger("strict", "{\"ref\": \"nonexistent\"}");
        assertThat(noRef.statusCode()).as(noRef.body()).isEqualTo(400);
        assertThat(noRef.body()).contains("nonexistent");
        HttpResponse<String> registration = ci.registration("strict2", app.toUri().toString(), Map.of("default-branch", "main"));
        assertThat(registration.statusCode()).isEqualTo(400);
        assertThat(registration.body()).contains("unknown field 'default-branch' (did you mean 'default_branch'?)");
        assertThat(alice.get("/api/v1/repos/alice/strict/runs").body()).isEqualTo("[]");
    }

    private static Tools.Result exec(Path dir) throws Exception {
        ServerProcess jar = new ServerProcess(Files.createTempDirectory("slipway-exec-data-"));
        List<String> cmd = jar.command("exec", dir.toString());
        return Tools.run(Map.of(), null, cmd.subList(0, cmd.indexOf("--data")).toArray(String[]::new));
    }
}
