package dev.slipway.actions.workflow;

import dev.slipway.actions.expr.Expressions;
import dev.slipway.actions.expr.Scope;
import java.util.List;
import java.util.Objects;
import java.util.SequencedMap;

/**
 * A job of a workflow: either {@link Steps}, run on a runner, or {@link Call}, which runs a
 * reusable workflow. What both have is here.
 */
public sealed interface Job permits Job.Steps, Job.Call {
    /** The key under {@code jobs:}. */
    String id();

    /** {@code name:}, or null: see {@link #displayName}. */
    Value name();

    /** The ids of the jobs it needs directly, in the order written; all exist and form no cycle. */
    List<String> needs();

    /** {@code if:}; the empty condition ({@code success()}) when not given. */
    Conditional condition();

    /** {@code strategy:}, or null; {@link #expand} covers both. */
    Strategy strategy();

    /** {@code permissions:}, or null (the workflow's then apply: {@link TokenScopes#of}). */
    Permissions permissions();

    /** {@code concurrency:}, or null. */
    Concurrency concurrency();

    /** Where the job's key is. */
    Position at();

    /**
     * The job's matrix expanded, with its {@code fail-fast} and {@code max-parallel}; one empty
     * combination for a job without a matrix. The scope gives {@code github}, {@code inputs},
     * {@code vars} and {@code needs}, which is all GitHub allows in {@code strategy}.
     *
     * @throws WorkflowException at the matrix's position when it does not expand (not a mapping,
     *         empty, a vector that is not a list, more than 256 combinations)
     */
    default Expansion expand(Scope scope) {
        return strategy() == null ? Expansion.single() : strategy().expand(scope);
    }

    /**
     * The name GitHub shows for one run of the job: {@code name:} evaluated when it holds
     * expressions (then it says what it wants and gets no suffix), else {@code name:} or the id,
     * followed by the combination's values in parentheses: {@code build (worker-a, 20)}.
     *
     * @param scope the job's contexts including {@code matrix}, used only when the name holds expressions
     */
    default String displayName(Combination combination, Scope scope) {
        if (name() != null && !name().isLiteral()) {
            return Expressions.asString(name().evaluate(scope));
        }
        String base = name() != null ? name().source() : id();
        String suffix = combination.suffix();
        return suffix.isEmpty() ? base : base + " " + suffix;
    }

    /**
     * A job that runs steps in one container on a runner.
     *
     * @param runsOn the runner labels
     * @param environment {@code environment:}, or null
     * @param env {@code env:} of the job
     * @param defaults {@code defaults.run} of the job; the workflow's fill what it leaves out ({@link RunDefaults#or})
     * @param outputs {@code outputs:}, evaluated when the job ends
     * @param timeoutMinutes {@code timeout-minutes:}, GitHub's 360 when not given
     * @param continueOnError {@code continue-on-error:}, {@code false} when not given
     * @param container {@code container:}, or null
     * @param services {@code services:} by name
     * @param steps at least one
     */
    record Steps(String id, Value name, List<String> needs, Conditional condition, Strategy strategy, Permissions permissions,
                 Concurrency concurrency, RunsOn runsOn, Environment environment, SequencedMap<String, Value> env,
                 RunDefaults defaults, SequencedMap<String, Value> outputs, Value timeoutMinutes, Value continueOnError,
                 Container container, SequencedMap<String, Container> services, List<Step> steps, Position at) implements Job {
        public Steps {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(condition, "condition");
            Objects.requireNonNull(runsOn, "runsOn");
            Objects.requireNonNull(defaults, "defaults");
            Objects.requireNonNull(timeoutMinutes, "timeoutMinutes");
            Objects.requireNonNull(continueOnError, "continueOnError");
            needs = List.copyOf(needs);
            env = Ordered.copy(env);
            outputs = Ordered.copy(outputs);
            services = Ordered.copy(services);
            steps = List.copyOf(steps);
        }
    }

    /**
     * A job that runs a reusable workflow ({@code uses: ./.github/workflows/deploy.yml}).
     *
     * @param with the inputs passed, evaluated by the caller
     * @param secrets the secrets passed, or {@code inherit}
     */
    record Call(String id, Value name, List<String> needs, Conditional condition, Strategy strategy, Permissions permissions,
                Concurrency concurrency, WorkflowRef uses, SequencedMap<String, Value> with, CallSecrets secrets,
                Position at) implements Job {
        public Call {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(condition, "condition");
            Objects.requireNonNull(uses, "uses");
            Objects.requireNonNull(secrets, "secrets");
            needs = List.copyOf(needs);
            with = Ordered.copy(with);
        }
    }

    /** {@code secrets:} of a call: {@code inherit} (all the caller's secrets), or the ones named, by the callee's names. */
    record CallSecrets(boolean inherit, SequencedMap<String, Value> passed) {
        public static final CallSecrets NONE = new CallSecrets(false, new java.util.LinkedHashMap<>());

        public CallSecrets {
            passed = Ordered.copy(passed);
        }
    }
}
