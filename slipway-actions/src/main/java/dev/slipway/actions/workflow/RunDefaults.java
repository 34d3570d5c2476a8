package dev.slipway.actions.workflow;

/**
 * {@code defaults.run} of a workflow or a job: the shell and working directory of {@code run}
 * steps that name none. Either may be null. A step's own value wins over the job's, the job's
 * over the workflow's ({@link #or}).
 */
public record RunDefaults(Value shell, Value workingDirectory) {
    public static final RunDefaults NONE = new RunDefaults(null, null);

    /** These defaults, each filled from {@code outer} where missing. */
    public RunDefaults or(RunDefaults outer) {
        return new RunDefaults(shell != null ? shell : outer.shell, workingDirectory != null ? workingDirectory : outer.workingDirectory);
    }
}
