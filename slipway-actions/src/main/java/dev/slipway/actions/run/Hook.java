package dev.slipway.actions.run;

import dev.slipway.actions.expr.Condition;
import dev.slipway.actions.expr.Expressions;
import java.io.IOException;
import java.util.Objects;

/**
 * An action's pre or post step ({@code runs.pre} / {@code runs.post}).
 *
 * @param name the display name ({@code Pre Run actions/x@v1}, {@code Post Run actions/x@v1}); null for that default
 * @param condition {@code pre-if} / {@code post-if}; null means {@code always()}. Status functions
 *                  look at the job's status, as GitHub documents.
 */
public record Hook(String name, Condition condition, Body body) {
    public Hook {
        condition = condition == null ? Expressions.condition("always()") : condition;
        Objects.requireNonNull(body, "body");
    }

    /** What the step does; it gets the same kind of call as a main step, with its phase. */
    @FunctionalInterface
    public interface Body {
        ActionResult run(ActionCall call) throws IOException, InterruptedException;
    }
}
