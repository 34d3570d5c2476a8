package dev.slipway.ci.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.ci.scheduler.CiStore;
import dev.slipway.ci.scheduler.RunChange;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a forge is told at each change of a run. */
class StatusTextTest {
    static CiStore.RunRow run(String status, String message, Long startedAt, Long finishedAt) {
        return new CiStore.RunRow(1, "alice", "site", "ci", "main", "a".repeat(40), status, "push", "{}", "", message, "alice", 0,
                startedAt, finishedAt, null, null);
    }

    static CiStore.TaskRow task(String name, String status) {
        return new CiStore.TaskRow(1, name, 0, status, null, 1, null, null, null);
    }

    static StatusText.Status of(RunChange.Kind kind, CiStore.RunRow run, CiStore.TaskRow... tasks) {
        return StatusText.of(new RunChange(kind, run, List.of(tasks)));
    }

    @Test
    void waitingAndRunningArePending() {
        assertThat(of(RunChange.Kind.CREATED, run("queued", null, null, null))).isEqualTo(new StatusText.Status("pending", "Queued"));
        assertThat(of(RunChange.Kind.CREATED, run("approval", null, null, null)).description()).isEqualTo("Waiting for approval");
        assertThat(of(RunChange.Kind.APPROVED, run("queued", null, null, null)).state()).isEqualTo("pending");
        assertThat(of(RunChange.Kind.STARTED, run("running", null, 0L, null))).isEqualTo(new StatusText.Status("pending", "Running"));
        assertThat(of(RunChange.Kind.REQUEUED, run("queued", null, 0L, null)).state()).isEqualTo("pending");
    }

    @Test
    void endsSayHowLongOrWhichTasks() {
        assertThat(of(RunChange.Kind.FINISHED, run("success", null, 1_000L, 64_000L), task("build", "success")))
                .isEqualTo(new StatusText.Status("success", "Succeeded in 1m 3s"));
        assertThat(of(RunChange.Kind.FINISHED, run("failure", "task build (failure) did not succeed", 0L, 5_000L), task("build", "failure"),
                task("deploy", "skipped"))).isEqualTo(new StatusText.Status("failure", "task build failed"));
        assertThat(of(RunChange.Kind.FINISHED, run("failure", null, 0L, 5_000L), task("a", "failure"), task("b", "failure")).description())
                .isEqualTo("tasks a, b failed");
        assertThat(of(RunChange.Kind.FINISHED, run("error", null, 0L, 5_000L), task("build", "error")))
                .isEqualTo(new StatusText.Status("error", "task build errored"));
        assertThat(of(RunChange.Kind.FINISHED, run("error", "invalid pipeline:\nci.yml:3:1: unknown field", null, 5L)).description())
                .isEqualTo("Error: invalid pipeline: ci.yml:3:1: unknown field");
    }

    @Test
    void aCancelledRunIsAnErrorThatSaysSo() {
        assertThat(of(RunChange.Kind.FINISHED, run("cancelled", null, 0L, 5L))).isEqualTo(new StatusText.Status("error", "Cancelled"));
        assertThat(of(RunChange.Kind.FINISHED, run("cancelled", "cancelled before it started", null, 5L)).description())
                .isEqualTo("Cancelled before it started");
    }

    @Test
    void descriptionsFitGitHubsLimit() {
        String d = of(RunChange.Kind.FINISHED, run("error", "x".repeat(500), null, null)).description();
        assertThat(d).hasSize(StatusText.MAX_DESCRIPTION).endsWith("...");
        assertThat(StatusText.duration(999)).isEqualTo("1s");
        assertThat(StatusText.duration(3_600_000 + 5 * 60_000)).isEqualTo("1h 5m");
    }
}
