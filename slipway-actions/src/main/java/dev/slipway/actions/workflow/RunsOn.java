package dev.slipway.actions.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.actions.expr.Expressions;
import dev.slipway.actions.expr.Scope;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code runs-on:}: one label, a list of labels (a runner must have all of them), or
 * {@code group} and {@code labels}. A label may be an expression ({@code ${{ matrix.os }}}),
 * even one that gives a list. {@link Runners#choose} turns the evaluated labels into a container
 * image or the host.
 *
 * @param group {@code group:}, or null; runner groups do not exist in Slipway (the reader warns)
 */
public record RunsOn(List<Value> labels, Value group, Position at) {
    public RunsOn {
        labels = List.copyOf(labels);
    }

    /** The labels, evaluated; an expression that gives a list adds each item. */
    public List<String> evaluate(Scope scope) {
        List<String> out = new ArrayList<>();
        for (Value label : labels) {
            JsonNode value = label.evaluate(scope);
            if (value.isArray()) {
                value.forEach(item -> out.add(Expressions.asString(item)));
            } else {
                out.add(Expressions.asString(value));
            }
        }
        return out;
    }
}
