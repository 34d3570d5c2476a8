package dev.slipway.ci.scheduler;

import dev.slipway.ci.definition.Patterns;
import dev.slipway.ci.model.Condition;
import dev.slipway.ci.model.Task;
import java.util.List;
import java.util.Map;

/**
 * Whether a task runs, once everything it waits for has ended (see {@code Dag} for what that is),
 * and if not, why: the reason a skipped task shows in its log and in the run's JSON.
 *
 * <ul>
 *   <li>The run must match every filter of its {@code when:} (event, branch, tag, variables).</li>
 *   <li>Without a status condition (or with {@code status: [success]}), a task runs when every task
 *       it waits for succeeded: after a failure, and after a task that was skipped for any reason,
 *       its dependents are skipped (GitHub's rule for {@code needs}).</li>
 *   <li>{@code status: [failure]} runs when a task before it (what it waits for, directly or not)
 *       failed or errored; {@code [success, failure]} runs whatever happened before.</li>
 * </ul>
 */
final class Conditions {
    private Conditions() {}

    /**
     * What a run is, as conditions see it.
     *
     * @param branch the run's branch (a pull request's base branch), or "" when it has none
     * @param tag the run's tag, or ""
     * @param variables the run's variable values (declared defaults and the values it was given)
     */
    record Facts(String event, String branch, String tag, Map<String, String> variables) {}

    /** A run's facts from its built-in values and variables (see {@link RunValues#env()}). */
    static Facts facts(Map<String, String> builtIns, Map<String, String> variables) {
        String event = builtIns.getOrDefault("SLIPWAY_EVENT", "");
        String branch = event.equals("pull_request") ? builtIns.getOrDefault("SLIPWAY_PR_BASE_REF", "")
                : builtIns.getOrDefault("SLIPWAY_BRANCH", "");
        return new Facts(event, branch, builtIns.getOrDefault("SLIPWAY_TAG", ""), variables);
    }

    /**
     * Why {@code task} does not run, or null when it does.
     *
     * @param waitsFor what it waits for directly
     * @param before how every task it waits for, directly or not, ended
     */
    static String whyNot(Task task, List<String> waitsFor, Map<String, TaskStatus> before, Facts facts) {
        Condition c = task.when();
        String filtered = filters(c, facts);
        if (filtered != null) {
            return filtered;
        }
        if (!c.runsOnFailure()) {
            for (String dep : waitsFor) {
                TaskStatus s = before.get(dep);
                if (s != TaskStatus.SUCCESS) {
                    return "task '" + dep + "' it depends on " + (s == TaskStatus.SKIPPED ? "was skipped" : "did not succeed (" + wire(s) + ")");
                }
            }
            return null;
        }
        if (c.status().contains(Condition.Status.SUCCESS)) {
            return null; // success and failure: whatever happened
        }
        List<String> failed = before.entrySet().stream().filter(e -> e.getValue() == TaskStatus.FAILURE || e.getValue() == TaskStatus.ERROR)
                .map(Map.Entry::getKey).toList();
        return failed.isEmpty() ? "when.status is [failure], and no task before it failed" : null;
    }

    private static String filters(Condition c, Facts facts) {
        if (!c.events().isEmpty() && !Patterns.matches(c.events(), facts.event())) {
            return "when.event is " + c.events() + "; this run's event is " + facts.event();
        }
        if (!c.branches().isEmpty() && (facts.branch().isEmpty() || !Patterns.matches(c.branches(), facts.branch()))) {
            return "when.branch is " + c.branches() + "; " + (facts.branch().isEmpty() ? "this run is not on a branch"
                    : "this run's branch is " + facts.branch());
        }
        if (!c.tags().isEmpty() && (facts.tag().isEmpty() || !Patterns.matches(c.tags(), facts.tag()))) {
            return "when.tag is " + c.tags() + "; " + (facts.tag().isEmpty() ? "this run is not for a tag" : "this run's tag is " + facts.tag());
        }
        for (var v : c.variables().entrySet()) {
            String value = facts.variables().getOrDefault(v.getKey(), "");
            if (!v.getValue().contains(value)) {
                return "when.variables wants " + v.getKey() + " to be " + (v.getValue().size() == 1 ? "'" + v.getValue().getFirst() + "'"
                        : "one of " + v.getValue()) + "; it is '" + value + "'";
            }
        }
        return null;
    }

    private static String wire(TaskStatus s) {
        return s == null ? "not run" : s.wire();
    }
}
