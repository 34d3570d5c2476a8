package dev.slipway.actions.workflow;

import java.util.Objects;
import java.util.SequencedMap;

/** A step of a job: a {@link Run} script or a {@link Uses} action. What both have is here. */
public sealed interface Step permits Step.Run, Step.Uses {
    /** 0-based, in the job's list. */
    int index();

    /** {@code id:}, or null; unique in the job. */
    String id();

    /** {@code name:}, or null: {@link #defaultName} is what GitHub shows then. */
    Value name();

    /** {@code if:}; the empty condition ({@code success()}) when not given. */
    Conditional condition();

    SequencedMap<String, Value> env();

    /** {@code continue-on-error:}, {@code false} when not given. */
    Value continueOnError();

    /** {@code timeout-minutes:}, or null (the job's timeout bounds it). */
    Value timeoutMinutes();

    Position at();

    /** GitHub's name for a step without {@code name:}: {@code Run <first line of the script>} or {@code Run <action>}. */
    String defaultName();

    /**
     * {@code run:} with its shell and working directory.
     *
     * @param shell {@code shell:}, or null: the job's and the workflow's {@code defaults.run}, then the runtime's default
     * @param workingDirectory {@code working-directory:}, or null
     */
    record Run(int index, String id, Value name, Conditional condition, SequencedMap<String, Value> env, Value continueOnError,
               Value timeoutMinutes, Value run, Value shell, Value workingDirectory, Position at) implements Step {
        public Run {
            Objects.requireNonNull(condition, "condition");
            Objects.requireNonNull(continueOnError, "continueOnError");
            Objects.requireNonNull(run, "run");
            env = Ordered.copy(env);
        }

        @Override
        public String defaultName() {
            String script = run.source().strip();
            int end = script.indexOf('\n');
            return "Run " + (end < 0 ? script : script.substring(0, end).strip());
        }

        /** The shell and working directory to use: this step's, else the job's and the workflow's defaults. */
        public RunDefaults settings(RunDefaults defaults) {
            return new RunDefaults(shell, workingDirectory).or(defaults);
        }
    }

    /** {@code uses:} an action, with its inputs ({@code args} and {@code entrypoint} among them for Docker actions). */
    record Uses(int index, String id, Value name, Conditional condition, SequencedMap<String, Value> env, Value continueOnError,
                Value timeoutMinutes, ActionRef uses, SequencedMap<String, Value> with, Position at) implements Step {
        public Uses {
            Objects.requireNonNull(condition, "condition");
            Objects.requireNonNull(continueOnError, "continueOnError");
            Objects.requireNonNull(uses, "uses");
            env = Ordered.copy(env);
            with = Ordered.copy(with);
        }

        @Override
        public String defaultName() {
            return "Run " + uses.source();
        }
    }
}
