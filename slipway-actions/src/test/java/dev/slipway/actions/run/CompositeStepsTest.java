package dev.slipway.actions.run;

import static dev.slipway.actions.run.JobFixture.job;
import static dev.slipway.actions.run.Steps.run;
import static dev.slipway.actions.run.Steps.uses;
import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.actions.expr.Status.Conclusion;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A composite action's steps through {@link ActionCall#runComposite}: their own steps context,
 * inputs and status, file commands that reach the job (GITHUB_ENV, GITHUB_PATH) or stay inside
 * (GITHUB_OUTPUT), outputs mapped out, nested uses through the job's runner, failures.
 */
class CompositeStepsTest {
    @TempDir
    Path dir;
    JobFixture f;

    @BeforeEach
    void setUp() throws Exception {
        f = new JobFixture(dir);
    }

    /** test/outer runs inner steps and uses test/inner, which is composite too; test/leaf is a plain action. */
    private static final class Composites implements ActionRunner {
        @Override
        public ActionResult run(ActionCall call) throws IOException, InterruptedException {
            return switch (call.step().uses()) {
                case "test/outer@v1" -> call.runComposite(new Composite("test/outer@v1", List.of(
                        Steps.run("echo \"outer got ${{ inputs.who }} in $GITHUB_ACTION_PATH (${{ github.action_path }}) STEP_VAR=$STEP_VAR\"")
                                .shell("bash").build(),
                        Steps.run("echo value=from-first >> \"$GITHUB_OUTPUT\"; echo FROM_COMPOSITE=yes >> \"$GITHUB_ENV\";"
                                + " mkdir -p \"$RUNNER_TEMP/bin\"; echo \"$RUNNER_TEMP/bin\" >> \"$GITHUB_PATH\"; echo '# outer' >> \"$GITHUB_STEP_SUMMARY\"")
                                .id("first").shell("bash").build(),
                        Steps.run("echo \"second sees ${{ steps.first.outputs.value }} FROM_COMPOSITE=$FROM_COMPOSITE\"").shell("bash").build(),
                        Steps.uses("test/inner@v1").id("inner").with("x", "${{ steps.first.outputs.value }}").build()),
                        Map.of("who", call.inputs().getOrDefault("who", "nobody")),
                        Steps.templates("result", "${{ steps.first.outputs.value }}+${{ steps.inner.outputs.echoed }}"), "/actions/outer"));
                case "test/inner@v1" -> call.runComposite(new Composite("test/inner@v1", List.of(
                        Steps.run("echo \"inner steps: ${{ toJSON(steps) }} x=${{ inputs.x }}\"; echo echoed=${{ inputs.x }}! >> \"$GITHUB_OUTPUT\"")
                                .id("echo").shell("bash").build(),
                        Steps.uses("test/leaf@v1").build()),
                        Map.of("x", call.inputs().get("x")), Steps.templates("echoed", "${{ steps.echo.outputs.echoed }}"), "/actions/inner"));
                case "test/leaf@v1" -> ActionResult.exit(call.exec(List.of("bash", "-c", "echo leaf in $GITHUB_ACTION"), call.env(),
                        call.session().workspace()));
                case "test/failing@v1" -> call.runComposite(new Composite("test/failing@v1", List.of(
                        Steps.run("echo soft; exit 4").id("soft").shell("bash").continueOnError("true").build(),
                        Steps.run("echo '::warning::careful'; exit 3").id("hard").shell("bash").build(),
                        Steps.run("echo never").shell("bash").build(),
                        Steps.run("echo \"cleanup after ${{ steps.hard.outcome }}, soft ${{ steps.soft.outcome }}/${{ steps.soft.conclusion }}\"")
                                .when("failure()").shell("bash").build()),
                        Map.of(), Map.of(), "/actions/failing"));
                case "test/no-shell@v1" -> call.runComposite(new Composite("test/no-shell@v1", List.of(
                        Steps.run("echo \"no shell, wd $(pwd)\"").build()), Map.of(), Map.of(), "/actions/no-shell"));
                default -> throw new IOException("unknown action " + call.step().uses());
            };
        }
    }

    @Test
    void stepsRunInOrderWithTheirOwnContextsAndTheirOutputsAreMappedOut() {
        JobResult r = f.run(job(
                        uses("test/outer@v1").id("outer").with("who", "alice").env("STEP_VAR", "from-the-step"),
                        run("echo \"after: ${{ steps.outer.outputs.result }} FROM_COMPOSITE=$FROM_COMPOSITE path=$(command -v true >/dev/null && echo ok)"
                                + " steps=${{ join(steps.*.outcome, ',') }}\"; case \"$PATH\" in \"$RUNNER_TEMP/bin:\"*) echo bin first;; esac")),
                JobContexts.EMPTY, new Composites());
        assertThat(r.result()).as(f.log.text()).isEqualTo(Conclusion.SUCCESS);
        assertThat(f.log.stdout()).isEqualTo("outer got alice in /actions/outer (/actions/outer) STEP_VAR=from-the-step\n"
                + "second sees from-first FROM_COMPOSITE=yes\n"
                + "inner steps: {} x=from-first\n"
                + "leaf in __test_leaf\n"
                + "after: from-first+from-first! FROM_COMPOSITE=yes path=ok steps=success\n"
                + "bin first\n");
        assertThat(JobFixture.names(r)).as("a composite action's steps are part of its step").hasSize(2);
        assertThat(r.steps().getFirst().outputs()).containsExactly(Map.entry("result", "from-first+from-first!"));
        assertThat(r.steps().getFirst().summary()).isEqualTo("# outer\n");
        assertThat(r.steps().getFirst().id()).isEqualTo("outer");
    }

    @Test
    void aFailedStepFailsTheActionLaterStepsAreSkippedButFailureStepsRun() {
        JobResult r = f.run(job(uses("test/failing@v1").id("c"), run("echo \"job sees ${{ steps.c.outcome }}\"").when("always()")),
                JobContexts.EMPTY, new Composites());
        assertThat(r.result()).isEqualTo(Conclusion.FAILURE);
        assertThat(f.log.stdout()).isEqualTo("soft\ncleanup after failure, soft failure/success\njob sees failure\n");
        assertThat(r.steps().getFirst().annotations()).extracting(Annotation::message)
                .containsExactly("Process completed with exit code 4.", "careful", "Process completed with exit code 3.");
        assertThat(f.log.system()).contains("Run echo never: Skipped: if: success()");
    }

    @Test
    void aRunStepWithoutAShellGetsTheRuntimesDefaultAndTheWorkspaceNotTheJobsDefaults() {
        Job job = new Job("build", null, List.of(uses("test/no-shell@v1").build()), null, null,
                new Job.Defaults("sh", dev.slipway.actions.expr.Expressions.template("elsewhere")), null, null);
        JobResult r = f.run(job, JobContexts.EMPTY, new Composites());
        assertThat(r.result()).as(f.log.text()).isEqualTo(Conclusion.SUCCESS);
        assertThat(f.log.stdout()).isEqualTo("no shell, wd " + f.workspace() + "\n");
    }
}
