package dev.slipway.actions.workflow;

import dev.slipway.actions.expr.Condition;
import dev.slipway.actions.expr.Expressions;
import dev.slipway.actions.expr.Scope;
import java.util.Objects;

/**
 * An {@code if:} of a job or a step, checked when the file was read. A job or step without
 * {@code if:} has the empty condition, which is {@code success()}, so the runtime never needs a
 * null check.
 */
public record Conditional(Condition condition, Position at) {
    public Conditional {
        Objects.requireNonNull(condition, "condition");
        Objects.requireNonNull(at, "at");
    }

    /** No {@code if:}: runs when everything before succeeded. */
    static Conditional absent(Position at) {
        return new Conditional(Expressions.condition(""), at);
    }

    /** The condition as written; empty when there was none. */
    public String source() {
        return condition.source();
    }

    public boolean test(Scope scope) {
        return condition.test(scope);
    }

    @Override
    public String toString() {
        return source();
    }
}
