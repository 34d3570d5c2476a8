package dev.slipway.actions.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.actions.workflow.Workflows;
import dev.slipway.ci.scheduler.CiStore;
import dev.slipway.ci.scheduler.ConcurrencyGroups;
import dev.slipway.ci.scheduler.RunProgram;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a workflow's run needs before its jobs start: its concurrency group, and the reusable workflows its jobs call. */
class WorkflowFlowTest {
    private static final WorkflowProgram PROGRAM = new WorkflowProgram(Map.of(), job -> null);

    private static CiStore.RunRow run(String definition, String variables, String trigger) {
        return new CiStore.RunRow(7, "o", "r", "ci.yml", "main", "abc123", "queued", trigger, variables, definition, null, "alice", 0,
                null, null, null, CiStore.RunEvent.NONE, "actions", ".gitea/workflows/ci.yml");
    }

    private static RunProgram.Values vars(Map<String, String> vars) {
        return RunProgram.Values.fixed(vars, Map.of());
    }

    @Test
    void aWorkflowsGroupIsEvaluatedWithGithubInputsAndVars() {
        String definition = """
                on:
                  workflow_dispatch:
                    inputs:
                      target: { type: string, default: staging }
                concurrency:
                  group: ${{ github.workflow }}-${{ github.ref }}-${{ inputs.target }}-${{ vars.SITE }}
                  cancel-in-progress: ${{ inputs.target != 'production' }}
                jobs:
                  a: { runs-on: x, steps: [ { run: echo } ] }
                """;
        var request = PROGRAM.concurrency(run(definition, "{}", "api"), "o/r", "refs/heads/main", vars(Map.of("SITE", "eu")));
        assertThat(request).isEqualTo(new ConcurrencyGroups.Request(".gitea/workflows/ci.yml-refs/heads/main-staging-eu", true));
        var production = PROGRAM.concurrency(run(definition, "{\"target\":\"production\"}", "api"), "o/r", "refs/heads/main", vars(Map.of()));
        assertThat(production).isEqualTo(new ConcurrencyGroups.Request(".gitea/workflows/ci.yml-refs/heads/main-production-", false));
    }

    @Test
    void aPlainGroupAndNoGroup() {
        String plain = """
                on: push
                concurrency: deploy
                jobs:
                  a: { runs-on: x, steps: [ { run: echo } ] }
                """;
        assertThat(PROGRAM.concurrency(run(plain, "{}", "push"), "o/r", "refs/heads/main", vars(Map.of())))
                .isEqualTo(new ConcurrencyGroups.Request("deploy", false));
        String none = "on: push\njobs:\n  a: { runs-on: x, steps: [ { run: echo } ] }\n";
        assertThat(PROGRAM.concurrency(run(none, "{}", "push"), "o/r", "refs/heads/main", vars(Map.of()))).isNull();
        String empty = "on: push\nconcurrency: ${{ vars.NONE }}\njobs:\n  a: { runs-on: x, steps: [ { run: echo } ] }\n";
        assertThat(PROGRAM.concurrency(run(empty, "{}", "push"), "o/r", "refs/heads/main", vars(Map.of()))).isNull();
    }

    @Test
    void calledWorkflowsAreReadWithThoseTheyCallAndProblemsNamed(@TempDir Path repo) throws Exception {
        Files.createDirectories(repo.resolve(".gitea/workflows"));
        Files.writeString(repo.resolve(".gitea/workflows/build.yml"), """
                on:
                  workflow_call:
                    secrets:
                      registry-password:
                jobs:
                  inner:
                    uses: ./.gitea/workflows/leaf.yml
                """);
        Files.writeString(repo.resolve(".gitea/workflows/leaf.yml"), """
                on: workflow_call
                jobs:
                  leaf: { runs-on: x, steps: [ { run: "echo ${{ secrets.LEAF_TOKEN }}" } ] }
                """);
        Files.writeString(repo.resolve(".gitea/workflows/broken.yml"), "on: workflow_call\njobs: {}\n");
        Path outside = Files.createTempFile("outside", ".yml");
        Files.writeString(outside, "on: workflow_call\njobs:\n  x: { runs-on: x, steps: [ { run: echo } ] }\n");
        Files.createSymbolicLink(repo.resolve(".gitea/workflows/linked.yml"), outside);
        var caller = Workflows.read(".gitea/workflows/ci.yml", """
                on: push
                jobs:
                  build: { uses: ./.gitea/workflows/build.yml, secrets: inherit }
                  again: { uses: ./.gitea/workflows/build.yml, secrets: inherit }
                  missing: { uses: ./.gitea/workflows/missing.yml }
                  broken: { uses: ./.gitea/workflows/broken.yml }
                  linked: { uses: ./.gitea/workflows/linked.yml }
                """);
        Map<String, Callee> callees = Callee.readAll(caller, repo);
        assertThat(callees).containsOnlyKeys(".gitea/workflows/build.yml", ".gitea/workflows/leaf.yml", ".gitea/workflows/missing.yml",
                ".gitea/workflows/broken.yml", ".gitea/workflows/linked.yml");
        assertThat(callees.get(".gitea/workflows/leaf.yml").problem()).isNull();
        assertThat(WorkflowProgram.secretNames(callees.get(".gitea/workflows/leaf.yml").text())).containsExactly("LEAF_TOKEN");
        assertThat(callees.get(".gitea/workflows/missing.yml").problem()).contains("no such file");
        assertThat(callees.get(".gitea/workflows/broken.yml").problem()).contains("not a valid workflow").contains("broken.yml");
        assertThat(callees.get(".gitea/workflows/linked.yml").problem()).isNotNull();
    }

    @Test
    void retryingATaskOfACalledWorkflowRunsTheWholeCallAgainAndWhatNeedsIt() {
        String definition = """
                on: push
                jobs:
                  call: { uses: ./.gitea/workflows/build.yml }
                  after: { needs: call, runs-on: x, steps: [ { run: echo } ] }
                  other: { runs-on: x, steps: [ { run: echo } ] }
                """;
        Map<String, String> details = Map.of("call-build", "{\"job\":\"call\"}", "call-test", "{\"job\":\"call\"}",
                "after", "{\"job\":\"after\"}", "other", "{\"job\":\"other\"}");
        assertThat(PROGRAM.withDependents(".gitea/workflows/ci.yml", definition, details, List.of("call-build", "call-test", "after", "other"),
                "call-build")).containsExactly("call-build", "call-test", "after");
    }

    @Test
    void aGroupThatIsNotAnExpressionErrorIsReported() {
        String bad = "on: push\nconcurrency: ${{ fromJSON('{') }}\njobs:\n  a: { runs-on: x, steps: [ { run: echo } ] }\n";
        assertThatThrownBy(() -> PROGRAM.concurrency(run(bad, "{}", "push"), "o/r", "refs/heads/main", vars(Map.of())))
                .isInstanceOf(RuntimeException.class);
    }
}
