package dev.slipway.actions.workflow;

import java.util.Objects;

/**
 * {@code concurrency:} of the workflow or a job: runs (or jobs) with the same group wait for
 * each other; {@code cancelInProgress} ({@code false} when not given, may be an expression)
 * cancels the running one instead.
 */
public record Concurrency(Value group, Value cancelInProgress, Position at) {
    public Concurrency {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(cancelInProgress, "cancelInProgress");
    }
}
