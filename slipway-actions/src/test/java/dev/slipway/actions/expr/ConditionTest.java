package dev.slipway.actions.expr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.slipway.actions.expr.Status.Conclusion;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** if: conditions: the table in conditions.txt, then the implicit success() against each kind of status. */
class ConditionTest {
    private static final Scope SCOPE = Scope.of(Fixtures.contexts());

    @TestFactory
    Stream<DynamicTest> conditions() {
        return Fixtures.tests("conditions.txt", input -> String.valueOf(Expressions.condition(input).test(SCOPE)));
    }

    private static boolean test(String condition, Status status) {
        return Expressions.condition(condition).test(SCOPE.withStatus(status));
    }

    @Test
    void aStepAfterAFailedStepRunsOnlyWithAStatusFunctionThatAllowsIt() {
        Status failed = new Status.Steps(List.of(Conclusion.SUCCESS, Conclusion.FAILURE), false);
        assertThat(test("", failed)).isFalse();
        assertThat(test("true", failed)).as("implicit success() &&").isFalse();
        assertThat(test("${{ true }}", failed)).isFalse();
        assertThat(test("github.event_name == 'push'", failed)).isFalse();
        assertThat(test("success()", failed)).isFalse();
        assertThat(test("failure()", failed)).isTrue();
        assertThat(test("always()", failed)).isTrue();
        assertThat(test("!cancelled()", failed)).isTrue();
        assertThat(test("cancelled()", failed)).isFalse();
        // GitHub's docs: "failure() && steps.demo.conclusion == 'failure'"
        assertThat(test("${{ failure() && steps.step-id2.outcome == 'failure' }}", failed)).isTrue();
        assertThat(test("failure() && steps.step-id.outcome == 'failure'", failed)).isFalse();
        assertThat(test("always() && false", failed)).isFalse();
        assertThat(test("success() || failure()", failed)).isTrue();
    }

    @Test
    void continueOnErrorStepsConcludeInSuccessAndSkippedStepsDoNotFail() {
        Status fine = new Status.Steps(List.of(Conclusion.SUCCESS, Conclusion.SKIPPED), false);
        assertThat(test("true", fine)).isTrue();
        assertThat(test("failure()", fine)).isFalse();
        Status timedOut = new Status.Steps(List.of(Conclusion.CANCELLED), false);
        assertThat(test("failure()", timedOut)).isTrue();
        assertThat(test("", timedOut)).isFalse();
    }

    @Test
    void aCancelledJobRunsOnlyAlwaysAndCancelledSteps() {
        Status cancelled = new Status.Steps(List.of(Conclusion.SUCCESS), true);
        assertThat(test("", cancelled)).isFalse();
        assertThat(test("true", cancelled)).isFalse();
        assertThat(test("failure()", cancelled)).isFalse();
        assertThat(test("cancelled()", cancelled)).isTrue();
        assertThat(test("always()", cancelled)).isTrue();
        assertThat(test("!cancelled()", cancelled)).isFalse();
        Status failedThenCancelled = new Status.Steps(List.of(Conclusion.FAILURE), true);
        assertThat(test("failure()", failedThenCancelled)).isFalse();
        assertThat(test("cancelled()", failedThenCancelled)).isTrue();
    }

    /** act's TestRunContext_IsEnabled: a job's if looks at the jobs it needs, directly or not. */
    @Test
    void aJobsConditionLooksAtTheJobsItNeeds() {
        Status none = new Status.Needs(Map.of(), false);
        assertThat(test("success()", none)).isTrue();
        assertThat(test("", none)).isTrue();
        Status neededFailed = new Status.Needs(Map.of("job1", Conclusion.FAILURE), false);
        assertThat(test("success()", neededFailed)).isFalse();
        assertThat(test("", neededFailed)).isFalse();
        assertThat(test("failure()", neededFailed)).isTrue();
        assertThat(test("always()", neededFailed)).isTrue();
        Status neededSucceeded = new Status.Needs(Map.of("job1", Conclusion.SUCCESS), false);
        assertThat(test("success()", neededSucceeded)).isTrue();
        assertThat(test("failure()", neededSucceeded)).isFalse();
        // A failure two jobs up still counts: job3 needs job2 (fine), which needs job1 (failed).
        Status ancestorFailed = new Status.Needs(Map.of("job2", Conclusion.SUCCESS, "job1", Conclusion.FAILURE), false);
        assertThat(test("", ancestorFailed)).isFalse();
        assertThat(test("failure()", ancestorFailed)).isTrue();
        assertThat(test("!failure() && !cancelled()", ancestorFailed)).isFalse();
        Status skipped = new Status.Needs(Map.of("job1", Conclusion.SKIPPED), false);
        assertThat(test("", skipped)).as("a skipped need skips the job").isFalse();
        assertThat(test("failure()", skipped)).isFalse();
        assertThat(test("!failure() && !cancelled()", skipped)).isTrue();
        Status cancelled = new Status.Needs(Map.of("job1", Conclusion.SUCCESS), true);
        assertThat(test("", cancelled)).isFalse();
        assertThat(test("cancelled()", cancelled)).isTrue();
        assertThat(test("always()", cancelled)).isTrue();
    }

    @Test
    void theImplicitSuccessIsNotPartOfWhatTheConditionUses() {
        Condition plain = Expressions.condition("github.ref == 'refs/heads/main'");
        assertThat(plain.usage().hasStatusFunction()).isFalse();
        assertThat(plain.usage().functionNames()).isEmpty();
        assertThat(plain.usage().contextNames()).containsExactly("github");
        Condition explicit = Expressions.condition("${{ failure() && steps.build.outcome == 'failure' }}");
        assertThat(explicit.usage().hasStatusFunction()).isTrue();
        assertThat(explicit.usage().functionNames()).containsExactly("failure");
        assertThat(explicit.usage().contextNames()).containsExactly("steps");
        assertThat(Expressions.condition("").usage().hasStatusFunction()).isFalse();
    }

    @Test
    void textAroundAnExpressionIsFlaggedSoTheReaderCanWarn() {
        assertThat(Expressions.condition("${{ a }} && ${{ b }}").isInterpolated()).isTrue();
        assertThat(Expressions.condition("${{ a && b }}").isInterpolated()).isFalse();
        assertThat(Expressions.condition("a && b").isInterpolated()).isFalse();
        assertThat(Expressions.condition("  ${{ a }}\n").isInterpolated()).isFalse();
    }

    @Test
    void theStatusOfAStepIsTheDefault() {
        assertThat(Scope.of(Map.of()).status()).isEqualTo(Status.NONE);
        assertThat(Status.NONE.success()).isTrue();
        assertThat(Status.NONE.failure()).isFalse();
        assertThat(Status.NONE.cancelled()).isFalse();
        assertThat(Conclusion.parse("Failure")).isEqualTo(Conclusion.FAILURE);
        assertThat(Conclusion.SKIPPED.word()).isEqualTo("skipped");
        assertThat(catchThrowableOfType(IllegalArgumentException.class, () -> Conclusion.parse("neutral")))
                .hasMessageContaining("known: success, failure, cancelled, skipped");
    }
}
