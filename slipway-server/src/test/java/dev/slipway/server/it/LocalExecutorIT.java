package dev.slipway.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The local (not isolated) executor through {@code slipway exec --executor local}: no Docker, the
 * pipeline's layout kept (worktrees under a task root, outputs handed on, the checkout untouched).
 */
class LocalExecutorIT {

    /** Runs {@code slipway exec DIR --executor local ARGS...} with extra environment. */
    static Tools.Result exec(Path dir, Map<String, String> env, String... args) throws Exception {
        ServerProcess jar = new ServerProcess(Files.createTempDirectory("slipway-local-data-"));
        List<String> cmd = jar.command("exec", dir.toString());
        // exec takes no state options: drop the --data/--database-url the helper appends.
        List<String> exec = new java.util.ArrayList<>(cmd.subList(0, cmd.indexOf("--data")));
        exec.addAll(List.of("--executor", "local"));
        exec.addAll(List.of(args));
        return Tools.run(env, null, exec.toArray(String[]::new));
    }

    static Path project(String pipeline) throws Exception {
        Path dir = Files.createTempDirectory("slipway-local-").resolve("project");
        Files.createDirectories(dir.resolve(".slipway"));
        Files.writeString(dir.resolve(".slipway/ci.yml"), pipeline);
        Files.writeString(dir.resolve("README"), "project\n");
        return dir;
    }

    static List<String> names(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void acceptanceExampleRunsWithoutDockerAndLeavesTheCheckoutAlone() throws Exception {
        Path dir = project(CiEngineIT.ACCEPTANCE);
        Tools.Result r = exec(dir, Map.of("DOCKER_HOST", "unix:///nonexistent/docker.sock"));
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        assertThat(r.err()).contains("without isolation");
        // build's declared output reached check; the ANSI and non-UTF-8 bytes passed through.
        assertThat(r.out()).contains("[check] built").contains("[build] \u001b[31mred\u001b[0m");
        assertThat(names(dir)).containsExactly(".slipway", "README");
    }

    @Test
    void secondRepositoryDeployTargetAndTaskRootLayout() throws Exception {
        Path lib = GitRepos.create(Map.of("lib.txt", "from lib\n"));
        Path deploy = Files.createTempDirectory("slipway-local-deploy-");
        Path dir = project("""
                images: { box: local/busybox:1 }
                repositories:
                  - url: %s
                    revision: main
                    name: lib
                tasks:
                  publish:
                    image: box
                    deploy: sites
                    commands:
                      - test "$PWD" = "$SLIPWAY_ROOT/src/project"
                      - cat ../lib/lib.txt
                      - echo changed > ../lib/lib.txt
                      - cp README ../lib/lib.txt "$SLIPWAY_ROOT/deploy/"
                      - echo "canary=${SLIPWAY_CANARY:-absent}"
                """.formatted(lib.toUri()));
        Path cache = Files.createTempDirectory("slipway-local-cache-");
        Tools.Result r = exec(dir, Map.of("SLIPWAY_CANARY", "server-secret", "XDG_CACHE_HOME", cache.toString()),
                "--deploy-target", "sites=" + deploy);
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("[publish] from lib").contains("[publish] canary=absent").doesNotContain("server-secret");
        // The deploy target is the only host path the task wrote through.
        assertThat(deploy.resolve("README")).hasContent("project");
        assertThat(deploy.resolve("lib.txt")).hasContent("changed");
        // The second repository's checkout was not changed by the task's write.
        assertThat(names(dir)).containsExactly(".slipway", "README");
        try (Stream<Path> s = Files.walk(cache)) {
            assertThat(s.filter(p -> p.getFileName().toString().equals("lib.txt")).toList())
                    .isNotEmpty().allSatisfy(p -> assertThat(p).hasContent("from lib"));
        }
    }

    @Test
    void secretsAreGivenOnTheCommandLineAndMaskedAndCachesPersist() throws Exception {
        Path dir = project("""
                images: { box: local/busybox:1 }
                tasks:
                  use:
                    image: box
                    secrets: [ API_TOKEN, { name: DEPLOY_KEY, file: /run/secrets/deploy } ]
                    caches: [ { name: downloads, path: /cache/downloads } ]
                    commands:
                      - echo "token=$API_TOKEN"
                      - echo "key=$(cat "$SLIPWAY_ROOT/run/secrets/deploy")"
                      - cat "$SLIPWAY_ROOT/cache/downloads/seen" 2>/dev/null || echo first-run
                      - echo cached > "$SLIPWAY_ROOT/cache/downloads/seen"
                """);
        Path cache = Files.createTempDirectory("slipway-local-cache-");
        Map<String, String> env = Map.of("XDG_CACHE_HOME", cache.toString(), "API_TOKEN", "tok-123456789");
        // A secret the pipeline needs and nobody gave: refused before anything runs.
        Tools.Result missing = exec(dir, env, "--secret", "API_TOKEN");
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).contains("DEPLOY_KEY (task use)").contains("--secret");
        assertThat(missing.out()).doesNotContain("token=");

        Tools.Result first = exec(dir, env, "--secret", "API_TOKEN", "--secret", "DEPLOY_KEY=key-abcdefgh");
        assertThat(first.exit()).as(first.out() + first.err()).isZero();
        assertThat(first.out()).contains("[use] token=***").contains("[use] key=***").contains("[use] first-run")
                .doesNotContain("tok-123456789").doesNotContain("key-abcdefgh");
        Tools.Result second = exec(dir, env, "--secret", "API_TOKEN", "--secret", "DEPLOY_KEY=key-abcdefgh");
        assertThat(second.out()).contains("[use] cached").doesNotContain("first-run");
    }

    @Test
    void timeoutAndFailureEndTheRunWithExitCodeOne() throws Exception {
        Path dir = project("""
                images: { box: local/busybox:1 }
                tasks:
                  slow:
                    image: box
                    timeout: 2s
                    commands: [ "sleep 60" ]
                  after:
                    image: box
                    depends_on: [slow]
                    commands: [ "echo must-not-run" ]
                """);
        Tools.Result r = exec(dir, Map.of());
        assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(1);
        assertThat(r.out() + r.err()).doesNotContain("must-not-run").contains("timed out after 2s; stopped");
    }
}
