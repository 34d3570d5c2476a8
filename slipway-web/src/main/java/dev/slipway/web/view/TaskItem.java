package dev.slipway.web.view;

import java.util.List;

/**
 * A task of a run in the run page's graph.
 *
 * @param stage its column: 0 for tasks that depend on nothing, else one more than its deepest dependency
 * @param retryable a retry button is offered (it did not succeed, the run has finished and kept its workspace)
 * @param reason why it was skipped (its condition, a dependency), or null
 */
public record TaskItem(String name, String status, Integer exitCode, int attempt, Long startedAt, Long finishedAt,
                       List<String> dependsOn, int stage, boolean retryable, String reason) {
    public TaskItem {
        dependsOn = List.copyOf(dependsOn);
    }

    public Long durationMillis() {
        return startedAt != null && finishedAt != null ? finishedAt - startedAt : null;
    }

    public boolean running() {
        return status.equals("running");
    }
}
