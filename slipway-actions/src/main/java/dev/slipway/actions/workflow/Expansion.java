package dev.slipway.actions.workflow;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * A job's strategy, decided when the job is about to start: its combinations in GitHub's order,
 * whether one failure cancels the others ({@code fail-fast}, true unless set), and how many run
 * at once ({@code max-parallel}; all of them unless set).
 */
public record Expansion(List<Combination> combinations, boolean failFast, int maxParallel) {
    public Expansion {
        combinations = List.copyOf(combinations);
        if (combinations.isEmpty() || maxParallel < 1) {
            throw new IllegalArgumentException("an expansion has at least one combination and runs at least one at a time");
        }
    }

    /** A job without a matrix: one run. */
    static Expansion single() {
        return new Expansion(List.of(Combination.NONE), true, 1);
    }

    /** The {@code strategy} context of the combination at {@code index}. */
    public ObjectNode strategyContext(int index) {
        ObjectNode strategy = JsonNodeFactory.instance.objectNode();
        strategy.put("fail-fast", failFast);
        strategy.put("job-index", (double) index);
        strategy.put("job-total", (double) combinations.size());
        strategy.put("max-parallel", (double) maxParallel);
        return strategy;
    }
}
