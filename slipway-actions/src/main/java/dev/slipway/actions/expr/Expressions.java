package dev.slipway.actions.expr;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;

/**
 * GitHub Actions expressions, {@code ${{ }}}: the door to this package. Parse once when the
 * workflow is read (errors carry the offset, and {@link Usage} tells which contexts and functions a
 * value uses), then evaluate against a {@link Scope} as often as needed.
 *
 * <pre>{@code
 * Condition cond = Expressions.condition("github.event_name != 'pull_request'");
 * cond.usage().requireContexts(Set.of("github", "env", "vars", "needs", "inputs"));
 * boolean run = cond.test(Scope.of(Map.of("github", githubJson)));
 * String tag = Expressions.template("v${{ needs.version.outputs.version }}").evaluateString(scope);
 * }</pre>
 */
public final class Expressions {
    private Expressions() {}

    /** The contexts GitHub defines. Which of them a workflow key may use is the workflow reader's business. */
    public static final Set<String> CONTEXTS = Set.of("github", "env", "vars", "secrets", "inputs", "matrix", "strategy",
            "needs", "steps", "job", "jobs", "runner");

    /** Parses a bare expression, without {@code ${{ }}}. */
    public static Expression parse(String expression) {
        return new Expression(expression, Parser.parse(expression, 0, expression.length()));
    }

    /** Parses a value that may hold {@code ${{ }}} anywhere. */
    public static Template template(String text) {
        return Template.parse(text);
    }

    /** Parses an {@code if:} value, with or without {@code ${{ }}}. */
    public static Condition condition(String text) {
        return Condition.parse(text);
    }

    /** The string GitHub makes of a value: '' for null, numbers as GitHub prints them, 'Array' and 'Object'. */
    public static String asString(JsonNode value) {
        return Values.toStr(value);
    }

    /** GitHub's truthiness: false, 0, -0, NaN, '' and null are false. */
    public static boolean truthy(JsonNode value) {
        return Values.truthy(value);
    }

    /** The JSON text toJSON() gives: indented by two spaces. */
    public static String toJson(JsonNode value) {
        return Json.pretty(value);
    }
}
