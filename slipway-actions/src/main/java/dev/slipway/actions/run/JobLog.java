package dev.slipway.actions.run;

/**
 * Where a job's log goes. The runtime has already masked secrets and {@code ::add-mask::} values
 * in everything it writes here, and calls come one at a time (the runtime serialises the step's
 * stdout and stderr threads), so an implementation only appends.
 *
 * <p>Each step is written between {@code ##[step]Name} and {@code ##[endstep]Outcome} system
 * lines, which the log renderer folds (docs/logs.md); a step's own output is in between, byte for
 * byte, except masked secrets and the workflow commands the runner consumes.
 */
public interface JobLog {
    void stdout(byte[] bytes, int off, int len);

    void stderr(byte[] bytes, int off, int len);

    /** One line of Slipway's own, without a line break, on the system stream. */
    void system(String line);

    /** A step starts (numbered from 1 in the order steps run, pre and post steps included). */
    default void stepStarted(int number, StepResult.Phase phase, String name) {}

    /** A step ended, or was skipped. */
    default void stepFinished(StepResult result) {}
}
