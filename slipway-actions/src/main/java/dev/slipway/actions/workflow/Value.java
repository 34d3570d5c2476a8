package dev.slipway.actions.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.actions.expr.Expressions;
import dev.slipway.actions.expr.Scope;
import dev.slipway.actions.expr.Template;
import java.util.Locale;
import java.util.Objects;

/**
 * A scalar of the workflow as written, parsed as a template: plain text, or text with
 * {@code ${{ }}} that the runtime evaluates. Its expressions were checked when the file was read
 * (syntax, and the contexts and functions GitHub allows at its key), so evaluation fails only on
 * what depends on values: a bad {@code fromJSON} argument, a non-number where a number is needed.
 * A YAML number or boolean ({@code timeout-minutes: 30}) is kept as its text ({@code "30"}).
 */
public record Value(Template template, Position at) {
    public Value {
        Objects.requireNonNull(template, "template");
        Objects.requireNonNull(at, "at");
    }

    /** A value without expressions, as Slipway's defaults are. */
    public static Value literal(String text, Position at) {
        if (text.contains("${{")) {
            throw new IllegalArgumentException("a literal value cannot hold '${{': " + text);
        }
        return new Value(Expressions.template(text), at);
    }

    /** The text as written. */
    public String source() {
        return template.source();
    }

    public boolean isLiteral() {
        return template.isLiteral();
    }

    public JsonNode evaluate(Scope scope) {
        return template.evaluate(scope);
    }

    /** For keys that take text (env values, run scripts, with: inputs): arrays and objects are an error. */
    public String evaluateString(Scope scope) {
        return template.evaluateString(scope);
    }

    /**
     * For keys that take a boolean ({@code continue-on-error}, {@code fail-fast}): a boolean, or
     * the text {@code true} or {@code false} in any case, as GitHub's runner accepts them.
     *
     * @throws WorkflowException at this value when it is neither
     * @throws dev.slipway.actions.expr.ExpressionException when an expression fails
     */
    public boolean evaluateFlag(Scope scope) {
        JsonNode value = evaluate(scope);
        if (value.isBoolean()) {
            return value.booleanValue();
        }
        String text = Expressions.asString(value).strip().toLowerCase(Locale.ROOT);
        return switch (text) {
            case "true" -> true;
            case "false" -> false;
            default -> throw WorkflowException.at(at, "expected true or false, got '" + Expressions.asString(value) + "'");
        };
    }

    /**
     * For keys that take a number ({@code timeout-minutes}, {@code max-parallel}): a number, or
     * text that is one.
     *
     * @throws WorkflowException at this value when it is no number
     * @throws dev.slipway.actions.expr.ExpressionException when an expression fails
     */
    public double evaluateNumber(Scope scope) {
        JsonNode value = evaluate(scope);
        if (value.isNumber()) {
            return value.doubleValue();
        }
        String text = Expressions.asString(value).strip();
        try {
            double d = Double.parseDouble(text);
            if (!Double.isNaN(d) && !text.isEmpty()) {
                return d;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw WorkflowException.at(at, "expected a number, got '" + Expressions.asString(value) + "'");
    }

    @Override
    public String toString() {
        return source();
    }
}
