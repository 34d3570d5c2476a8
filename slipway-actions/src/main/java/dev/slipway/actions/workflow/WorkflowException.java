package dev.slipway.actions.workflow;

import dev.slipway.ci.definition.Problem;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A workflow that cannot be run, with every problem found (not just the first), each at its
 * file, line and column: from reading the file, or from a decision made when a job starts (a
 * matrix built by an expression that does not expand). The message lists the problems one per
 * line, as {@code file:line:column: message}. Warnings found on the way are kept too.
 */
public final class WorkflowException extends RuntimeException {
    private final transient List<Problem> problems;
    private final transient List<Problem> warnings;

    WorkflowException(List<Problem> problems, List<Problem> warnings) {
        super(sorted(problems).stream().map(Problem::toString).collect(Collectors.joining("\n")));
        this.problems = sorted(problems);
        this.warnings = warnings.stream().sorted(Doc.ORDER).toList();
    }

    static WorkflowException at(Position at, String message) {
        return new WorkflowException(List.of(at.problem(message)), List.of());
    }

    private static List<Problem> sorted(List<Problem> problems) {
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("no problems");
        }
        return problems.stream().sorted(Doc.ORDER).toList();
    }

    /** Sorted by file, line and column. */
    public List<Problem> problems() {
        return problems;
    }

    public List<Problem> warnings() {
        return warnings;
    }
}
