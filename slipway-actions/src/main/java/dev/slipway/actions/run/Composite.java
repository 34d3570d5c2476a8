package dev.slipway.actions.run;

import dev.slipway.actions.expr.Template;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A composite action's steps, run by {@link ActionCall#runComposite} inside the step that uses
 * the action, as GitHub's runner runs them: one after another in the job's session, each with its
 * own {@code if}, {@code env} and {@code continue-on-error}; their {@code steps} context is the
 * action's own, {@code inputs} are the action's inputs, and status functions look at the
 * action's steps. GITHUB_ENV and GITHUB_PATH written by them reach the rest of the job; their
 * GITHUB_OUTPUT reaches {@code steps.<id>.outputs} inside the action, from where {@code outputs}
 * maps them out. A nested {@code uses} goes to the job's {@link ActionRunner} again.
 *
 * @param action the action as the workflow names it, for messages
 * @param steps in order; a {@code run} step names its shell (the job's defaults do not apply)
 * @param inputs the action's inputs, defaults filled in: the {@code inputs} context of its steps
 * @param outputs the action's {@code outputs.<id>.value}, evaluated after its steps
 * @param actionPath the action's directory as the session sees it: {@code github.action_path}
 *                   and GITHUB_ACTION_PATH of its steps
 */
public record Composite(String action, List<Step> steps, Map<String, String> inputs, Map<String, Template> outputs, String actionPath) {
    public Composite {
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(actionPath, "actionPath");
        steps = List.copyOf(steps);
        inputs = Collections.unmodifiableMap(new LinkedHashMap<>(inputs));
        outputs = Collections.unmodifiableMap(new LinkedHashMap<>(outputs));
    }
}
