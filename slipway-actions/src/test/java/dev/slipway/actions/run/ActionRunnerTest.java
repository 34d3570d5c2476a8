package dev.slipway.actions.run;

import static dev.slipway.actions.run.JobFixture.job;
import static dev.slipway.actions.run.Steps.run;
import static dev.slipway.actions.run.Steps.uses;
import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.actions.expr.Expressions;
import dev.slipway.actions.expr.Status.Conclusion;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** uses steps through an ActionRunner: inputs, environment, pre and post steps in GitHub's order, state, outputs, failures. */
class ActionRunnerTest {
    @TempDir
    Path dir;
    JobFixture f;

    @BeforeEach
    void setUp() throws Exception {
        f = new JobFixture(dir);
    }

    /** Actions for the tests: each runs a bash script in the session through the call, as a real action's process would run. */
    private static final class TestActions implements ActionRunner {
        @Override
        public Optional<Hook> prepare(Step.Uses step) throws IOException {
            if (step.uses().equals("test/broken@v1")) {
                throw new IOException("cannot fetch https://forge.test/test/broken");
            }
            if (!step.uses().startsWith("test/hooked")) {
                return Optional.empty();
            }
            return Optional.of(new Hook(null, null, call -> bash(call, "echo \"pre: $IN\"; echo fromPre=1 >> $GITHUB_STATE")));
        }

        @Override
        public ActionResult run(ActionCall call) throws IOException, InterruptedException {
            switch (call.step().uses()) {
                case "test/hooked@v1" -> {
                    call.registerPost(new Hook(null, null, post -> bash(post,
                            "echo \"post STATE_fromPre=$STATE_fromPre STATE_fromMain=$STATE_fromMain\"")));
                    ActionResult r = bash(call, call.inputs().get("script"));
                    return new ActionResult(r.outcome(), Map.of("extra", "from-result"), r.exitCode());
                }
                case "test/second@v1" -> {
                    call.registerPost(new Hook(null, Expressions.condition("failure()"), post -> bash(post, "echo never")));
                    call.registerPost(new Hook("Tidy up second", null, post -> bash(post, "echo tidy")));
                    return bash(call, "echo second $GITHUB_ACTION");
                }
                case "test/fails@v1" -> {
                    return ActionResult.failure();
                }
                case "test/post-from-post@v1" -> {
                    call.registerPost(new Hook(null, null, post -> {
                        post.registerPost(new Hook(null, null, p -> ActionResult.success(Map.of())));
                        return ActionResult.success(Map.of());
                    }));
                    return ActionResult.success(Map.of());
                }
                case "test/sleeps@v1" -> {
                    return bash(call, "echo sleeping; sleep 60");
                }
                default -> throw new IOException("unknown action " + call.step().uses());
            }
        }

        private static ActionResult bash(ActionCall call, String script) throws IOException, InterruptedException {
            Map<String, String> env = new java.util.LinkedHashMap<>(call.env());
            env.put("IN", call.inputs().getOrDefault("in", ""));
            return ActionResult.exit(call.exec(List.of("bash", "-c", script), env, call.session().workspace()));
        }
    }

    @Test
    void preMainAndPostStepsRunInGitHubsOrderWithInputsStateAndOutputs() {
        JobResult r = f.run(job(
                        uses("test/hooked@v1").id("hooked").with("in", "${{ github.sha }}")
                                .with("script", "echo \"main $IN $GITHUB_ACTION_REPOSITORY@$GITHUB_ACTION_REF STATE_fromPre=$STATE_fromPre\";"
                                        + " echo '::save-state name=fromMain::2'; echo out=1 >> $GITHUB_OUTPUT"),
                        uses("test/second@v1"),
                        run("echo \"${{ steps.hooked.outputs.out }} ${{ steps.hooked.outputs.extra }}\"")),
                JobContexts.EMPTY, new TestActions());
        assertThat(r.result()).as(f.log.text()).isEqualTo(Conclusion.SUCCESS);
        assertThat(JobFixture.names(r)).containsExactly("Pre Run test/hooked@v1", "Run test/hooked@v1", "Run test/second@v1",
                "Run echo \"${{ steps.hooked.outputs.out }} ${{ steps.hooked.outputs.extra }}\"", "Tidy up second",
                "Post Run test/second@v1", "Post Run test/hooked@v1");
        assertThat(r.steps()).extracting(StepResult::phase).containsExactly(StepResult.Phase.PRE, StepResult.Phase.MAIN,
                StepResult.Phase.MAIN, StepResult.Phase.MAIN, StepResult.Phase.POST, StepResult.Phase.POST, StepResult.Phase.POST);
        assertThat(r.steps().get(5).outcome()).as("post-if: failure()").isEqualTo(Conclusion.SKIPPED);
        assertThat(f.log.stdout()).isEqualTo("pre: " + JobFixture.SHA + "\n"
                + "main " + JobFixture.SHA + " test/hooked@v1 STATE_fromPre=1\n"
                + "second __test_second\n"
                + "1 from-result\n"
                + "tidy\n"
                + "post STATE_fromPre=1 STATE_fromMain=2\n");
        assertThat(r.steps().get(1).outputs()).containsExactly(Map.entry("out", "1"), Map.entry("extra", "from-result"));
        assertThat(f.log.system()).containsSubsequence("##[group]Run test/hooked@v1", "with:", "  in: " + JobFixture.SHA);
    }

    @Test
    void failingActionsAndTheirErrorsFailTheirSteps() {
        JobResult r = f.run(job(
                        uses("test/fails@v1").continueOnError("true"),
                        uses("test/unknown@v1").continueOnError("true"),
                        uses("test/post-from-post@v1")),
                JobContexts.EMPTY, new TestActions());
        assertThat(r.steps()).extracting(StepResult::name, StepResult::outcome).containsExactly(
                org.assertj.core.groups.Tuple.tuple("Run test/fails@v1", Conclusion.FAILURE),
                org.assertj.core.groups.Tuple.tuple("Run test/unknown@v1", Conclusion.FAILURE),
                org.assertj.core.groups.Tuple.tuple("Run test/post-from-post@v1", Conclusion.SUCCESS),
                org.assertj.core.groups.Tuple.tuple("Post Run test/post-from-post@v1", Conclusion.FAILURE));
        assertThat(r.steps().get(0).annotations()).extracting(Annotation::message).containsExactly("The action 'test/fails@v1' failed.");
        assertThat(r.steps().get(1).annotations()).extracting(Annotation::message).containsExactly("unknown action test/unknown@v1");
        assertThat(r.steps().get(3).annotations()).extracting(Annotation::message)
                .containsExactly("only an action's main step registers a post step");
        assertThat(r.result()).isEqualTo(Conclusion.FAILURE);
    }

    @Test
    void withoutAnActionRunnerUsesStepsFailAndSaySo() {
        JobResult r = f.run(job(uses("actions/checkout@v4"), run("echo after").when("always()")));
        assertThat(r.steps().getFirst().annotations()).extracting(Annotation::message)
                .containsExactly("'uses: actions/checkout@v4' cannot run here: actions are not available to this job yet");
        assertThat(r.steps().get(1).outcome()).isEqualTo(Conclusion.SUCCESS);
    }

    @Test
    void anActionThatCannotBePreparedFailsTheJobBeforeItsSteps() {
        JobResult r = f.run(job(run("echo never"), uses("test/broken@v1")), JobContexts.EMPTY, new TestActions());
        assertThat(r.result()).isEqualTo(Conclusion.FAILURE);
        assertThat(r.steps()).extracting(StepResult::outcome).containsOnly(Conclusion.SKIPPED);
        assertThat(r.annotations()).extracting(Annotation::message)
                .containsExactly("cannot prepare 'uses: test/broken@v1': cannot fetch https://forge.test/test/broken");
        assertThat(f.log.stdout()).isEmpty();
    }

    @Test
    void cancellingStopsARunningActionAndItsPostStepStillRuns() throws Exception {
        CompletableFuture<JobResult> result = f.start(job(
                uses("test/hooked@v1").with("script", "echo sleeping; sleep 60"),
                run("echo normal")), JobContexts.EMPTY, new TestActions());
        f.log.await("sleeping");
        f.runtime.cancel();
        JobResult r = result.get(1, TimeUnit.MINUTES);
        assertThat(r.steps()).extracting(StepResult::name, StepResult::outcome).containsExactly(
                org.assertj.core.groups.Tuple.tuple("Pre Run test/hooked@v1", Conclusion.SUCCESS),
                org.assertj.core.groups.Tuple.tuple("Run test/hooked@v1", Conclusion.CANCELLED),
                org.assertj.core.groups.Tuple.tuple("Run echo normal", Conclusion.SKIPPED),
                org.assertj.core.groups.Tuple.tuple("Post Run test/hooked@v1", Conclusion.SUCCESS));
        assertThat(r.result()).isEqualTo(Conclusion.CANCELLED);
    }
}
