package dev.slipway.actions.run;

import dev.slipway.actions.expr.Status.Conclusion;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How an action's step ended.
 *
 * @param outcome success or failure (a step stopped by its timeout or a cancellation is recorded
 *                so by the runtime, whatever the action returns)
 * @param outputs outputs besides those the action wrote to GITHUB_OUTPUT (a composite action's
 *                {@code outputs}); they win over GITHUB_OUTPUT's
 * @param exitCode the exit code of the action's process, or null
 */
public record ActionResult(Conclusion outcome, Map<String, String> outputs, Integer exitCode) {
    public ActionResult {
        Objects.requireNonNull(outcome, "outcome");
        if (outcome == Conclusion.SKIPPED) {
            throw new IllegalArgumentException("an action that ran cannot be skipped");
        }
        outputs = Collections.unmodifiableMap(new LinkedHashMap<>(outputs == null ? Map.of() : outputs));
    }

    /** Success or failure by a process's exit code. */
    public static ActionResult exit(int code) {
        return new ActionResult(code == 0 ? Conclusion.SUCCESS : Conclusion.FAILURE, Map.of(), code);
    }

    public static ActionResult success(Map<String, String> outputs) {
        return new ActionResult(Conclusion.SUCCESS, outputs, null);
    }

    public static ActionResult failure() {
        return new ActionResult(Conclusion.FAILURE, Map.of(), null);
    }
}
