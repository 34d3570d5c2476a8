package dev.slipway.ci.model;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * When a task runs ({@code when:}): every part that is given must hold, else the task is skipped
 * with the reason. The filters look at the run (its event, branch, tag and variable values); the
 * status looks at the tasks before it (see {@code Dag} for which those are, and the scheduler for
 * the rules).
 *
 * @param status {@code [success]} (the default: after its dependencies succeeded), {@code [failure]}
 *               (only when a task before it failed), or both (whatever happened)
 * @param events event names ({@code push}, {@code tag}, {@code pull_request}, {@code manual},
 *               {@code api}, {@code cron}), each possibly negated with a leading {@code !}; empty for any
 * @param branches glob patterns on the run's branch (a pull request's base branch); empty for any
 * @param tags glob patterns on the run's tag; empty for any
 * @param variables for each named variable, the values it may have (one of them)
 */
public record Condition(Set<Status> status, List<String> events, List<String> branches, List<String> tags,
                        Map<String, List<String>> variables) {
    /** What a task without {@code when:} has: it runs after its dependencies succeeded. */
    public static final Condition DEFAULT = new Condition(Set.of(Status.SUCCESS), List.of(), List.of(), List.of(), Map.of());

    /** The events a run can have, as {@code SLIPWAY_EVENT} spells them. */
    public static final List<String> EVENTS = List.of("push", "tag", "pull_request", "manual", "api", "cron");

    public enum Status { SUCCESS, FAILURE }

    public Condition {
        if (status.isEmpty()) {
            throw new IllegalArgumentException("a status condition needs success, failure or both");
        }
        status = Set.copyOf(status);
        events = List.copyOf(events);
        branches = List.copyOf(branches);
        tags = List.copyOf(tags);
        Map<String, List<String>> copy = new TreeMap<>();
        variables.forEach((name, values) -> copy.put(name, List.copyOf(values)));
        variables = Collections.unmodifiableMap(copy);
    }

    /**
     * True for a task that runs after failures ({@code status: [failure]} or both): it is not part
     * of the main line, and without {@code depends_on} it waits for the main line to end.
     */
    public boolean runsOnFailure() {
        return status.contains(Status.FAILURE);
    }
}
