package dev.slipway.actions.expr;

import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The table in expressions.txt: GitHub's documented examples, the runner's and GitHub's shared
 * expression tests, and act's exprparser tests, each evaluated against contexts.json.
 */
class ExpressionCasesTest {
    private static final Scope SCOPE = Scope.of(Fixtures.contexts());

    @TestFactory
    Stream<DynamicTest> expressions() {
        return Fixtures.tests("expressions.txt", input -> Fixtures.render(Expressions.parse(input).evaluate(SCOPE)));
    }
}
