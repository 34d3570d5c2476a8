package dev.slipway.ci.scheduler;

import java.util.List;

/**
 * A change of a run's state, with the run and its tasks as they are after it.
 *
 * @param run the run after the change ({@code run.status()} says where it went)
 * @param tasks its tasks after the change, in pipeline order
 */
public record RunChange(Kind kind, CiStore.RunRow run, List<CiStore.TaskRow> tasks) {
    public RunChange {
        tasks = List.copyOf(tasks);
    }

    public enum Kind {
        /** Created: queued, or waiting for approval (a pull request from a fork). */
        CREATED,
        /** Approved: from waiting for approval to queued. */
        APPROVED,
        /** Taken from the queue: running. */
        STARTED,
        /** Ended: success, failure, error or cancelled (also cancelled before it started, and ended by a restart). */
        FINISHED,
        /** Queued again for a retry of some of its tasks. */
        REQUEUED
    }
}
