package dev.slipway.actions.expr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.slipway.actions.expr.Usage.Reference;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Values with ${{ }} anywhere: the table in templates.txt, then strings, kinds and positions. */
class TemplateTest {
    private static final Scope SCOPE = Scope.of(Fixtures.contexts());

    @TestFactory
    Stream<DynamicTest> templates() {
        return Fixtures.tests("templates.txt", input -> Fixtures.render(Expressions.template(input).evaluate(SCOPE)));
    }

    @Test
    void kindsOfTemplate() {
        Template literal = Expressions.template("plain");
        assertThat(literal.isLiteral()).isTrue();
        assertThat(literal.isSingleExpression()).isFalse();
        assertThat(literal.usage().contexts()).isEmpty();
        Template single = Expressions.template("${{ false }}");
        assertThat(single.isLiteral()).isFalse();
        assertThat(single.isSingleExpression()).isTrue();
        Template mixed = Expressions.template("v${{ 1 }}");
        assertThat(mixed.isLiteral()).isFalse();
        assertThat(mixed.isSingleExpression()).isFalse();
        // Whitespace around a single expression is text, as in GitHub: the value is then a string.
        Template padded = Expressions.template(" ${{ false }} ");
        assertThat(padded.isSingleExpression()).isFalse();
        assertThat(padded.evaluate(SCOPE).isTextual()).isTrue();
        assertThat(padded.evaluateString(SCOPE)).isEqualTo(" false ");
        assertThat(Expressions.template("").evaluateString(SCOPE)).isEmpty();
        assertThat(Expressions.template("").isLiteral()).isTrue();
    }

    @Test
    void evaluateStringGivesTextForStringPlaces() {
        assertThat(Expressions.template("${{ matrix.node }}").evaluateString(SCOPE)).isEqualTo("20");
        assertThat(Expressions.template("${{ null }}").evaluateString(SCOPE)).isEmpty();
        assertThat(Expressions.template("${{ true }}").evaluateString(SCOPE)).isEqualTo("true");
        assertThat(Expressions.template("${{ toJSON(small) }}").evaluateString(SCOPE)).isEqualTo("{\n  \"key\": \"value\"\n}");
        assertThat(Expressions.template("x ${{ small }}").evaluateString(SCOPE)).isEqualTo("x Object");
        ExpressionException e = catchThrowableOfType(ExpressionException.class,
                () -> Expressions.template("${{ small }}").evaluateString(SCOPE));
        assertThat(e.reason()).isEqualTo("the expression gives an object where text is expected; toJSON() writes it as text");
        assertThat(e.column()).isEqualTo(5);
        assertThat(catchThrowableOfType(ExpressionException.class,
                () -> Expressions.template("${{ myArray }}").evaluateString(SCOPE)).reason()).startsWith("the expression gives an array");
    }

    @Test
    void usagePositionsCountInTheWholeValue() {
        Template t = Expressions.template("run ${{ github.sha }} on ${{ format('{0}', RUNNER.os) }} at ${{ hashFiles('x') }}");
        assertThat(t.usage().contexts()).containsExactly(new Reference("github", 8), new Reference("RUNNER", 43));
        assertThat(t.usage().contextNames()).containsExactly("github", "runner");
        assertThat(t.usage().functions()).containsExactly(new Reference("format", 29), new Reference("hashFiles", 64));
        assertThat(t.usage().hasStatusFunction()).isFalse();
        t.usage().requireContexts(Set.of("github", "runner"));
        ExpressionException e = catchThrowableOfType(ExpressionException.class, () -> t.usage().requireContexts(Set.of("github", "env")));
        assertThat(e.column()).isEqualTo(44);
        assertThat(e.reason()).startsWith("unknown context 'RUNNER'; available here: ");
        assertThat(e.source()).isEqualTo(t.source());
    }

    @Test
    void giteaAndForgejoAreContextsWhenTheCallerGivesThem() {
        // Seed 000 writes ${{ gitea.repository }}; the workflow reader passes github under the forge's names too.
        Scope scope = Scope.of(Map.of("github", SCOPE.contexts().get("github"), "gitea", SCOPE.contexts().get("github")));
        Template t = Expressions.template("Title: ✅ Images Built: ${{ gitea.repository }}");
        t.usage().requireContexts(Set.of("github", "gitea", "forgejo", "env"));
        assertThat(t.evaluateString(scope)).isEqualTo("Title: ✅ Images Built: owner/repo");
        ExpressionException e = catchThrowableOfType(ExpressionException.class,
                () -> Expressions.template("${{ gitea2.repository }}").usage().requireContexts(Set.of("github", "gitea")));
        assertThat(e.reason()).isEqualTo("unknown context 'gitea2'; available here: " + String.join(", ", Set.of("github", "gitea")));
        assertThat(e.column()).isEqualTo(5);
    }
}
