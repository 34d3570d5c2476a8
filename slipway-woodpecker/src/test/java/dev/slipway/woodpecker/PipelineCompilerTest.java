package dev.slipway.woodpecker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.ci.model.Condition;
import dev.slipway.ci.model.Pipeline;
import dev.slipway.ci.model.Task;
import dev.slipway.ci.scheduler.ContainerOptions;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PipelineCompilerTest {
    private static When.Facts facts(String event, String branch) {
        return new When.Facts(event, branch, "refs/heads/" + branch, "admin/app", null, null, null, Map.of(),
                Map.of("CI_PIPELINE_EVENT", event, "CI_COMMIT_BRANCH", branch, "CI_REPO", "admin/app"), true);
    }

    /** A Woodpecker task's options: every one tells CI_PIPELINE_STATUS. */
    private static ContainerOptions options(String network, List<String> aliases, Set<String> until, boolean failureIgnored, String workdir) {
        return options(network, aliases, until, failureIgnored, workdir, null);
    }

    private static ContainerOptions options(String network, List<String> aliases, Set<String> until, boolean failureIgnored, String workdir,
                                            List<String> entrypoint) {
        return new ContainerOptions(network, aliases, until, failureIgnored, workdir, entrypoint, null, false, "CI_PIPELINE_STATUS", true);
    }

    private static List<Workflow> read(Map<String, String> files, Map<String, String> values) {
        WorkflowSet.Read r = WorkflowSet.of(files).read(values);
        assertThat(r.problems()).isEmpty();
        return r.workflows();
    }

    @Test
    void seedDeployCompilesToSequentialTasksWithTheValuesSubstituted() {
        List<Workflow> w = read(Map.of(".woodpecker/deploy.yml", WorkflowReaderTest.DEPLOY),
                Map.of("IMAGE_NAME", "ghcr.io/x/app", "IMAGE_TAG", "abcd1234", "CI_REPO", "admin/app"));
        PipelineCompiler.Compiled c = PipelineCompiler.compile("woodpecker", w, facts("manual", "master"), "/src/app");
        Pipeline p = c.pipeline();
        assertThat(p.tasks()).extracting(Task::name).containsExactly("deploy", "notify");
        assertThat(p.task("deploy").commands()).first().isEqualTo("kubectl set image deployment/app app=ghcr.io/x/app:abcd1234 -n apps");
        assertThat(p.task("notify").dependsOn()).containsExactly("deploy");
        assertThat(p.task("notify").when().status()).containsExactlyInAnyOrder(Condition.Status.SUCCESS, Condition.Status.FAILURE);
        assertThat(p.task("notify").commands()).containsExactly("echo \"deploy of admin/app ended\"");
        assertThat(p.images().get(p.task("deploy").image()).toString()).contains("bitnami/kubectl:latest");
        assertThat(c.skipped()).isEmpty();
    }

    @Test
    void aPushDoesNotStartTheManualDeploy() {
        List<Workflow> w = read(Map.of(".woodpecker/deploy.yml", WorkflowReaderTest.DEPLOY), Map.of());
        assertThat(PipelineCompiler.whyNot(w, facts("push", "master"))).hasValue("deploy: when.event is [manual]; this pipeline's event is push");
        assertThat(PipelineCompiler.whyNot(w, facts("manual", "master"))).isEmpty();
    }

    @Test
    void stepsLeftOutByWhenAreSkippedAndNotWaitedFor() {
        String file = """
                steps:
                  test:
                    image: alpine
                    commands: [echo test]
                  release:
                    image: alpine
                    commands: [echo release]
                    when:
                      - event: tag
                      - event: push
                        branch: release/*
                  after:
                    image: alpine
                    commands: [echo after]
                """;
        PipelineCompiler.Compiled c = PipelineCompiler.compile("woodpecker", read(Map.of(".woodpecker.yml", file), Map.of()), facts("push", "main"), "/src/app");
        assertThat(c.pipeline().tasks()).extracting(Task::name).containsExactly("test", "after");
        assertThat(c.pipeline().task("after").dependsOn()).containsExactly("test");
        assertThat(c.skipped()).containsOnlyKeys("release");
        assertThat(c.skipped().get("release")).startsWith("none of its when blocks holds (the first: when.event is [tag]");
        PipelineCompiler.Compiled onTag = PipelineCompiler.compile("woodpecker", read(Map.of(".woodpecker.yml", file), Map.of()), facts("tag", ""), "/src/app");
        assertThat(onTag.pipeline().tasks()).extracting(Task::name).containsExactly("test", "release", "after");
    }

    @Test
    void dependsOnMakesADagAndWorkflowsWaitForEachOther() {
        String lint = "steps:\n  check:\n    image: alpine\n    commands: [echo lint]\n";
        String build = """
                depends_on: [lint]
                steps:
                  a:
                    image: alpine
                    commands: [echo a]
                  b:
                    image: alpine
                    commands: [echo b]
                  c:
                    image: alpine
                    depends_on: [a, b]
                    commands: [echo c]
                """;
        List<Workflow> w = read(new java.util.TreeMap<>(Map.of(".woodpecker/build.yml", build, ".woodpecker/lint.yml", lint)), Map.of());
        Pipeline p = PipelineCompiler.compile("woodpecker", w, facts("push", "main"), "/src/app").pipeline();
        assertThat(p.tasks()).extracting(Task::name).containsExactlyInAnyOrder("lint.check", "build.a", "build.b", "build.c");
        assertThat(p.task("build.a").dependsOn()).containsExactly("lint.check");
        assertThat(p.task("build.b").dependsOn()).containsExactly("lint.check");
        assertThat(p.task("build.c").dependsOn()).containsExactly("build.a", "build.b");
    }

    @Test
    void secretsSettingsAndFailureIgnore() {
        String file = """
                steps:
                  publish:
                    image: alpine
                    failure: ignore
                    environment:
                      TOKEN:
                        from_secret: registry_token
                      PLAIN: "${CI_COMMIT_SHA}"
                    secrets: [old_style]
                    commands:
                      - echo $$TOKEN
                      - exit 2
                """;
        PipelineCompiler.Compiled c = PipelineCompiler.compile("woodpecker",
                read(Map.of(".woodpecker.yml", file), Map.of("CI_COMMIT_SHA", "abc")), facts("push", "main"), "/src/app");
        Task t = c.pipeline().task("publish");
        assertThat(c.secrets().get("publish")).containsExactlyInAnyOrderEntriesOf(Map.of("TOKEN", "registry_token", "OLD_STYLE", "old_style"));
        assertThat(t.env()).containsEntry("PLAIN", "abc").containsEntry("CI_STEP_NAME", "publish");
        assertThat(t.commands()).containsExactly("set +e", "( set -e\necho $TOKEN\nexit 2\n)",
                "rc=$?; set -e; [ \"$rc\" -eq 0 ] || echo \"exit code $rc ignored (failure: ignore)\"");
        assertThat(t.when().status()).isEqualTo(Set.of(Condition.Status.SUCCESS));
    }

    @Test
    void pluginSettingsBecomePluginVariablesAndTheStepRunsItsImagesEntrypoint() {
        String file = """
                steps:
                  notify:
                    image: plugins/slack
                    settings:
                      webhook:
                        from_secret: slack_webhook
                      channel: deploys
                      recipients: [alice, bob]
                      fields: {a: 1}
                """;
        PipelineCompiler.Compiled c = PipelineCompiler.compile("woodpecker", read(Map.of(".woodpecker.yml", file), Map.of()), facts("push", "main"), "/src/app");
        Task t = c.pipeline().task("notify");
        assertThat(t.commands()).isEmpty();
        assertThat(t.env()).containsEntry("PLUGIN_CHANNEL", "deploys").containsEntry("PLUGIN_RECIPIENTS", "alice,bob")
                .containsEntry("PLUGIN_FIELDS", "{\"a\":\"1\"}");
        assertThat(c.secrets().get("notify")).containsExactlyEntriesOf(Map.of("PLUGIN_WEBHOOK", "slack_webhook"));
    }

    @Test
    void repoIsCheckedWhenTheRunStartsAndInstanceIsNot() {
        String file = """
                steps:
                  here:
                    image: alpine
                    commands: [echo here]
                    when:
                      instance: ci.example.com
                      repo: [admin/*]
                  elsewhere:
                    image: alpine
                    commands: [echo elsewhere]
                    when:
                      repo:
                        exclude: admin/app
                """;
        PipelineCompiler.Compiled c = PipelineCompiler.compile("woodpecker", read(Map.of(".woodpecker.yml", file), Map.of()), facts("push", "main"), "/src/app");
        assertThat(c.pipeline().tasks()).extracting(Task::name).containsExactly("here");
        assertThat(c.skipped()).containsEntry("elsewhere", "when.repo is include [], exclude [admin/app]; the repository is admin/app");
    }

    @Test
    void servicesAreDetachedTasksFirstInTheirWorkflowReachedByNameOnItsNetwork() {
        String file = """
                services:
                  database:
                    image: postgres
                    ports: [5432]
                    environment:
                      POSTGRES_PASSWORD: x
                  cache:
                    image: redis
                    directory: data
                steps:
                  test:
                    image: alpine
                    commands: [nc -z database 5432]
                  report:
                    image: alpine
                    commands: [echo done]
                """;
        PipelineCompiler.Compiled c = PipelineCompiler.compile("woodpecker", read(Map.of(".woodpecker.yml", file), Map.of()), facts("push", "main"), "/src/app");
        Pipeline p = c.pipeline();
        assertThat(p.tasks()).extracting(Task::name).containsExactly("database", "cache", "test", "report");
        assertThat(p.task("database").dependsOn()).isEmpty();
        assertThat(p.task("database").commands()).isEmpty();
        assertThat(p.task("database").env()).containsEntry("POSTGRES_PASSWORD", "x");
        assertThat(p.task("test").dependsOn()).containsExactly("database", "cache");
        assertThat(p.task("report").dependsOn()).containsExactly("test");
        assertThat(c.containers().get("database")).isEqualTo(options("woodpecker", List.of("database"),
                Set.of("cache", "test", "report"), false, null));
        assertThat(c.containers().get("cache").workdir()).isEqualTo("/src/app/data");
        assertThat(c.containers().get("test")).isEqualTo(options("woodpecker", List.of("test"), null, false, null));
        assertThat(PipelineCompiler.tasks(read(Map.of(".woodpecker.yml", file), Map.of()))).containsExactly("database", "cache", "test", "report");
    }

    @Test
    void aWorkflowWithoutServicesHasNoNetwork() {
        String file = "steps:\n  a:\n    image: alpine\n    commands: [x]\n";
        assertThat(PipelineCompiler.compile("woodpecker", read(Map.of(".woodpecker.yml", file), Map.of()), facts("push", "main"), "/src/app")
                .containers().get("a")).isEqualTo(options(null, List.of(), null, false, null));
    }

    @Test
    void eachWorkflowHasItsOwnServicesAndNetwork() {
        String a = "services:\n  db:\n    image: postgres\nsteps:\n  t:\n    image: alpine\n    commands: [x]\n";
        String b = "depends_on: [a]\nsteps:\n  t:\n    image: alpine\n    commands: [x]\n";
        PipelineCompiler.Compiled c = PipelineCompiler.compile("woodpecker",
                read(new java.util.TreeMap<>(Map.of(".woodpecker/a.yml", a, ".woodpecker/b.yml", b)), Map.of()), facts("push", "main"), "/src/app");
        assertThat(c.pipeline().tasks()).extracting(Task::name).containsExactly("a.db", "a.t", "b.t");
        assertThat(c.pipeline().task("b.t").dependsOn()).containsExactly("a.db", "a.t");
        assertThat(c.containers().get("a.db")).isEqualTo(options("a", List.of("db"), Set.of("a.t"), false, null));
        assertThat(c.containers().get("b.t").network()).isNull();
    }

    @Test
    void aDetachedStepStartsWhereItIsAndTheStepsAfterItReachItByName() {
        String file = """
                steps:
                  build:
                    image: alpine
                    commands: [echo build]
                  database:
                    image: redis
                    detach: true
                  test:
                    image: alpine
                    commands: [redis-cli -h database ping]
                """;
        PipelineCompiler.Compiled c = PipelineCompiler.compile("woodpecker", read(Map.of(".woodpecker.yml", file), Map.of()), facts("push", "main"), "/src/app");
        Pipeline p = c.pipeline();
        assertThat(p.tasks()).extracting(Task::name).containsExactly("build", "database", "test");
        assertThat(p.task("database").dependsOn()).containsExactly("build");
        assertThat(p.task("test").dependsOn()).containsExactly("database");
        assertThat(c.containers().get("database")).isEqualTo(options("woodpecker", List.of("database"), Set.of("build", "test"),
                false, null));
        assertThat(c.containers().get("build").detached()).isFalse();
    }

    @Test
    void anEntrypointReplacesTheDefaultAndTheCommandsStayItsScript() {
        String file = """
                steps:
                  bash:
                    image: debian
                    entrypoint: ["/bin/bash", "-c", "echo $$CI_SCRIPT | base64 -d | /bin/bash -e"]
                    commands: ["echo $${BASH_VERSION}"]
                  alone:
                    image: alpine
                    entrypoint: some_entry
                    directory: sub
                  plain:
                    image: alpine
                    commands: [echo plain]
                """;
        PipelineCompiler.Compiled c = PipelineCompiler.compile("woodpecker", read(Map.of(".woodpecker.yml", file), Map.of()), facts("push", "main"), "/src/app");
        assertThat(c.pipeline().task("bash").commands()).containsExactly("echo $${BASH_VERSION}");
        assertThat(c.containers().get("bash").entrypoint()).containsExactly("/bin/bash", "-c", "echo $CI_SCRIPT | base64 -d | /bin/bash -e");
        assertThat(c.pipeline().task("alone").commands()).isEmpty();
        assertThat(c.containers().get("alone")).isEqualTo(options(null, List.of(), null, false, "/src/app/sub", List.of("some_entry")));
        assertThat(c.containers().get("plain")).isEqualTo(options(null, List.of(), null, false, null));
    }

    static final String MATRIX = """
            matrix:
              GO_VERSION: [1.21, 1.22]
              DATABASE: ["mysql:8", "postgres:16"]
            services:
              db:
                image: ${DATABASE}
            steps:
              test:
                image: golang:${GO_VERSION}
                commands: ["go test # on ${DATABASE}"]
              only-new:
                image: alpine
                commands: [echo new]
                when:
                  matrix:
                    GO_VERSION: 1.22
              not-mysql:
                image: alpine
                commands: [echo not mysql]
                when:
                  matrix:
                    exclude:
                      DATABASE: mysql*
            """;

    @Test
    void aMatrixIsAWorkflowPerCombinationWithItsValuesSubstitutedAndInTheEnvironment() {
        List<Workflow> w = read(Map.of(".woodpecker/test.yml", MATRIX), Map.of("CI_REPO", "admin/app"));
        assertThat(w).extracting(Workflow::name).containsExactly("test (GO_VERSION=1.21 DATABASE=mysql:8)",
                "test (GO_VERSION=1.21 DATABASE=postgres:16)", "test (GO_VERSION=1.22 DATABASE=mysql:8)", "test (GO_VERSION=1.22 DATABASE=postgres:16)");
        assertThat(w.get(1).matrix()).containsExactly(Map.entry("GO_VERSION", "1.21"), Map.entry("DATABASE", "postgres:16"));
        PipelineCompiler.Compiled c = PipelineCompiler.compile("woodpecker", w, facts("push", "main"), "/src/app");
        Pipeline p = c.pipeline();
        String second = "test (GO_VERSION=1.21 DATABASE=postgres:16)";
        assertThat(p.task(second + ".test").commands()).containsExactly("go test # on postgres:16");
        assertThat(p.images().get(p.task(second + ".test").image()).toString()).contains("golang:1.21");
        assertThat(p.images().get(p.task(second + ".db").image()).toString()).contains("postgres:16");
        assertThat(p.task(second + ".test").env()).containsEntry("GO_VERSION", "1.21").containsEntry("DATABASE", "postgres:16")
                .containsEntry("CI_WORKFLOW_NAME", "test");
        assertThat(c.containers().get(second + ".db").network()).isEqualTo(second);
        // when.matrix: a glob of the value; exclude leaves out the combinations whose values all match
        assertThat(c.skipped()).containsOnlyKeys("test (GO_VERSION=1.21 DATABASE=mysql:8).only-new", second + ".only-new",
                "test (GO_VERSION=1.21 DATABASE=mysql:8).not-mysql", "test (GO_VERSION=1.22 DATABASE=mysql:8).not-mysql");
        assertThat(c.skipped().get(second + ".only-new")).isEqualTo("when.matrix wants GO_VERSION=1.22; it is '1.21'");
        assertThat(c.skipped().get("test (GO_VERSION=1.22 DATABASE=mysql:8).not-mysql"))
                .isEqualTo("when.matrix excludes DATABASE=mysql*; this workflow's matrix is GO_VERSION=1.22 DATABASE=mysql:8");
        // What a run lists when it is created: the same names, from the file as written.
        WorkflowSet.Read asWritten = WorkflowSet.of(Map.of(".woodpecker/test.yml", MATRIX)).readAsWritten();
        assertThat(PipelineCompiler.tasks(asWritten.workflows())).containsAll(p.tasks().stream().map(Task::name).toList()).hasSize(16);
    }

    @Test
    void aMatrixOfOneCombinationKeepsTheNamesAndOtherWorkflowsWaitForEveryCombination() {
        String one = "matrix:\n  include:\n    - GO: 1.22\nsteps:\n  t:\n    image: golang:${GO}\n    commands: [x]\n";
        List<Workflow> single = read(Map.of(".woodpecker.yml", one), Map.of());
        assertThat(PipelineCompiler.compile("woodpecker", single, facts("push", "main"), "/src/app").pipeline().tasks()).extracting(Task::name)
                .containsExactly("t");
        String two = "matrix:\n  GO: [1.21, 1.22]\nsteps:\n  t:\n    image: golang:${GO}\n    commands: [x]\n";
        String after = "depends_on: [build]\nsteps:\n  deploy:\n    image: alpine\n    commands: [x]\n";
        List<Workflow> w = read(new java.util.TreeMap<>(Map.of(".woodpecker/build.yml", two, ".woodpecker/deploy.yml", after)), Map.of());
        Pipeline p = PipelineCompiler.compile("woodpecker", w, facts("push", "main"), "/src/app").pipeline();
        assertThat(p.task("deploy.deploy").dependsOn()).containsExactly("build (GO=1.21).t", "build (GO=1.22).t");
    }

    @Test
    void placesSayWhichWorkflowAndStepATaskIs() {
        List<Workflow> w = read(Map.of(".woodpecker/test.yml", MATRIX), Map.of());
        PipelineCompiler.Place place = PipelineCompiler.places(w).get("test (GO_VERSION=1.22 DATABASE=mysql:8).db");
        assertThat(place.workflow().baseName()).isEqualTo("test");
        assertThat(place.workflow().matrix()).containsEntry("DATABASE", "mysql:8");
        assertThat(place.step().service()).isTrue();
    }

    @Test
    void evaluateDecidesWithTheRunsVariablesAndTheMatrixValues() {
        String file = """
                matrix:
                  GO: [1.21, 1.22]
                steps:
                  on-main:
                    image: alpine
                    commands: [echo main]
                    when:
                      evaluate: 'CI_COMMIT_BRANCH == "main" && GO == "1.22"'
                  not-skipped:
                    image: alpine
                    commands: [echo x]
                    when:
                      evaluate: 'SKIP != "true"'
                """;
        PipelineCompiler.Compiled c = PipelineCompiler.compile("woodpecker", read(Map.of(".woodpecker.yml", file), Map.of()), facts("push", "main"), "/src/app");
        assertThat(c.skipped()).containsOnlyKeys("woodpecker (GO=1.21).on-main");
        assertThat(c.skipped().get("woodpecker (GO=1.21).on-main")).isEqualTo("when.evaluate is false: CI_COMMIT_BRANCH == \"main\" && GO == \"1.22\"");
    }

    @Test
    void anExpressionThatCannotBeEvaluatedIsAnErrorThatSaysWhere() {
        String file = "steps:\n  a:\n    image: alpine\n    commands: [x]\n    when:\n      evaluate: 'CI_REPO && true'\n";
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> PipelineCompiler.compile("woodpecker", read(Map.of(".woodpecker.yml", file),
                Map.of()), facts("push", "main"), "/src/app")).hasMessage(
                ".woodpecker.yml:6:18: when.evaluate cannot be evaluated: '&&' needs true or false, not the text \"admin/app\"");
    }

    @Test
    void atTheTriggerAnExpressionOverVariablesItDoesNotKnowYetHolds() {
        String file = "when:\n  evaluate: 'CI_PIPELINE_EVENT == \"tag\"'\nsteps:\n  a:\n    image: alpine\n    commands: [x]\n";
        String later = "when:\n  evaluate: 'CI_PIPELINE_NUMBER == \"1\"'\nsteps:\n  a:\n    image: alpine\n    commands: [x]\n";
        When.Facts trigger = new When.Facts("push", "main", "refs/heads/main", null, null, null, null, Map.of(),
                Map.of("CI_PIPELINE_EVENT", "push"), false);
        assertThat(PipelineCompiler.whyNot(read(Map.of(".woodpecker.yml", file), Map.of()), trigger))
                .hasValue("woodpecker: when.evaluate is false: CI_PIPELINE_EVENT == \"tag\"");
        assertThat(PipelineCompiler.whyNot(read(Map.of(".woodpecker.yml", later), Map.of()), trigger)).isEmpty();
    }

    @Test
    void pathFiltersMatchAsWoodpeckersForPushesAndPullRequestsOnly() {
        When.PathFilter f = new When.PathFilter(new When.Filter(List.of("src/**"), List.of("**/*.md")), true, "[ALL]");
        assertThat(f.whyNot(Set.of("src/a.go", "README.md"), "x")).isEmpty();
        assertThat(f.whyNot(Set.of("src/x.md", "docs/y.txt"), "x")).as("not every file is excluded, and one is included").isEmpty();
        assertThat(f.whyNot(Set.of("src/x.md", "docs/y.md"), "x")).hasValue("when.path excludes every changed file ([**/*.md])");
        assertThat(f.whyNot(Set.of("docs/y.txt"), "x")).hasValue("when.path is [src/**]; no changed file matches");
        assertThat(f.whyNot(Set.of("docs/y.txt"), "build it [all]")).as("ignore_message").isEmpty();
        assertThat(f.whyNot(Set.of(), "x")).isEmpty();
        assertThat(new When.PathFilter(new When.Filter(List.of("src/**"), List.of()), false, "").whyNot(Set.of(), "x"))
                .hasValue("when.path has on_empty: false; no file changed");

        String file = "steps:\n  a:\n    image: alpine\n    commands: [x]\n    when:\n      path: src/**\n";
        java.util.function.Function<String, When.Facts> changed = event -> new When.Facts(event, "main", "refs/heads/main", "admin/app", null,
                null, () -> Set.of("docs/a.md"), Map.of(), Map.of(), true);
        assertThat(PipelineCompiler.compile("woodpecker", read(Map.of(".woodpecker.yml", file), Map.of()), changed.apply("push"), "/src/app")
                .skipped()).containsEntry("a", "when.path is [src/**]; no changed file matches");
        assertThat(PipelineCompiler.compile("woodpecker", read(Map.of(".woodpecker.yml", file), Map.of()), changed.apply("tag"), "/src/app")
                .skipped()).isEmpty();
        assertThat(PipelineCompiler.compile("woodpecker", read(Map.of(".woodpecker.yml", file), Map.of()),
                changed.apply("pull_request_closed"), "/src/app").skipped()).isEmpty();
    }

    @Test
    void aWorkspaceIsWhereTheCheckoutIsAndSkipCloneLeavesItEmpty() {
        String file = """
                skip_clone: true
                workspace:
                  base: /go
                  path: src/example.com/app
                steps:
                  build:
                    image: golang
                    commands: ["echo ${CI_WORKSPACE}"]
                  plugin:
                    image: plugins/x
                    directory: sub
                """;
        List<Workflow> w = read(Map.of(".woodpecker.yml", file), Map.of("CI_WORKSPACE", "/src/app"));
        PipelineCompiler.Compiled c = PipelineCompiler.compile("woodpecker", w, facts("push", "main"), "/src/app");
        assertThat(c.pipeline().task("build").commands()).containsExactly("echo /go/src/example.com/app");
        assertThat(c.pipeline().task("build").env()).containsEntry("CI_WORKSPACE", "/go/src/example.com/app");
        assertThat(c.containers().get("build")).isEqualTo(new ContainerOptions(null, List.of(), null, false, null, null,
                "/go/src/example.com/app", true, "CI_PIPELINE_STATUS", true));
        assertThat(c.containers().get("plugin").workdir()).isEqualTo("/go/src/example.com/app/sub");
    }

    @Test
    void instancePlatformEnvironmentAndLocalFilterStepsAsWoodpeckerDoes() {
        String file = """
                labels:
                  platform: linux/arm64
                steps:
                  here:
                    image: alpine
                    commands: [echo here]
                    when:
                      instance: ci.example.com
                  elsewhere:
                    image: alpine
                    commands: [echo elsewhere]
                    when:
                      instance: [stage.*.com]
                  arm:
                    image: alpine
                    commands: [echo arm]
                    when:
                      platform: [linux/arm*]
                  amd:
                    image: alpine
                    commands: [echo amd]
                    when:
                      platform: linux/amd64
                  production:
                    image: alpine
                    commands: [echo production]
                    when:
                      environment: production
                  server-only:
                    image: alpine
                    commands: [echo server]
                    when:
                      local: false
                """;
        List<Workflow> w = read(Map.of(".woodpecker.yml", file), Map.of());
        Map<String, String> env = Map.of("CI_PIPELINE_EVENT", "manual", "CI_COMMIT_BRANCH", "main", "CI_REPO", "admin/app",
                "CI_PIPELINE_DEPLOY_TARGET", "production");
        When.Facts server = new When.Facts("manual", "main", "refs/heads/main", "admin/app", "ci.example.com", null, null, Map.of(), env, true);
        PipelineCompiler.Compiled c = PipelineCompiler.compile("woodpecker", w, server, "/src/app");
        assertThat(c.pipeline().tasks()).extracting(Task::name).containsExactly("here", "arm", "production", "server-only");
        assertThat(c.skipped()).containsEntry("elsewhere", "when.instance is [stage.*.com]; this server is ci.example.com")
                .containsEntry("amd", "when.platform is [linux/amd64]; the workflow runs on linux/arm64");

        Map<String, String> noTarget = new java.util.HashMap<>(env);
        noTarget.put("CI_PIPELINE_DEPLOY_TARGET", "");
        When.Facts exec = new When.Facts("manual", "main", "refs/heads/main", null, "", null, null, Map.of(), noTarget, true).asLocal();
        PipelineCompiler.Compiled local = PipelineCompiler.compile("woodpecker", w, exec, "/src/app");
        assertThat(local.pipeline().tasks()).extracting(Task::name).containsExactly("arm");
        assertThat(local.skipped()).containsEntry("here", "when.instance is [ci.example.com]; this server is none (slipway exec, or no external-url)")
                .containsEntry("production", "when.environment is [production]; the deploy target is none (set CI_PIPELINE_DEPLOY_TARGET with the pipeline's variables)")
                .containsEntry("server-only", "when.local is false: not run by slipway exec");
    }

    @Test
    void aWorkflowWithoutAPlatformLabelRunsOnTheServersOwnPlatform() {
        String file = """
                when:
                  platform: windows/*
                steps:
                  build:
                    image: alpine
                    commands: [echo build]
                """;
        List<Workflow> w = read(Map.of(".woodpecker.yml", file), Map.of());
        assertThat(When.Facts.ownPlatform()).matches("[a-z0-9]+/[a-z0-9]+");
        assertThat(PipelineCompiler.whyNot(w, facts("push", "main")))
                .hasValue("woodpecker: when.platform is [windows/*]; the workflow runs on " + When.Facts.ownPlatform());
    }

    @Test
    void localTakesTrueOrFalse() {
        WorkflowSet.Read r = WorkflowSet.of(Map.of(".woodpecker.yml", """
                steps:
                  build:
                    image: alpine
                    commands: [echo build]
                    when:
                      local: maybe
                """)).read(Map.of());
        assertThat(r.describeProblems()).contains("when.local takes true or false, not 'maybe'").contains(".woodpecker.yml:6:14");
    }
}
