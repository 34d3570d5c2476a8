package dev.slipway.actions.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.actions.expr.ExpressionException;
import dev.slipway.actions.expr.Expressions;
import dev.slipway.actions.expr.Scope;
import java.util.List;
import java.util.Objects;

/**
 * {@code strategy.matrix} as written, as a JSON tree whose strings may hold {@code ${{ }}}: a
 * mapping of keys to lists of values with {@code include} and {@code exclude}, any part of which
 * may be an expression, or one expression for the whole matrix
 * ({@code ${{ fromJSON(needs.setup.outputs.matrix) }}}). A matrix without expressions was expanded
 * when the file was read, so its problems were reported then; one with expressions expands when
 * its job starts.
 */
public record Matrix(JsonNode definition, Position at) {
    /** GitHub's limit on the jobs one matrix makes. */
    public static final int MAX_COMBINATIONS = 256;

    public Matrix {
        Objects.requireNonNull(definition, "definition");
        Objects.requireNonNull(at, "at");
        definition = definition.deepCopy();
    }

    @Override
    public JsonNode definition() {
        return definition.deepCopy();
    }

    /** Whether no part of it is an expression. */
    public boolean isStatic() {
        return !hasExpression(definition);
    }

    /**
     * Evaluates its expressions in {@code scope} ({@code github}, {@code inputs}, {@code vars},
     * {@code needs}) and expands the result.
     *
     * @throws WorkflowException at the matrix when an expression fails or the result does not expand
     */
    public List<Combination> expand(Scope scope) {
        JsonNode evaluated;
        try {
            evaluated = evaluate(definition, scope);
        } catch (ExpressionException e) {
            throw WorkflowException.at(at, "strategy.matrix: " + e.getMessage());
        }
        return expand(evaluated, at);
    }

    /**
     * Expands an evaluated matrix as GitHub does: the product of the keys' values (the first key
     * varies slowest), less the combinations an {@code exclude} entry matches (partly is enough),
     * then each {@code include} entry added to every combination whose matrix values it does not
     * change, or as a combination of its own when there is none.
     *
     * @param at where the matrix is written, for the problems
     * @throws WorkflowException when it is not a mapping of lists, is empty, has no combination
     *         left, or has more than {@value #MAX_COMBINATIONS}
     */
    public static List<Combination> expand(JsonNode evaluated, Position at) {
        MatrixExpander.Result result = MatrixExpander.expand(evaluated);
        if (!result.errors().isEmpty()) {
            throw new WorkflowException(result.errors().stream().map(m -> at.problem("strategy.matrix: " + m)).toList(), List.of());
        }
        return result.combinations();
    }

    static boolean hasExpression(JsonNode node) {
        if (node.isTextual()) {
            return node.textValue().contains("${{");
        }
        for (JsonNode child : node) {
            if (hasExpression(child)) {
                return true;
            }
        }
        return false;
    }

    private static JsonNode evaluate(JsonNode node, Scope scope) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        if (node.isTextual() && node.textValue().contains("${{")) {
            return Expressions.template(node.textValue()).evaluate(scope);
        }
        if (node.isArray()) {
            ArrayNode array = f.arrayNode();
            node.forEach(item -> array.add(evaluate(item, scope)));
            return array;
        }
        if (node.isObject()) {
            ObjectNode object = f.objectNode();
            node.properties().forEach(e -> object.set(e.getKey(), evaluate(e.getValue(), scope)));
            return object;
        }
        return node;
    }
}
