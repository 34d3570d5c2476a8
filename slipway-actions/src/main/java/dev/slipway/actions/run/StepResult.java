package dev.slipway.actions.run;

import dev.slipway.actions.expr.Status.Conclusion;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How one step ended, in GitHub's words: {@code outcome} is what happened, {@code conclusion}
 * what counts after {@code continue-on-error} (a failed step that may fail concludes in success).
 *
 * @param number 1-based, in the order steps ran (pre steps first, post steps last)
 * @param id the step's {@code id}, or null
 * @param exitCode the last process's exit code, or null when no process ran (skipped, an action
 *                 that ran none, a step stopped by a timeout or cancellation)
 * @param outputs what the step set through GITHUB_OUTPUT or {@code ::set-output::} (or its action returned)
 * @param annotations what the step's output reported, in order
 * @param summary what the step wrote to GITHUB_STEP_SUMMARY (masked), or null
 */
public record StepResult(int number, Phase phase, String id, String name, Conclusion outcome, Conclusion conclusion, Instant started,
                         Instant ended, Integer exitCode, Map<String, String> outputs, List<Annotation> annotations, String summary) {
    public StepResult {
        Objects.requireNonNull(phase, "phase");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(conclusion, "conclusion");
        Objects.requireNonNull(started, "started");
        Objects.requireNonNull(ended, "ended");
        outputs = Collections.unmodifiableMap(new LinkedHashMap<>(outputs));
        annotations = List.copyOf(annotations);
    }

    public Duration duration() {
        return Duration.between(started, ended);
    }

    /** Which part of the job a step is: an action's pre step, a step of the job, or an action's post step. */
    public enum Phase {
        PRE, MAIN, POST
    }
}
