package dev.slipway.actions.expr;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * What the status functions {@code success()}, {@code failure()} and {@code cancelled()} see
 * ({@code always()} is always true). A step's {@code if} looks at the steps of its job that finished
 * so far; a job's {@code if} looks at the jobs it needs, directly or through other jobs, as GitHub
 * documents ("failure() returns true if any ancestor job fails") and act implements.
 */
public sealed interface Status permits Status.Steps, Status.Needs {
    boolean success();

    boolean failure();

    boolean cancelled();

    /** Where a step or job ended, in GitHub's words. */
    enum Conclusion {
        SUCCESS, FAILURE, CANCELLED, SKIPPED;

        /** {@code success}, {@code failure}, {@code cancelled} or {@code skipped}, ignoring case. */
        public static Conclusion parse(String word) {
            for (Conclusion c : values()) {
                if (c.word().equalsIgnoreCase(word)) {
                    return c;
                }
            }
            throw new IllegalArgumentException("unknown conclusion '" + word + "' (known: success, failure, cancelled, skipped)");
        }

        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The status a job starts with: nothing failed, nothing was cancelled. */
    Status NONE = new Steps(List.of(), false);

    /**
     * For a step's {@code if}: the conclusions (after {@code continue-on-error}) of the job's steps
     * that have finished, and whether the job was cancelled. As in the runner, a cancelled job is
     * neither a success nor a failure; a failed or cancelled step makes the job a failure.
     */
    record Steps(List<Conclusion> conclusions, boolean cancelled) implements Status {
        public Steps {
            conclusions = List.copyOf(conclusions);
        }

        @Override
        public boolean success() {
            return !cancelled && !failed();
        }

        @Override
        public boolean failure() {
            return !cancelled && failed();
        }

        private boolean failed() {
            return conclusions.contains(Conclusion.FAILURE) || conclusions.contains(Conclusion.CANCELLED);
        }
    }

    /**
     * For a job's {@code if}: the result of every job it needs, directly or through other jobs, and
     * whether the run was cancelled. success() needs all of them to have succeeded (a skipped one
     * is not a success); failure() is true when any failed.
     */
    record Needs(Map<String, Conclusion> ancestors, boolean cancelled) implements Status {
        public Needs {
            Map<String, Conclusion> copy = new LinkedHashMap<>();
            ancestors.forEach((job, result) -> copy.put(Objects.requireNonNull(job), Objects.requireNonNull(result)));
            ancestors = java.util.Collections.unmodifiableMap(copy);
        }

        @Override
        public boolean success() {
            return !cancelled && ancestors.values().stream().allMatch(c -> c == Conclusion.SUCCESS);
        }

        @Override
        public boolean failure() {
            return !cancelled && ancestors.containsValue(Conclusion.FAILURE);
        }
    }
}
