package dev.slipway.ci.definition;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Pipeline files that cannot be run, with every problem found (not just the first), so one push
 * shows the user everything to fix. The message lists them one per line.
 */
public final class PipelineDefinitionException extends RuntimeException {
    private final transient List<Problem> problems;

    PipelineDefinitionException(List<Problem> problems) {
        super(sorted(problems).stream().map(Problem::toString).collect(Collectors.joining("\n")));
        this.problems = sorted(problems);
    }

    private static List<Problem> sorted(List<Problem> problems) {
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("no problems");
        }
        return problems.stream().sorted(Problem.ORDER).toList();
    }

    /** Sorted by file, line and column. */
    public List<Problem> problems() {
        return problems;
    }
}
