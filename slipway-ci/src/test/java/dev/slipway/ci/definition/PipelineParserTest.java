package dev.slipway.ci.definition;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.ci.model.ImageSpec;
import dev.slipway.ci.model.Pipeline;
import dev.slipway.ci.model.RepositoryEntry;
import dev.slipway.ci.model.Task;
import dev.slipway.ci.model.Task.CacheMount;
import dev.slipway.ci.model.Task.DeployMount;
import dev.slipway.ci.model.Task.NetworkPolicy;
import dev.slipway.ci.model.Task.SecretRef;
import dev.slipway.ci.model.Triggers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PipelineParserTest {
    private final PipelineParser parser = new PipelineParser();

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

    @Test
    void acceptanceExampleParsesIntoTheObviousModel() {
        Pipeline p = parser.parse(".slipway/build.yml", ACCEPTANCE);

        assertThat(p.name()).isEqualTo("build");
        assertThat(p.images()).containsExactly(Map.entry("box", new ImageSpec.Reference("local/busybox:1", ImageSpec.PullPolicy.IF_NOT_PRESENT)));
        assertThat(p.repositories()).isEmpty();
        assertThat(p.variables()).isEmpty();
        assertThat(p.triggers()).isEqualTo(Triggers.MANUAL_ONLY);
        assertThat(p.tasks()).containsExactly(
                new Task("build", "box", List.of("mkdir -p out", "printf 'built\\n' > out/result.txt",
                        "printf '\\033[31mred\\033[0m \\377\\376 raw\\n'"), List.of(), Map.of(), List.of(), List.of(),
                        List.of("out"), NetworkPolicy.DEFAULT, null, null, Task.Resources.NONE),
                new Task("check", "box", List.of("cat out/result.txt", "touch should-not-leak"), List.of("build"),
                        Map.of(), List.of(), List.of(), List.of(), NetworkPolicy.DEFAULT, null, null, Task.Resources.NONE));
    }

    @Test
    void backslashesReachTheModelByteForByteAsWritten() {
        Pipeline p = parser.parse(".slipway/build.yml", ACCEPTANCE);

        // printf in the container interprets these, not YAML: the text must keep every backslash.
        String line = ACCEPTANCE.lines().filter(l -> l.contains("raw")).findFirst().orElseThrow();
        String written = line.substring(line.indexOf("- ") + 2);
        assertThat(written.chars().filter(c -> c == '\\').count()).isEqualTo(5);
        assertThat(p.task("build").commands().get(2).getBytes(StandardCharsets.UTF_8))
                .isEqualTo(written.getBytes(StandardCharsets.UTF_8));
        assertThat(p.task("build").commands().get(1)).isEqualTo("printf 'built" + '\\' + "n' > out/result.txt");
    }

    @Test
    void everyFieldOfTheFullForm() {
        Pipeline p = parser.parse(".slipway/release.yaml", """
                on:
                  push: { branches: [main], tags: ["v*"], paths: ["src/**"] }
                  manual: false
                  cron: ["0 3 * * *", "@daily", "*/15  9-17 * JAN-jun mon-FRI"]
                variables: { TARGET: prod, PORT: 8080 }
                images:
                  box: { ref: local/busybox:1, pull: always }
                  builder: { build: { repository: app, context: ci, dockerfile: ci/Dockerfile } }
                  plain: { build: { context: tools } }
                repositories:
                  - url: https://git.example/lib.git
                    revision: 3f2a9c0d3f2a9c0d3f2a9c0d3f2a9c0d3f2a9c0d
                    mutable: false
                    credentials: LIB_TOKEN
                    submodules: true
                    name: lib
                  - url: git@git.example:team/app.git
                    revision: main
                    key: app-deploy
                tasks:
                  build:
                    image: builder
                    commands: [ "make ${TARGET}" ]
                    env: { A: "1", B: 2, C: "${SLIPWAY_COMMIT}" }
                    secrets: [ NPM_TOKEN, { name: SSH_KEY, file: /run/secrets/ssh }, { name: X, env: Y } ]
                    caches: [ { name: npm, path: /root/.npm, shared: true }, { name: m2, path: /root/.m2 } ]
                    outputs: [ out, dist/app ]
                    network: none
                    timeout: 1h30m
                    resources: { memory: 512MiB, cpus: 1.5 }
                  publish:
                    image: box
                    depends_on: [build]
                    commands: [ "cp -r out/. /deploy/" ]
                    deploy: { target: sites, path: /srv/out }
                    timeout: 30s
                """);

        assertThat(p.name()).isEqualTo("release");
        assertThat(p.triggers()).isEqualTo(new Triggers(new Triggers.Push(List.of("main"), List.of("v*"), List.of("src/**")),
                false, List.of("0 3 * * *", "0 0 * * *", "*/15 9-17 * JAN-jun mon-FRI")));
        assertThat(p.variables()).isEqualTo(Map.of("TARGET", "prod", "PORT", "8080"));
        assertThat(p.images()).isEqualTo(Map.of(
                "box", new ImageSpec.Reference("local/busybox:1", ImageSpec.PullPolicy.ALWAYS),
                "builder", new ImageSpec.Build("app", "ci", "ci/Dockerfile"),
                "plain", new ImageSpec.Build(null, "tools", "tools/Dockerfile")));
        assertThat(p.repositories()).containsExactly(
                new RepositoryEntry("https://git.example/lib.git", "3f2a9c0d3f2a9c0d3f2a9c0d3f2a9c0d3f2a9c0d", false, null, "LIB_TOKEN", true, "lib"),
                new RepositoryEntry("git@git.example:team/app.git", "main", true, "app-deploy", null, false, null));
        assertThat(p.repositories().get(1).mountName()).isEqualTo("app");

        Task build = p.task("build");
        assertThat(build.image()).isEqualTo("builder");
        assertThat(build.commands()).containsExactly("make ${TARGET}"); // substituted by the runner, not here
        assertThat(build.env()).isEqualTo(Map.of("A", "1", "B", "2", "C", "${SLIPWAY_COMMIT}"));
        assertThat(build.secrets()).containsExactly(new SecretRef("NPM_TOKEN", "NPM_TOKEN", null),
                new SecretRef("SSH_KEY", null, "/run/secrets/ssh"), new SecretRef("X", "Y", null));
        assertThat(build.caches()).containsExactly(new CacheMount("npm", "/root/.npm", true), new CacheMount("m2", "/root/.m2", false));
        assertThat(build.outputs()).containsExactly("out", "dist/app");
        assertThat(build.network()).isEqualTo(NetworkPolicy.NONE);
        assertThat(build.deployTarget()).isNull();
        assertThat(build.timeout()).isEqualTo(Duration.ofMinutes(90));
        assertThat(build.resources()).isEqualTo(new Task.Resources(512L << 20, 1.5));

        Task publish = p.task("publish");
        assertThat(publish.deployTarget()).isEqualTo(new DeployMount("sites", "/srv/out"));
        assertThat(publish.timeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(publish.resources()).isEqualTo(Task.Resources.NONE);
    }

    @Test
    void pullRequestSkipMarkersAndScheduleMappings() {
        Pipeline p = parser.parse(".slipway/images.yml", """
                on:
                  push: { branches: [main, "!wip/**"], paths: ["dockerfiles/**"], skip: ["[skip images]"] }
                  pull_request: { branches: [main], types: [opened, synchronized, closed] }
                  cron:
                    - "0 3 * * *"
                    - { schedule: "@hourly", branch: develop, timezone: Europe/Berlin }
                images: { box: local/busybox:1 }
                tasks:
                  t: { image: box, commands: [x] }
                """);
        assertThat(p.triggers().push()).isEqualTo(new Triggers.Push(List.of("main", "!wip/**"), List.of(), List.of("dockerfiles/**"),
                List.of("[skip images]")));
        assertThat(p.triggers().pullRequest()).isEqualTo(new Triggers.PullRequest(List.of("main"), List.of(),
                List.of("opened", "synchronize", "closed")));
        assertThat(p.triggers().schedules()).containsExactly(new Triggers.Schedule("0 3 * * *", null, null),
                new Triggers.Schedule("0 * * * *", "develop", "Europe/Berlin"));
        assertThat(parser.parse(".slipway/pr.yml", """
                on: { pull_request: true }
                images: { box: local/busybox:1 }
                tasks:
                  t: { image: box, commands: [x] }
                """).triggers().pullRequest()).isEqualTo(new Triggers.PullRequest(List.of(), List.of(), Triggers.PullRequest.DEFAULT_TYPES));
    }

    @Test
    void shorthandForms() {
        Pipeline p = parser.parse(".slipway/short.yml", """
                on:
                  push: true
                  cron: "0 3 * * 1"
                images:
                  box: local/busybox:1
                tasks:
                  a:
                    image: box
                    commands: echo a
                  b:
                    image: box
                    commands: [echo b]
                    depends_on: a
                    deploy: sites
                    secrets: TOKEN
                    outputs: dist
                """);

        assertThat(p.triggers()).isEqualTo(new Triggers(new Triggers.Push(List.of(), List.of(), List.of()), true, List.of("0 3 * * 1")));
        assertThat(p.images()).containsEntry("box", new ImageSpec.Reference("local/busybox:1", ImageSpec.PullPolicy.IF_NOT_PRESENT));
        assertThat(p.task("a").commands()).containsExactly("echo a");
        Task b = p.task("b");
        assertThat(b.dependsOn()).containsExactly("a");
        assertThat(b.deployTarget()).isEqualTo(new DeployMount("sites", "/deploy"));
        assertThat(b.secrets()).containsExactly(new SecretRef("TOKEN", "TOKEN", null));
        assertThat(b.outputs()).containsExactly("dist");
    }

    @Test
    void aMultiLineStringIsOneScriptKeptVerbatim() {
        Pipeline p = parser.parse(".slipway/script.yml", """
                images: { box: alpine:3.21 }
                tasks:
                  script:
                    image: box
                    commands: |
                      if [ -f Makefile ]; then
                        make
                      fi
                      echo "done" # shell comment
                  folded:
                    image: box
                    commands:
                      - |-
                        cat <<'EOF'
                        keep\\tthis
                        EOF
                      - echo next
                """);

        assertThat(p.task("script").commands()).containsExactly("if [ -f Makefile ]; then\n  make\nfi\necho \"done\" # shell comment\n");
        assertThat(p.task("folded").commands()).containsExactly("cat <<'EOF'\nkeep\\tthis\nEOF", "echo next");
    }

    @Test
    void scalarsKeepTheTextAsWrittenNotYamlsGuess() {
        Pipeline p = parser.parse(".slipway/text.yml", """
                variables: { A: 0123, B: 1.10, C: yes, D: 1e3, E: ~x }
                images: { box: alpine:3.21 }
                repositories:
                  - { url: "https://git.example/x.git", revision: 012345, name: x }
                tasks:
                  t: { image: box, commands: [ 007, true ], env: { N: off } }
                """);

        assertThat(p.variables()).isEqualTo(Map.of("A", "0123", "B", "1.10", "C", "yes", "D", "1e3", "E", "~x"));
        assertThat(p.repositories().getFirst().revision()).isEqualTo("012345");
        assertThat(p.task("t").commands()).containsExactly("007", "true");
        assertThat(p.task("t").env()).isEqualTo(Map.of("N", "off"));
    }

    @Test
    void mutableDefaultsToTrueAndFalseIsTheUsersAssertion() {
        Pipeline p = parser.parse(".slipway/m.yml", """
                images: { box: alpine:3.21 }
                repositories:
                  - { url: https://git.example/a.git, revision: 3f2a9c0d3f2a9c0d3f2a9c0d3f2a9c0d3f2a9c0d }
                  - { url: https://git.example/b.git, revision: v1.2.0, mutable: false }
                tasks:
                  t: { image: box, commands: [ls /src] }
                """);

        // No guessing from the revision's shape (seed 004): a sha without 'mutable: false' is still fetched.
        assertThat(p.repositories()).extracting(RepositoryEntry::mutable).containsExactly(true, false);
    }

    @Test
    void durationsAndSizes() {
        String template = """
                images: { box: alpine:3.21 }
                tasks:
                  t: { image: box, commands: [x], timeout: %s, resources: { memory: %s } }
                """;
        record Case(String timeout, Duration duration, String memory, long bytes) {}
        for (Case c : List.of(new Case("30s", Duration.ofSeconds(30), "6MiB", 6L << 20),
                new Case("10m", Duration.ofMinutes(10), "512MiB", 512L << 20),
                new Case("1h", Duration.ofHours(1), "2GiB", 2L << 30),
                new Case("1h30m", Duration.ofMinutes(90), "1GB", 1_000_000_000L),
                new Case("2h0m5s", Duration.ofSeconds(7205), "536870912", 536870912L),
                new Case("90m", Duration.ofMinutes(90), "64 MiB", 64L << 20))) {
            Task t = parser.parse(".slipway/q.yml", template.formatted(c.timeout(), c.memory())).task("t");
            assertThat(t.timeout()).as(c.timeout()).isEqualTo(c.duration());
            assertThat(t.resources().memoryBytes()).as(c.memory()).isEqualTo(c.bytes());
        }
    }

    @Test
    void mergeKeysAndExtensionFieldsShareSettingsBetweenTasks() {
        Pipeline p = parser.parse(".slipway/anchors.yml", """
                x-defaults: &defaults
                  image: box
                  timeout: 5m
                  env: { CI: "true" }
                images: { box: alpine:3.21 }
                tasks:
                  a:
                    <<: *defaults
                    commands: [echo a]
                  b:
                    <<: *defaults
                    timeout: 1m
                    commands: [echo b]
                """);

        assertThat(p.task("a").timeout()).isEqualTo(Duration.ofMinutes(5));
        assertThat(p.task("a").env()).isEqualTo(Map.of("CI", "true"));
        assertThat(p.task("b").timeout()).isEqualTo(Duration.ofMinutes(1));
        assertThat(p.task("b").image()).isEqualTo("box");
    }

    @Test
    void escapedAndShellOnlyDollarFormsAreNotVariables() {
        Pipeline p = parser.parse(".slipway/vars.yml", """
                variables: { TARGET: prod }
                images: { box: alpine:3.21 }
                tasks:
                  t:
                    image: box
                    commands:
                      - echo ${TARGET} $${HOME} $HOME $$ ${PATH:-/bin} ${SLIPWAY_RUN_ID}
                """);

        assertThat(p.task("t").commands()).containsExactly("echo ${TARGET} $${HOME} $HOME $$ ${PATH:-/bin} ${SLIPWAY_RUN_ID}");
    }
}
