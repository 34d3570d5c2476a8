package dev.slipway.actions.run;

import static dev.slipway.actions.run.JobFixture.job;
import static dev.slipway.actions.run.Steps.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.actions.expr.Status.Conclusion;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Step and job timeouts and cancellation from another thread, with real processes that would otherwise run for a minute. */
class JobCancellationTest {
    @TempDir
    Path dir;
    JobFixture f;

    @BeforeEach
    void setUp() throws Exception {
        f = new JobFixture(dir);
    }

    @Test
    void aStepThatExceedsItsTimeoutFailsAndTheJobGoesOn() {
        JobResult r = f.run(job(
                run("echo started; sleep 60; echo not reached").timeoutMinutes("0.01"),
                run("echo normal"),
                run("echo on-failure").when("failure()")));
        assertThat(r.steps()).extracting(StepResult::outcome).containsExactly(Conclusion.FAILURE, Conclusion.SKIPPED, Conclusion.SUCCESS);
        assertThat(r.steps().getFirst().annotations()).extracting(Annotation::message).containsExactly("The action has timed out.");
        assertThat(r.steps().getFirst().exitCode()).isNull();
        assertThat(f.log.stdout()).isEqualTo("started\non-failure\n");
        assertThat(r.result()).isEqualTo(Conclusion.FAILURE);
    }

    @Test
    void aJobThatExceedsItsTimeoutIsCancelledAndItsAlwaysStepsStillRun() {
        Job base = job(
                run("echo started; sleep 60"),
                run("echo normal"),
                run("echo cleanup").when("always()"),
                run("echo on-cancel ${{ job.status }}").when("cancelled()"),
                run("echo on-failure").when("failure()"));
        JobResult r = f.run(new Job(base.id(), null, base.steps(), null, null, null, null, Duration.ofSeconds(1)));
        assertThat(r.result()).isEqualTo(Conclusion.CANCELLED);
        assertThat(r.steps()).extracting(StepResult::outcome).containsExactly(Conclusion.CANCELLED, Conclusion.SKIPPED, Conclusion.SUCCESS,
                Conclusion.SUCCESS, Conclusion.SKIPPED);
        assertThat(f.log.stdout()).isEqualTo("started\ncleanup\non-cancel cancelled\n");
        assertThat(r.annotations()).extracting(Annotation::message)
                .containsExactly("The job has exceeded the maximum execution time of 1.0s; it is cancelled.");
        assertThat(f.log.system()).contains("Skipped: if: success() (the job was cancelled)");
    }

    @Test
    void cancellingStopsTheRunningStepAndRunsOnlyStepsThatRunOnCancel() throws Exception {
        CompletableFuture<JobResult> result = f.start(job(
                run("echo started-long; sleep 60; echo not reached"),
                run("echo normal"),
                run("echo cleanup").when("always()"),
                run("echo on-cancel").when("cancelled()")), JobContexts.EMPTY, ActionRunner.none());
        f.log.await("started-long");
        f.runtime.cancel();
        JobResult r = result.get(1, TimeUnit.MINUTES);
        assertThat(r.result()).isEqualTo(Conclusion.CANCELLED);
        assertThat(r.steps()).extracting(StepResult::outcome).containsExactly(Conclusion.CANCELLED, Conclusion.SKIPPED, Conclusion.SUCCESS,
                Conclusion.SUCCESS);
        assertThat(r.steps().getFirst().annotations()).extracting(Annotation::message).containsExactly("The operation was canceled.");
        assertThat(f.log.stdout()).isEqualTo("started-long\ncleanup\non-cancel\n");
        assertThat(f.log.system()).anyMatch(l -> l.startsWith("##[endstep]cancelled "));
    }

    /** GitHub re-evaluates the running step's if when the job is cancelled: an always() step is not stopped. */
    @Test
    void aRunningStepWhoseConditionHoldsOnCancelKeepsRunning() throws Exception {
        Path go = dir.resolve("go");
        CompletableFuture<JobResult> result = f.start(job(
                run("echo waiting; while [ ! -f '" + go + "' ]; do sleep 0.02; done; echo finished").when("always()"),
                run("echo normal")), JobContexts.EMPTY, ActionRunner.none());
        f.log.await("waiting");
        f.runtime.cancel();
        Files.writeString(go, "");
        JobResult r = result.get(1, TimeUnit.MINUTES);
        assertThat(r.steps()).extracting(StepResult::outcome).containsExactly(Conclusion.SUCCESS, Conclusion.SKIPPED);
        assertThat(f.log.stdout()).isEqualTo("waiting\nfinished\n");
        assertThat(r.result()).isEqualTo(Conclusion.CANCELLED);
    }
}
