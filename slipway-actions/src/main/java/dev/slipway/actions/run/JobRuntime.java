package dev.slipway.actions.run;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * Runs one GitHub Actions job's steps, one after another, in one {@link JobSession}: evaluates
 * each step's {@code if}, {@code env}, {@code with} and script, runs {@code run} steps through
 * their shell and hands {@code uses} steps to the {@link ActionRunner}, processes workflow
 * commands and file commands, masks secrets and {@code ::add-mask::} values in the log, records
 * annotations, outputs and summaries, and applies step and job timeouts and cancellation as
 * GitHub's runner does. See docs/actions.md, "How a job's steps run".
 *
 * <pre>{@code
 * JobRuntime runtime = new JobRuntime(session, log, actions);
 * JobResult result = runtime.run(job, run, RunnerInfo.linux("slipway", toolCache), contexts);
 * // from another thread, to cancel:
 * runtime.cancel();
 * }</pre>
 *
 * <p>One runtime runs one job once. {@link #run} blocks; {@link #cancel} may come from any
 * thread at any time. A step that is stopped (cancelled, or its time is up) is stopped by
 * interrupting the thread that runs it, which is the thread that called {@link #run}; only while a
 * step's process or action runs, never while the runtime writes its own files.
 */
public final class JobRuntime {
    /**
     * How long steps that run despite a cancellation ({@code if: always()}, {@code cancelled()})
     * may still take in total once the job was cancelled or its time ran out; then they are stopped.
     */
    public static final Duration CANCEL_GRACE = Duration.ofMinutes(5);

    private final JobSession session;
    private final JobLog log;
    private final ActionRunner actions;

    private final Object lock = new Object();
    private Thread thread; // guarded by lock: the thread in run()
    private BooleanSupplier keepOnCancel; // guarded by lock: set while a step's body runs
    private boolean stopRequested; // guarded by lock
    private volatile boolean used;
    private volatile Instant cancelledAt;
    private volatile boolean timedOut;

    public JobRuntime(JobSession session, JobLog log, ActionRunner actions) {
        this.session = Objects.requireNonNull(session, "session");
        this.log = new SerialLog(Objects.requireNonNull(log, "log"));
        this.actions = Objects.requireNonNull(actions, "actions");
    }

    /**
     * Runs the job and returns how it ended. Failures of steps, of expressions and of the session
     * are part of the result (and the log), never exceptions.
     *
     * @throws IllegalStateException when this runtime ran a job already
     */
    public JobResult run(Job job, RunInfo run, RunnerInfo runner, JobContexts contexts) {
        synchronized (lock) {
            if (used) {
                throw new IllegalStateException("a JobRuntime runs one job; make a new one");
            }
            used = true;
            thread = Thread.currentThread();
        }
        try {
            return new JobExecution(this, session, log, actions, job, run, runner, contexts).run();
        } finally {
            synchronized (lock) {
                thread = null;
                keepOnCancel = null;
            }
            Thread.interrupted(); // a cancel() racing the end must not leak an interrupt to the caller
        }
    }

    /**
     * Cancels the job: the running step is stopped unless its {@code if} still holds for a
     * cancelled job ({@code always()}, {@code cancelled()}), as GitHub re-evaluates it; later steps
     * run only if theirs does. Post steps run by their {@code post-if} (default {@code always()}).
     * The job's result is cancelled. Calling it again does nothing.
     */
    public void cancel() {
        synchronized (lock) {
            if (cancelledAt != null) {
                return;
            }
            cancelledAt = Instant.now();
            stopIfNeeded();
        }
    }

    /** Cancels because the job's timeout-minutes passed; its result is cancelled, as in GitHub. */
    void expire() {
        synchronized (lock) {
            if (cancelledAt != null) {
                return;
            }
            timedOut = true;
            cancelledAt = Instant.now();
            stopIfNeeded();
        }
    }

    boolean cancelled() {
        return cancelledAt != null;
    }

    Instant cancelledAt() {
        return cancelledAt;
    }

    boolean timedOut() {
        return timedOut;
    }

    /**
     * Marks the start of a step's body: from now on cancel() interrupts this thread unless
     * {@code keep} (the step's condition, evaluated for a cancelled job) holds. Returns false when
     * the job was cancelled already and the step must not start.
     */
    boolean enter(BooleanSupplier keep) {
        synchronized (lock) {
            keepOnCancel = keep;
            stopRequested = false;
            if (cancelledAt != null && !holds(keep)) {
                stopRequested = true;
                keepOnCancel = null;
                return false;
            }
            return true;
        }
    }

    /** Marks the end of a step's body; true when cancel() stopped it. Clears an interrupt it may have left. */
    boolean leave() {
        boolean stopped;
        synchronized (lock) {
            keepOnCancel = null;
            stopped = stopRequested;
            stopRequested = false;
        }
        Thread.interrupted();
        return stopped;
    }

    private void stopIfNeeded() {
        if (keepOnCancel != null && thread != null && !holds(keepOnCancel)) {
            stopRequested = true;
            thread.interrupt();
        }
    }

    private static boolean holds(BooleanSupplier keep) {
        try {
            return keep.getAsBoolean();
        } catch (RuntimeException e) {
            return false; // a condition that cannot be evaluated does not keep a step running, as in the runner
        }
    }

    /** Serialises the log: a step's stdout and stderr threads and the runtime write concurrently. */
    private static final class SerialLog implements JobLog {
        private final JobLog log;

        SerialLog(JobLog log) {
            this.log = log;
        }

        @Override
        public synchronized void stdout(byte[] bytes, int off, int len) {
            log.stdout(bytes, off, len);
        }

        @Override
        public synchronized void stderr(byte[] bytes, int off, int len) {
            log.stderr(bytes, off, len);
        }

        @Override
        public synchronized void system(String line) {
            log.system(line);
        }

        @Override
        public synchronized void stepStarted(int number, StepResult.Phase phase, String name) {
            log.stepStarted(number, phase, name);
        }

        @Override
        public synchronized void stepFinished(StepResult result) {
            log.stepFinished(result);
        }
    }
}
