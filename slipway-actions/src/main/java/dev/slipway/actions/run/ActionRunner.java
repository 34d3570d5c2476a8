package dev.slipway.actions.run;

import java.io.IOException;
import java.util.Optional;

/**
 * Runs {@code uses} steps: the actions part of Slipway plugs in here (local and remote actions,
 * the built-in ones). The runtime evaluates the step's {@code if}, {@code env} and {@code with},
 * gives the action the step's environment, output handling, time limit and cancellation through
 * the {@link ActionCall}, and reads the file commands (GITHUB_OUTPUT, GITHUB_ENV, ...) after it.
 *
 * <p>Order, as in GitHub: {@link #prepare} for every uses step when the job starts (the pre steps
 * it returns run then, in step order, each if its {@link Hook#condition()} holds); {@link #run} when
 * the step's turn comes; the post steps registered with {@link ActionCall#registerPost} run at the
 * end of the job in reverse order. GITHUB_STATE written by any of an action's pre, main and post
 * steps reaches the later ones as {@code STATE_<name>}.
 */
public interface ActionRunner {
    /**
     * Called when the job starts, for each uses step in order, before any step runs: fetch or check
     * the action and return its pre step, if it has one. An exception fails the job before its
     * steps run, with its message in the log.
     */
    default Optional<Hook> prepare(Step.Uses step) throws IOException, InterruptedException {
        return Optional.empty();
    }

    /** Runs the action's main step. An exception fails the step with its message in the log. */
    ActionResult run(ActionCall call) throws IOException, InterruptedException;

    /** For jobs run without the actions part: every uses step fails and says so. */
    static ActionRunner none() {
        return call -> {
            throw new IOException("'uses: " + call.step().uses() + "' cannot run here: actions are not available to this job yet");
        };
    }
}
