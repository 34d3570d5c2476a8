package dev.slipway.woodpecker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** when.evaluate: Woodpecker's documented examples and the rest of the subset of expr-lang. */
class EvaluateTest {
    static final Map<String, String> PUSH = Map.of("CI_PIPELINE_EVENT", "push", "CI_REPO", "owner/repo", "CI_COMMIT_BRANCH", "main",
            "CI_REPO_DEFAULT_BRANCH", "main", "CI_COMMIT_AUTHOR", "woodpecker-ci", "CI_COMMIT_MESSAGE", "fix: please ignore me",
            "CI_COMMIT_PULL_REQUEST_LABELS", "bug,deploy", "CI_PIPELINE_NUMBER", "42");

    static boolean test(String expression, Map<String, String> env) throws Exception {
        return Evaluate.parse(expression).test(env);
    }

    @Test
    void woodpeckersDocumentedExamples() throws Exception {
        assertThat(test("CI_PIPELINE_EVENT == \"push\" && CI_REPO == \"owner/repo\" && CI_COMMIT_BRANCH == CI_REPO_DEFAULT_BRANCH", PUSH)).isTrue();
        assertThat(test("CI_COMMIT_AUTHOR == \"woodpecker-ci\"", PUSH)).isTrue();
        assertThat(test("not (CI_COMMIT_MESSAGE contains \"please ignore me\")", PUSH)).isFalse();
        assertThat(test("CI_COMMIT_PULL_REQUEST_LABELS contains \"deploy\"", PUSH)).isTrue();
        // SKIP is not set: nil, which is not "true"
        assertThat(test("SKIP != \"true\"", PUSH)).isTrue();
        assertThat(test("SKIP != \"true\"", Map.of("SKIP", "true"))).isFalse();
    }

    @Test
    void operatorsListsAndFunctions() throws Exception {
        assertThat(test("CI_PIPELINE_EVENT in [\"push\", 'tag']", PUSH)).isTrue();
        assertThat(test("CI_PIPELINE_EVENT not in [\"push\", \"tag\"]", PUSH)).isFalse();
        assertThat(test("CI_COMMIT_BRANCH startsWith \"ma\" and CI_COMMIT_BRANCH endsWith 'in'", PUSH)).isTrue();
        assertThat(test("hasPrefix(CI_COMMIT_BRANCH, \"release/\") || hasSuffix(CI_REPO, \"/repo\")", PUSH)).isTrue();
        assertThat(test("CI_COMMIT_MESSAGE matches \"^fix(\\\\(.*\\\\))?:\"", PUSH)).isTrue();
        assertThat(test("upper(CI_PIPELINE_EVENT) == \"PUSH\" && len(CI_REPO) == 10 && trim(\" a \") == \"a\"", PUSH)).isTrue();
        assertThat(test("!(CI_PIPELINE_EVENT == \"tag\") && !false", PUSH)).isTrue();
        assertThat(test("(UNSET ?? \"main\") == CI_COMMIT_BRANCH", PUSH)).isTrue();
        assertThat(test("UNSET == nil && UNSET contains \"x\" == false", PUSH)).isTrue();
        assertThat(test("CI_PIPELINE_NUMBER == \"42\" && CI_PIPELINE_NUMBER != 42 && 2 > 1.5 && \"b\" >= \"a\"", PUSH)).isTrue();
        assertThat(test("true || x == 1 && false", PUSH)).as("&& binds tighter than ||").isTrue();
        assertThat(Evaluate.parse("A == B || C in [D]").names()).containsExactly("A", "B", "C", "D");
    }

    @Test
    void whatIsNotSupportedIsRefusedWhereItStarts() {
        assertThatThrownBy(() -> Evaluate.parse("CI_REPO + \"x\" == \"y\"")).isInstanceOfSatisfying(Evaluate.SyntaxError.class, e -> {
            assertThat(e.offset).isEqualTo(8);
            assertThat(e.getMessage()).startsWith("'+' is not supported by Slipway (it supports ==, !=");
        });
        assertThatThrownBy(() -> Evaluate.parse("split(CI_REPO, \"/\") == \"owner\"")).isInstanceOfSatisfying(Evaluate.SyntaxError.class,
                e -> assertThat(e.getMessage()).startsWith("the function 'split' is not supported by Slipway"));
        assertThatThrownBy(() -> Evaluate.parse("CI_REPO.name == \"x\"")).isInstanceOfSatisfying(Evaluate.SyntaxError.class,
                e -> assertThat(e.offset).isEqualTo(7));
        assertThatThrownBy(() -> Evaluate.parse("CI_REPO == \"x")).hasMessage("this string is not closed");
        assertThatThrownBy(() -> Evaluate.parse("(CI_REPO == \"x\"")).hasMessage("')' is missing for what opens here");
        assertThatThrownBy(() -> Evaluate.parse("CI_REPO ==")).hasMessage("the expression ends where a value is expected");
        assertThatThrownBy(() -> Evaluate.parse("CI_REPO == \"x\" ? 1 : 2")).hasMessageStartingWith("'?' is not supported by Slipway");
    }

    @Test
    void valuesOfTheWrongTypeAreErrorsWhenEvaluated() {
        assertThatThrownBy(() -> test("CI_REPO", PUSH)).isInstanceOf(Evaluate.EvaluationError.class)
                .hasMessage("it gives the text \"owner/repo\", not true or false");
        assertThatThrownBy(() -> test("CI_REPO && true", PUSH)).hasMessage("'&&' needs true or false, not the text \"owner/repo\"");
        assertThatThrownBy(() -> test("CI_REPO in CI_REPO", PUSH)).hasMessageStartingWith("'in' needs a list on its right");
        assertThatThrownBy(() -> test("CI_REPO < 3", PUSH)).hasMessageStartingWith("'<' compares two numbers or two texts");
    }
}
