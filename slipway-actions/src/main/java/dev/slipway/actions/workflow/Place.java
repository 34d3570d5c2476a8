package dev.slipway.actions.workflow;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.SequencedSet;

/**
 * Where in a workflow a value is, and so which contexts and special functions its expressions
 * may use: GitHub's "Context availability" table (the contexts reference). Values at keys the
 * table does not list ({@code uses}, {@code id}, {@code needs}, {@code shell}, everything under
 * {@code on} but the workflow_call defaults and outputs) take no expressions at all, as in
 * GitHub. {@code gitea} and {@code forgejo} are {@code github} under the names Gitea and Forgejo
 * give it, so they go wherever {@code github} goes.
 */
enum Place {
    LITERAL(List.of(), false, false),
    RUN_NAME(List.of("github", "inputs", "vars"), false, false),
    WORKFLOW_CONCURRENCY(List.of("github", "inputs", "vars"), false, false),
    WORKFLOW_ENV(List.of("github", "secrets", "inputs", "vars"), false, false),
    CALL_INPUT_DEFAULT(List.of("github", "inputs", "vars"), false, false),
    CALL_OUTPUT_VALUE(List.of("github", "jobs", "inputs", "vars"), false, false),
    /** name, runs-on, concurrency, container, services, environment, continue-on-error, timeout-minutes, with of a job. */
    JOB(List.of("github", "needs", "strategy", "matrix", "inputs", "vars"), false, false),
    JOB_STRATEGY(List.of("github", "needs", "inputs", "vars"), false, false),
    JOB_IF(List.of("github", "needs", "inputs", "vars"), true, false),
    /** env of a job, and secrets passed to a reusable workflow. */
    JOB_ENV(List.of("github", "needs", "strategy", "matrix", "secrets", "inputs", "vars"), false, false),
    JOB_DEFAULTS_RUN(List.of("github", "needs", "strategy", "matrix", "env", "inputs", "vars"), false, false),
    CREDENTIALS(List.of("github", "needs", "strategy", "matrix", "env", "secrets", "inputs", "vars"), false, false),
    CONTAINER_ENV(List.of("github", "needs", "strategy", "matrix", "job", "runner", "env", "secrets", "inputs", "vars"), false, false),
    ENVIRONMENT_URL(List.of("github", "needs", "strategy", "matrix", "job", "runner", "env", "steps", "inputs", "vars"), false, false),
    JOB_OUTPUTS(List.of("github", "needs", "strategy", "matrix", "job", "runner", "env", "secrets", "steps", "inputs", "vars"),
            false, false),
    STEP_IF(List.of("github", "needs", "strategy", "matrix", "job", "runner", "env", "steps", "inputs", "vars"), true, true),
    /** name, run, env, with, working-directory, continue-on-error, timeout-minutes of a step. */
    STEP(List.of("github", "needs", "strategy", "matrix", "job", "runner", "env", "secrets", "steps", "inputs", "vars"), false, true),

    // An action's action.yml (GitHub's action_yaml.json): no secrets, needs or vars there; the inputs are the action's.
    /** {@code inputs.<id>.default}. */
    ACTION_INPUT_DEFAULT(List.of("github", "strategy", "matrix", "job", "runner"), false, true),
    /** {@code outputs.<id>.value} of a composite action. */
    ACTION_OUTPUT(List.of("github", "strategy", "matrix", "steps", "inputs", "job", "runner", "env"), false, false),
    /** name, run, env, with, working-directory, continue-on-error of a composite action's step. */
    ACTION_STEP(List.of("github", "inputs", "strategy", "matrix", "steps", "job", "runner", "env"), false, true),
    ACTION_STEP_IF(List.of("github", "inputs", "strategy", "matrix", "steps", "job", "runner", "env"), true, true),
    /** {@code runs.args} and {@code runs.env} of a Docker action. */
    ACTION_CONTAINER(List.of("inputs"), false, false),
    /** {@code runs.pre-if} and {@code runs.post-if}: status functions look at the job's status. */
    ACTION_HOOK_IF(List.of("github", "inputs", "strategy", "matrix", "job", "runner", "env"), true, false);

    /** The contexts by GitHub's name, in the table's order, with the forge aliases after {@code github}. */
    final SequencedSet<String> contexts;
    /** success(), failure(), cancelled() and always(): only in if. */
    final boolean statusFunctions;
    final boolean hashFiles;

    Place(List<String> contexts, boolean statusFunctions, boolean hashFiles) {
        List<String> names = new ArrayList<>();
        for (String c : contexts) {
            names.add(c);
            if (c.equals("github")) {
                names.add("gitea");
                names.add("forgejo");
            }
        }
        this.contexts = new LinkedHashSet<>(names);
        this.statusFunctions = statusFunctions;
        this.hashFiles = hashFiles;
    }

    boolean allowsExpressions() {
        return this != LITERAL;
    }
}
