package dev.slipway.actions.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.actions.expr.Expressions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.SequencedMap;

/**
 * One combination of a job's matrix: the values of its keys, in order (the matrix's own keys,
 * then those {@code include} added). A job without a matrix has the empty combination.
 */
public record Combination(SequencedMap<String, JsonNode> values) {
    public static final Combination NONE = new Combination(new LinkedHashMap<>());

    public Combination {
        values = Ordered.copy(values);
    }

    /** The {@code matrix} context: an object of the values (empty for a job without a matrix). */
    public ObjectNode context() {
        ObjectNode matrix = JsonNodeFactory.instance.objectNode();
        values.forEach((k, v) -> matrix.set(k, v.deepCopy()));
        return matrix;
    }

    /**
     * What GitHub appends to the job's name: the values in parentheses, joined by ', '
     * ({@code (worker-a, 20)}); null and empty values are left out, and an object or a list
     * shows its values. Empty when nothing is left.
     */
    public String suffix() {
        List<String> shown = new ArrayList<>();
        values.values().forEach(v -> leaves(v, shown));
        return shown.isEmpty() ? "" : "(" + String.join(", ", shown) + ")";
    }

    private static void leaves(JsonNode value, List<String> out) {
        if (value.isContainerNode()) {
            value.forEach(item -> leaves(item, out));
            return;
        }
        String text = Expressions.asString(value);
        if (!value.isNull() && !text.isEmpty()) {
            out.add(text);
        }
    }
}
