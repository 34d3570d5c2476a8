package dev.slipway.actions.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.actions.expr.Expressions;
import dev.slipway.actions.expr.Status.Conclusion;
import dev.slipway.actions.run.Job;
import dev.slipway.actions.run.JobContexts;
import dev.slipway.actions.run.JobResult;
import dev.slipway.actions.run.JobRuntime;
import dev.slipway.actions.run.LocalSession;
import dev.slipway.actions.run.RecordingLog;
import dev.slipway.actions.run.RunInfo;
import dev.slipway.actions.run.RunnerInfo;
import dev.slipway.actions.run.Step;
import dev.slipway.actions.run.StepResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Actions read from their action.yml and run on a local session: a composite action with input
 * defaults and outputs that uses a fetched one, a JavaScript action's pre, main and post steps, and
 * actions that cannot run, each failing its step with a message that says why.
 */
class RepositoryActionsTest {
    @TempDir
    Path dir;
    LocalSession session;
    Path workspace;
    Path remotes;
    final RecordingLog log = new RecordingLog();

    @BeforeEach
    void setUp() throws Exception {
        session = LocalSession.in(dir.resolve("job"));
        workspace = Path.of(session.workspace());
        remotes = Files.createDirectories(dir.resolve("remotes"));
    }

    JobResult run(Step... steps) {
        RepositoryActions actions = new RepositoryActions(new ActionCache(remotes.toUri().toString(), dir.resolve("cache")), session.workspace(),
                workspace);
        RunInfo info = RunInfo.builder().serverUrl("http://forge.test/").repository("alice/app").sha("0123456789abcdef0123456789abcdef01234567")
                .ref("refs/heads/main").event("push", new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode()).runId("1").runNumber(1)
                .actor("alice").workflow("w").token("t").build();
        return new JobRuntime(session, log, new BuiltinActions(actions, null, null, List.of("refs/heads/main"))).run(Job.of("build", List.of(steps)), info,
                RunnerInfo.linux("test", dir.resolve("tools").toString()), JobContexts.EMPTY);
    }

    void write(String path, String text) throws Exception {
        Path f = workspace.resolve(path);
        Files.createDirectories(f.getParent());
        Files.writeString(f, text);
    }

    static Step.Uses uses(String id, String uses, Map<String, String> with) {
        Map<String, dev.slipway.actions.expr.Template> w = new LinkedHashMap<>();
        with.forEach((k, v) -> w.put(k, Expressions.template(v)));
        return new Step.Uses(new Step.Options(id, null, null, Map.of(), null, null), uses, w);
    }

    static Step.Run run(String script) {
        return new Step.Run(Step.Options.NONE, Expressions.template(script), "bash", null);
    }

    String output() {
        return log.stdout() + log.stderr();
    }

    @Test
    void aCompositeActionFillsInDefaultsMapsOutputsAndUsesAFetchedAction() throws Exception {
        try (Git work = ActionCacheTest.repo(dir.resolve("shout-src"), Map.of("action.yml", """
                inputs:
                  text: {}
                outputs:
                  loud:
                    value: ${{ steps.up.outputs.loud }}
                runs:
                  using: composite
                  steps:
                    - id: up
                      shell: bash
                      run: echo "loud=$(echo '${{ inputs.text }}' | tr a-z A-Z)" >> "$GITHUB_OUTPUT"
                """))) {
            work.tag().setName("v1").call();
            Git.cloneRepository().setURI(work.getRepository().getDirectory().toURI().toString()).setBare(true)
                    .setDirectory(remotes.resolve("octo/shout").toFile()).call().close();
        }
        write("actions/greet/action.yml", """
                inputs:
                  who:
                    required: true
                  greeting:
                    default: hello ${{ github.repository }}
                outputs:
                  said:
                    value: ${{ steps.shout.outputs.loud }}
                runs:
                  using: composite
                  steps:
                    - id: say
                      shell: bash
                      run: echo "text=${{ inputs.greeting }}, ${{ inputs.who }}" >> "$GITHUB_OUTPUT"
                    - id: shout
                      uses: octo/shout@v1
                      with:
                        text: ${{ steps.say.outputs.text }}
                    - shell: bash
                      run: echo "path ${{ github.action_path }}"
                """);
        JobResult r = run(uses("greet", "./actions/greet", Map.of("who", "bob", "extra", "x")), run("echo \"got ${{ steps.greet.outputs.said }}\""));
        assertThat(r.result()).as(log.text()).isEqualTo(Conclusion.SUCCESS);
        assertThat(output()).isEqualTo("path " + workspace.resolve("actions/greet") + "\ngot HELLO ALICE/APP, BOB\n");
        assertThat(log.system()).anyMatch(l -> l.startsWith("octo/shout@v1: fetching " + remotes.toUri() + "octo/shout at v1"));
        assertThat(r.steps().getFirst().annotations()).extracting(a -> a.level().word() + ": " + a.message())
                .containsExactly("warning: Unexpected input(s) 'extra', valid inputs are [who, greeting]");
    }

    @Test
    void aJavaScriptActionRunsPreMainAndPostWithInputsAndState() throws Exception {
        write("js/action.yml", """
                inputs:
                  name:
                    default: nobody
                runs:
                  using: node20
                  pre: pre.js
                  main: main.js
                  post: post.js
                  post-if: failure()
                """);
        write("js/pre.js", "require('fs').appendFileSync(process.env.GITHUB_STATE, 'seen=pre\\n'); console.log('pre ' + process.env.INPUT_NAME);\n");
        write("js/main.js", "console.log('main ' + process.env.INPUT_NAME + ' ' + process.env.STATE_seen + ' ' + process.env.GITHUB_ACTION_PATH);"
                + " process.exit(3);\n");
        write("js/post.js", "console.log('post ' + process.env.STATE_seen);\n");
        JobResult r = run(uses("js", "./js", Map.of("name", "ann")));
        assertThat(r.result()).isEqualTo(Conclusion.FAILURE);
        assertThat(output()).isEqualTo("pre ann\nmain ann pre " + workspace.resolve("js") + "\npost pre\n");
        assertThat(r.steps()).extracting(StepResult::phase).containsExactly(StepResult.Phase.PRE, StepResult.Phase.MAIN, StepResult.Phase.POST);
        assertThat(r.steps().get(1).exitCode()).isEqualTo(3);
    }

    @Test
    void actionsThatCannotRunFailTheirStepAndSayWhy() throws Exception {
        write("old/action.yml", """
                runs:
                  using: node8
                  main: index.js
                """);
        JobResult r = run(uses(null, "./old", Map.of()), uses(null, "./nowhere", Map.of()), uses(null, "octo/missing@v1", Map.of()));
        assertThat(r.steps()).extracting(StepResult::conclusion).containsExactly(Conclusion.FAILURE, Conclusion.SKIPPED, Conclusion.SKIPPED);
        assertThat(r.steps().getFirst().annotations().getFirst().message())
                .contains("old/action.yml:2:10: runs.using: 'node8' is not a way GitHub runs actions");
        JobResult each = run(uses(null, "./nowhere", Map.of()));
        assertThat(each.steps().getFirst().annotations().getFirst().message()).contains("the workspace has no nowhere/action.yml or action.yaml");
        JobResult fetch = run(uses(null, "octo/missing@v1", Map.of()));
        assertThat(fetch.steps().getFirst().annotations().getFirst().message()).startsWith("cannot fetch octo/missing@v1 from " + remotes.toUri()
                + "octo/missing or ");
    }
}
