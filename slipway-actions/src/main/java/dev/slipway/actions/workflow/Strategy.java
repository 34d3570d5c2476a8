package dev.slipway.actions.workflow;

import dev.slipway.actions.expr.ExpressionException;
import dev.slipway.actions.expr.Scope;
import java.util.List;

/**
 * {@code strategy:} of a job.
 *
 * @param matrix {@code matrix:}, or null
 * @param failFast {@code fail-fast:}, or null (true)
 * @param maxParallel {@code max-parallel:}, or null (no limit)
 */
public record Strategy(Matrix matrix, Value failFast, Value maxParallel, Position at) {
    /**
     * Decides the combinations, fail-fast and max-parallel.
     *
     * @throws WorkflowException at the value that is wrong
     */
    public Expansion expand(Scope scope) {
        List<Combination> combinations = matrix == null ? List.of(Combination.NONE) : matrix.expand(scope);
        boolean fail = failFast == null || evaluate(failFast, () -> failFast.evaluateFlag(scope));
        int parallel = maxParallel == null ? combinations.size()
                : (int) Math.min(combinations.size(), evaluate(maxParallel, () -> maxParallel.evaluateNumber(scope)));
        if (parallel < 1) {
            throw WorkflowException.at(maxParallel.at(), "strategy.max-parallel must be at least 1");
        }
        return new Expansion(combinations, fail, parallel);
    }

    private static <T> T evaluate(Value value, java.util.function.Supplier<T> read) {
        try {
            return read.get();
        } catch (ExpressionException e) {
            throw WorkflowException.at(value.at(), e.getMessage());
        }
    }
}
