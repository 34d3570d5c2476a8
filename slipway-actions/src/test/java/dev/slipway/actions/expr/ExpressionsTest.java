package dev.slipway.actions.expr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.slipway.actions.expr.Usage.Reference;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The facade, scopes, what a parse reports, and GitHub's limits. */
class ExpressionsTest {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    @Test
    void usageListsContextsAndFunctionsInOrderWithTheirOffsets() {
        Expression e = Expressions.parse("contains(github.ref, 'x') && fromjson(needs.a.outputs.m).x || steps.s['o'] == env.E");
        assertThat(e.usage().contexts()).containsExactly(new Reference("github", 9), new Reference("needs", 38),
                new Reference("steps", 62), new Reference("env", 78));
        assertThat(e.usage().functions()).containsExactly(new Reference("contains", 0), new Reference("fromJSON", 29));
        assertThat(e.usage().contextNames()).containsExactly("github", "needs", "steps", "env");
        assertThat(e.usage().functionNames()).containsExactly("contains", "fromJSON");
        assertThat(e.usage().hasStatusFunction()).isFalse();
        assertThat(Expressions.parse("always()").usage().hasStatusFunction()).isTrue();
        assertThat(Expressions.parse("!Cancelled()").usage().hasStatusFunction()).isTrue();
        assertThat(Expressions.parse("1").usage().contexts()).isEmpty();
        // A property that happens to be named like a context is not a context.
        assertThat(Expressions.parse("github.env.steps").usage().contextNames()).containsExactly("github");
    }

    @Test
    void requireContextsNamesTheFirstUnknownOneAndWhereItIs() {
        Expression e = Expressions.parse("github.ref == 'x' && Secrets.token != '' && steps.a.outcome");
        e.usage().requireContexts(Set.of("github", "secrets", "steps"));
        e.usage().requireContexts(List.of("GITHUB", "SECRETS", "STEPS"));
        ExpressionException error = catchThrowableOfType(ExpressionException.class,
                () -> e.usage().requireContexts(List.of("github", "env", "vars")));
        assertThat(error.reason()).isEqualTo("unknown context 'Secrets'; available here: github, env, vars");
        assertThat(error.offset()).isEqualTo(21);
        assertThat(error.column()).isEqualTo(22);
        assertThat(error.source()).isEqualTo(e.source());
        assertThat(error.getMessage()).isEqualTo("column 22: unknown context 'Secrets'; available here: github, env, vars (in: "
                + e.source() + ")");
    }

    @Test
    void scopesLookContextsUpIgnoringCaseAndTurnJavaNullsIntoJsonNulls() {
        Map<String, JsonNode> contexts = new LinkedHashMap<>();
        contexts.put("Github", JSON.objectNode().put("sha", "abc"));
        contexts.put("inputs", null);
        Scope scope = Scope.of(contexts);
        assertThat(Expressions.parse("github.sha").evaluate(scope).asText()).isEqualTo("abc");
        assertThat(Expressions.parse("GITHUB.SHA").evaluate(scope).asText()).isEqualTo("abc");
        assertThat(Expressions.parse("inputs.x").evaluate(scope).isNull()).isTrue();
        assertThat(scope.contexts().keySet()).containsExactly("Github", "inputs");
        ExpressionException e = catchThrowableOfType(ExpressionException.class, () -> Expressions.parse("env.X").evaluate(scope));
        assertThat(e.reason()).isEqualTo("unknown context 'env'; the contexts here are Github, inputs");
        ExpressionException none = catchThrowableOfType(ExpressionException.class,
                () -> Expressions.parse("env.X").evaluate(Scope.of(Map.of())));
        assertThat(none.reason()).isEqualTo("unknown context 'env'; no contexts are available here");
        Scope changed = scope.withStatus(new Status.Steps(List.of(Status.Conclusion.FAILURE), false));
        assertThat(Expressions.parse("failure()").evaluate(changed).booleanValue()).isTrue();
        assertThat(changed.contexts()).isEqualTo(scope.contexts());
    }

    @Test
    void valuesAsGitHubWritesThem() {
        assertThat(Expressions.asString(JSON.nullNode())).isEmpty();
        assertThat(Expressions.asString(JSON.numberNode(3))).isEqualTo("3");
        assertThat(Expressions.asString(JSON.numberNode(2.5e-7))).isEqualTo("2.5E-07");
        assertThat(Expressions.asString(JSON.numberNode(1e21))).isEqualTo("1E+21");
        assertThat(Expressions.asString(JSON.booleanNode(true))).isEqualTo("true");
        assertThat(Expressions.asString(JSON.arrayNode())).isEqualTo("Array");
        assertThat(Expressions.asString(JSON.objectNode())).isEqualTo("Object");
        assertThat(Expressions.truthy(JSON.textNode("false"))).isTrue();
        assertThat(Expressions.truthy(JSON.numberNode(-0.0))).isFalse();
        assertThat(Expressions.truthy(JSON.numberNode(Double.NaN))).isFalse();
        assertThat(Expressions.truthy(JSON.arrayNode())).isTrue();
        assertThat(Expressions.truthy(null)).isFalse();
        assertThat(Expressions.toJson(JSON.objectNode().put("a", 1).set("b", JSON.arrayNode().add("x\u2028\u0001")))).isEqualTo(
                "{\n  \"a\": 1,\n  \"b\": [\n    \"x\\u2028\\u0001\"\n  ]\n}");
        assertThat(Expressions.CONTEXTS).contains("github", "env", "vars", "secrets", "inputs", "matrix", "strategy", "needs",
                "steps", "job", "runner");
    }

    @Test
    void resultsAreJsonThatKeepsItsType() {
        Scope scope = Scope.of(Map.of());
        assertThat(Expressions.parse("fromJSON('{\"include\":[{\"os\":\"a\"}]}')").evaluate(scope).at("/include/0/os").asText())
                .isEqualTo("a");
        JsonNode number = Expressions.parse("fromJSON('3')").evaluate(scope);
        assertThat(number.isNumber()).isTrue();
        assertThat(number.doubleValue()).isEqualTo(3.0);
        assertThat(Expressions.parse("1 == 1 && 'yes'").evaluate(scope).isTextual()).isTrue();
        assertThat(Expressions.parse("null").evaluate(scope).isNull()).isTrue();
    }

    @Test
    void githubsLimits() {
        String deep = "(".repeat(50) + "1" + ")".repeat(50);
        assertThat(Expressions.parse(deep).evaluate(Scope.of(Map.of())).doubleValue()).isEqualTo(1.0);
        ExpressionException tooDeep = catchThrowableOfType(ExpressionException.class,
                () -> Expressions.parse("(".repeat(51) + "1" + ")".repeat(51)));
        assertThat(tooDeep.reason()).isEqualTo("the expression nests deeper than 50 levels, GitHub's limit");
        assertThat(tooDeep.column()).isEqualTo(51);
        assertThat(catchThrowableOfType(ExpressionException.class, () -> Expressions.parse("!".repeat(51) + "true")).reason())
                .contains("deeper than 50");
        assertThat(catchThrowableOfType(ExpressionException.class,
                () -> Expressions.parse("github" + ".a".repeat(51))).reason()).contains("deeper than 50");
        // Deep input that would overflow a recursive parser stops at the limit instead.
        assertThat(catchThrowableOfType(ExpressionException.class, () -> Expressions.parse("(".repeat(20_000))).reason())
                .contains("deeper than 50");
        String longest = "'" + "x".repeat(20_998) + "'";
        assertThat(Expressions.parse(longest).evaluate(Scope.of(Map.of())).asText()).hasSize(20_998);
        ExpressionException tooLong = catchThrowableOfType(ExpressionException.class, () -> Expressions.parse(longest + " "));
        assertThat(tooLong.reason()).isEqualTo("the expression is 21001 characters long; GitHub allows at most 21000");
        assertThat(catchThrowableOfType(ExpressionException.class, () -> Expressions.parse("  ")).reason())
                .isEqualTo("an expression was expected, but there is none");
        // A long chain of && is flat, not deep.
        String many = String.join(" && ", java.util.Collections.nCopies(500, "true"));
        assertThat(Expressions.parse(many).evaluate(Scope.of(Map.of())).booleanValue()).isTrue();
    }

    @Test
    void argumentsAreEvaluatedOnlyWhenUsed() {
        Scope scope = Scope.of(Map.of("env", JSON.objectNode()));
        assertThat(Expressions.parse("format('{0}', 'a', nope.x)").evaluate(scope).asText()).isEqualTo("a");
        assertThat(Expressions.parse("false && nope.x").evaluate(scope).booleanValue()).isFalse();
        assertThat(Expressions.parse("true || nope.x").evaluate(scope).booleanValue()).isTrue();
        assertThat(catchThrowableOfType(ExpressionException.class, () -> Expressions.parse("true && nope.x").evaluate(scope)).column())
                .isEqualTo(9);
    }
}
