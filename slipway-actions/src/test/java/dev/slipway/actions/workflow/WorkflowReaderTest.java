package dev.slipway.actions.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slipway.actions.expr.Scope;
import dev.slipway.actions.workflow.Permissions.Access;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the reader makes of valid workflows: the model, its defaults, and the positions it keeps. */
class WorkflowReaderTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void onAsAStringAListOrAMapping() {
        On one = TestFiles.read("on: push\njobs: {a: {runs-on: x, steps: [{run: make}]}}\n").on();
        assertThat(one.push()).isNotNull();
        assertThat(one.pullRequest()).isNull();

        On list = TestFiles.read("on: [push, pull_request, workflow_dispatch]\njobs: {a: {runs-on: x, steps: [{run: make}]}}\n").on();
        assertThat(list.push()).isNotNull();
        assertThat(list.pullRequest().types()).containsExactly("opened", "synchronize", "reopened");
        assertThat(list.workflowDispatch().inputs()).isEmpty();

        On map = TestFiles.read("""
                on:
                  push:
                    branches: [main, 'releases/**']
                    tags: v*
                    paths-ignore: [docs/**]
                  pull_request_target:
                    types: closed
                  schedule:
                    - cron: '30 5 * * 1-5'
                      timezone: Europe/Berlin
                jobs: {a: {runs-on: x, steps: [{run: make}]}}
                """).on();
        assertThat(map.push().branches()).containsExactly("main", "releases/**");
        assertThat(map.push().tags()).containsExactly("v*");
        assertThat(map.push().pathsIgnore()).containsExactly("docs/**");
        assertThat(map.push().paths()).isEmpty();
        assertThat(map.pullRequest()).isNull();
        assertThat(map.pullRequestTarget().event()).isEqualTo("pull_request_target");
        assertThat(map.pullRequestTarget().types()).containsExactly("closed");
        assertThat(map.schedules()).singleElement().satisfies(s -> {
            assertThat(s.cron()).isEqualTo("30 5 * * 1-5");
            assertThat(s.timezone()).isEqualTo("Europe/Berlin");
            assertThat(s.at().line()).isEqualTo(9);
        });
    }

    @Test
    void jobsStepsAndTheirDefaults() {
        Workflow w = TestFiles.read("""
                name: CI
                on: push
                env:
                  B: two
                  A: one
                defaults:
                  run:
                    shell: bash
                jobs:
                  build:
                    name: Build
                    runs-on: [self-hosted, linux]
                    steps:
                      - uses: actions/checkout@v4
                        with:
                          fetch-depth: 0
                      - id: test
                        run: |
                          make test
                          make lint
                        working-directory: src
                  deploy:
                    needs: build
                    if: github.ref == 'refs/heads/main'
                    runs-on: ubuntu-latest
                    timeout-minutes: 30
                    continue-on-error: true
                    defaults:
                      run:
                        working-directory: deploy
                    steps:
                      - run: ./deploy.sh
                        shell: sh
                """);
        assertThat(w.displayName()).isEqualTo("CI");
        assertThat(w.env().keySet()).containsExactly("B", "A");
        Job.Steps build = (Job.Steps) w.job("build");
        assertThat(build.name().source()).isEqualTo("Build");
        assertThat(build.runsOn().evaluate(Scope.of(Map.of()))).containsExactly("self-hosted", "linux");
        assertThat(build.timeoutMinutes().source()).isEqualTo("360");
        assertThat(build.continueOnError().source()).isEqualTo("false");
        assertThat(build.condition().source()).isEmpty();
        assertThat(build.needs()).isEmpty();
        assertThat(build.steps()).hasSize(2);
        Step.Uses checkout = (Step.Uses) build.steps().get(0);
        assertThat(checkout.uses()).isEqualTo(new ActionRef.Remote(null, "actions", "checkout", "", "v4", "actions/checkout@v4"));
        assertThat(checkout.with().get("fetch-depth").source()).isEqualTo("0");
        assertThat(checkout.defaultName()).isEqualTo("Run actions/checkout@v4");
        Step.Run test = (Step.Run) build.steps().get(1);
        assertThat(test.id()).isEqualTo("test");
        assertThat(test.index()).isEqualTo(1);
        assertThat(test.run().source()).isEqualTo("make test\nmake lint\n");
        assertThat(test.defaultName()).isEqualTo("Run make test");
        assertThat(test.settings(build.defaults().or(w.defaults())).shell().source()).isEqualTo("bash");
        assertThat(test.settings(build.defaults().or(w.defaults())).workingDirectory().source()).isEqualTo("src");

        Job.Steps deploy = (Job.Steps) w.job("deploy");
        assertThat(deploy.needs()).containsExactly("build");
        assertThat(deploy.timeoutMinutes().source()).isEqualTo("30");
        assertThat(deploy.continueOnError().evaluateFlag(Scope.of(Map.of()))).isTrue();
        Step.Run script = (Step.Run) deploy.steps().getFirst();
        RunDefaults settings = script.settings(deploy.defaults().or(w.defaults()));
        assertThat(settings.shell().source()).isEqualTo("sh");
        assertThat(settings.workingDirectory().source()).isEqualTo("deploy");
        assertThat(deploy.condition().test(Scope.of(Map.of("github", JSON.createObjectNode().put("ref", "refs/heads/main"))))).isTrue();
        assertThat(deploy.condition().test(Scope.of(Map.of("github", JSON.createObjectNode().put("ref", "refs/heads/dev"))))).isFalse();
    }

    @Test
    void everyValueKeepsItsPosition() {
        Workflow w = TestFiles.read("""
                on: push
                jobs:
                  build:
                    runs-on: ${{ matrix.os }}
                    strategy:
                      matrix:
                        os: [a, b]
                    steps:
                      - name: Greet
                        if: always()
                        env:
                          WHO: world
                        run: echo "hello $WHO"
                """);
        Job.Steps build = (Job.Steps) w.job("build");
        assertThat(build.at()).isEqualTo(new Position(".github/workflows/test.yml", 3, 3));
        assertThat(build.runsOn().labels().getFirst().at()).isEqualTo(new Position(".github/workflows/test.yml", 4, 14));
        assertThat(build.strategy().matrix().at().line()).isEqualTo(6);
        Step step = build.steps().getFirst();
        assertThat(step.at().toString()).isEqualTo(".github/workflows/test.yml:9:9");
        assertThat(step.condition().at().toString()).isEqualTo(".github/workflows/test.yml:10:13");
        assertThat(step.env().get("WHO").at().toString()).isEqualTo(".github/workflows/test.yml:12:16");
        assertThat(((Step.Run) step).run().at().line()).isEqualTo(13);
    }

    @Test
    void anchorsAliasesAndMergeKeysReadAsTheAnchoredValues() {
        Workflow w = TestFiles.read("""
                on: push
                jobs:
                  build:
                    runs-on: ubuntu-latest
                    env: &env
                      MODE: release
                    steps: &steps
                      - run: make
                  test:
                    <<: &linux
                      runs-on: debian
                      timeout-minutes: 10
                    env: *env
                    steps: *steps
                """);
        Job.Steps test = (Job.Steps) w.job("test");
        assertThat(test.runsOn().labels().getFirst().source()).isEqualTo("debian");
        assertThat(test.timeoutMinutes().source()).isEqualTo("10");
        assertThat(test.env().get("MODE").source()).isEqualTo("release");
        assertThat(((Step.Run) test.steps().getFirst()).run().source()).isEqualTo("make");
        // An alias reads at its anchor: a problem in it points where it is written.
        assertThat(test.env().get("MODE").at().line()).isEqualTo(6);
    }

    @Test
    void containersServicesEnvironmentConcurrencyPermissions() {
        Workflow w = TestFiles.read("""
                on: push
                permissions: read-all
                concurrency: ci-${{ github.ref }}
                jobs:
                  build:
                    runs-on: ubuntu-latest
                    permissions:
                      contents: write
                      packages: write
                    concurrency:
                      group: build-${{ github.ref }}
                      cancel-in-progress: ${{ github.ref != 'refs/heads/main' }}
                    environment:
                      name: production
                      url: https://example.com/${{ steps.deploy.outputs.path }}
                    container:
                      image: node:20-bookworm
                      env:
                        NODE_ENV: test
                      credentials:
                        username: ${{ secrets.USER }}
                        password: ${{ secrets.PASSWORD }}
                      volumes: [cache:/cache]
                      options: --cpus 2
                    services:
                      db: postgres:16
                      cache:
                        image: redis:7
                        ports: [6379]
                        options: --health-cmd "redis-cli ping"
                    steps:
                      - run: make
                """);
        assertThat(w.permissions().access("contents")).isEqualTo(Access.READ);
        assertThat(w.permissions().access("id-token")).isEqualTo(Access.NONE);
        assertThat(w.concurrency().group().source()).isEqualTo("ci-${{ github.ref }}");
        assertThat(w.concurrency().cancelInProgress().source()).isEqualTo("false");
        Job.Steps build = (Job.Steps) w.job("build");
        assertThat(build.permissions().access("contents")).isEqualTo(Access.WRITE);
        assertThat(build.permissions().access("actions")).isEqualTo(Access.NONE);
        assertThat(build.concurrency().cancelInProgress().isLiteral()).isFalse();
        assertThat(build.environment().name().source()).isEqualTo("production");
        assertThat(build.environment().url().source()).contains("steps.deploy");
        Container container = build.container();
        assertThat(container.image().source()).isEqualTo("node:20-bookworm");
        assertThat(container.env().get("NODE_ENV").source()).isEqualTo("test");
        assertThat(container.credentials().username().source()).isEqualTo("${{ secrets.USER }}");
        assertThat(container.volumes()).extracting(Value::source).containsExactly("cache:/cache");
        assertThat(container.options().source()).isEqualTo("--cpus 2");
        assertThat(build.services().keySet()).containsExactly("db", "cache");
        assertThat(build.services().get("db").image().source()).isEqualTo("postgres:16");
        assertThat(build.services().get("cache").ports()).extracting(Value::source).containsExactly("6379");
    }

    @Test
    void reusableWorkflowCallsAndTheirDeclarations() {
        Workflow caller = TestFiles.read("""
                on: push
                jobs:
                  deploy:
                    uses: ./.gitea/workflows/deploy.yml
                    with:
                      tag: v1
                      dry-run: true
                    secrets: inherit
                  other:
                    uses: ./.github/workflows/other.yaml
                    secrets:
                      tokn: ${{ secrets.TOKEN }}
                """);
        Job.Call deploy = (Job.Call) caller.job("deploy");
        assertThat(deploy.uses()).isEqualTo(new WorkflowRef.Local(".gitea/workflows/deploy.yml", "./.gitea/workflows/deploy.yml"));
        assertThat(deploy.with().keySet()).containsExactly("tag", "dry-run");
        assertThat(deploy.secrets().inherit()).isTrue();
        Job.Call other = (Job.Call) caller.job("other");
        assertThat(other.secrets().inherit()).isFalse();
        assertThat(other.secrets().passed().keySet()).containsExactly("tokn");

        On.Call callee = TestFiles.read("""
                on:
                  workflow_call:
                    inputs:
                      tag: {type: string, required: true}
                      dry-run: {type: boolean, default: false}
                      replicas: {type: number, default: "${{ vars.REPLICAS }}"}
                    secrets:
                      token:
                      registry: {required: true}
                    outputs:
                      image:
                        value: ${{ jobs.build.outputs.image }}
                jobs: {build: {runs-on: x, steps: [{run: make}]}}
                """).on().workflowCall();
        assertThat(callee.inputs().keySet()).containsExactly("tag", "dry-run", "replicas");
        assertThat(callee.inputs().get("tag").required()).isTrue();
        assertThat(callee.inputs().get("dry-run").type()).isEqualTo(On.InputType.BOOLEAN);
        assertThat(callee.secrets().get("token").required()).isFalse();
        assertThat(callee.secrets().get("registry").required()).isTrue();
        assertThat(callee.outputs().get("image").value().source()).isEqualTo("${{ jobs.build.outputs.image }}");
        // deploy inherits the secrets and passes the required input; other misses both and misspells a secret
        assertThat(callee.check(deploy)).isEmpty();
        assertThat(callee.check(other)).extracting(p -> p.line() + ":" + p.column() + ": " + p.message()).containsExactly(
                "9:3: jobs.other: ./.github/workflows/other.yaml requires input 'tag'; pass it in 'with'",
                "9:3: jobs.other: ./.github/workflows/other.yaml requires secret 'registry'; pass it in 'secrets', or write 'secrets: inherit'",
                "12:13: jobs.other.secrets: ./.github/workflows/other.yaml takes no secret 'tokn' (did you mean 'token'?); its secrets: token, registry");
    }
}
