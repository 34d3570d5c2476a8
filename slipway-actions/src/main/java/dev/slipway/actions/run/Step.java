package dev.slipway.actions.run;

import dev.slipway.actions.expr.Condition;
import dev.slipway.actions.expr.Expressions;
import dev.slipway.actions.expr.Template;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One step of a job, as the workflow reader hands it over: a {@code run} script or a {@code uses}
 * action. Values that may hold {@code ${{ }}} are parsed already; the runtime evaluates them when
 * the step's turn comes.
 */
public sealed interface Step permits Step.Run, Step.Uses {
    Options options();

    /**
     * What every step has.
     *
     * @param id the step's {@code id}, or null (then {@code steps.<id>} does not know it)
     * @param name the display name, or null for GitHub's default ({@code Run <first line>})
     * @param condition {@code if:}; null means {@code success()}
     * @param env the step's {@code env}, in the order written
     * @param continueOnError {@code continue-on-error}: true or false, or an expression giving one; null is false
     * @param timeoutMinutes {@code timeout-minutes}: a number (fractions allowed) or an expression giving one; null is no step limit
     */
    record Options(String id, Template name, Condition condition, Map<String, Template> env, Template continueOnError,
                   Template timeoutMinutes) {
        public static final Options NONE = new Options(null, null, null, Map.of(), null, null);

        public Options {
            condition = condition == null ? Expressions.condition("") : condition;
            env = Collections.unmodifiableMap(new LinkedHashMap<>(env == null ? Map.of() : env));
        }
    }

    /**
     * A {@code run} step.
     *
     * @param shell {@code shell} as written (bash, sh, python, pwsh, or a template with {0}); null for the job's default
     * @param workingDirectory {@code working-directory}, or null for the job's default
     */
    record Run(Options options, Template script, String shell, Template workingDirectory) implements Step {
        public Run {
            Objects.requireNonNull(options, "options");
            Objects.requireNonNull(script, "script");
        }
    }

    /** A {@code uses} step, handed to the {@link ActionRunner} with its {@code with} inputs evaluated. */
    record Uses(Options options, String uses, Map<String, Template> with) implements Step {
        public Uses {
            Objects.requireNonNull(options, "options");
            Objects.requireNonNull(uses, "uses");
            with = Collections.unmodifiableMap(new LinkedHashMap<>(with == null ? Map.of() : with));
        }
    }
}
