package dev.slipway.ci.scheduler;

import dev.slipway.ci.artifact.RunArtifacts;
import dev.slipway.ci.model.Pipeline;
import dev.slipway.ci.definition.PipelineParser;
import dev.slipway.ci.workspace.Worktrees;
import dev.slipway.core.SlipwayException;
import dev.slipway.logs.LogStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs as the API and the CLI see them: find, list, cancel, retry and delete runs, and evict the
 * workspaces of finished ones. Runs are created by the trigger package and executed by the
 * {@link RunQueue}.
 *
 * <p>Run directories: {@code <data>/ci/runs/<id>/} holds each task's overlay layers and outputs
 * (see {@link RunEngine}); they are kept, with the run's stopped containers, so a retry can reuse
 * earlier tasks' outputs, until {@link RunEviction} evicts them by the keep policy: a pass a few
 * seconds after runs finish, and a full pass every 10 minutes.
 */
public final class RunService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RunService.class);

    private final CiStore store;
    private final Worktrees worktrees;
    private final LogStore logs;
    private final RunQueue queue;
    private final RunEviction eviction;
    private final RunArtifacts artifacts;
    private final Object evictionSignal = new Object();
    private long evictionDue; // guarded by evictionSignal; 0: no pass requested
    private volatile boolean stopping;
    private Thread evictor;

    /**
     * @param queueFactory makes the run queue, given the callback it calls after each run (which
     *                     asks for an eviction pass)
     */
    public RunService(CiStore store, Worktrees worktrees, LogStore logs, RunEviction eviction,
                      java.util.function.Function<Runnable, RunQueue> queueFactory) {
        this.store = store;
        this.worktrees = worktrees;
        this.logs = logs;
        this.eviction = eviction;
        this.artifacts = new RunArtifacts(eviction::runDir);
        this.queue = queueFactory.apply(this::evictSoon);
    }

    public CiStore store() {
        return store;
    }

    public LogStore logs() {
        return logs;
    }

    public Worktrees worktrees() {
        return worktrees;
    }

    /** The artifacts runs' jobs uploaded. */
    public RunArtifacts artifacts() {
        return artifacts;
    }

    public RunQueue queue() {
        return queue;
    }

    public static String logId(long runId, String task, int attempt) {
        return RunQueue.logId(runId, task, attempt);
    }

    // ---- finding runs

    public Optional<CiStore.RunRow> run(long id) {
        return store.run(id);
    }

    /** The run, or 404. */
    public CiStore.RunRow require(long id) {
        return store.run(id).orElseThrow(() -> new SlipwayException.NotFound("no run " + id));
    }

    public List<CiStore.RunRow> runsOf(String owner, String repo, int limit) {
        return store.runsOf(owner, repo, limit);
    }

    /** Signalled after every change to a run or its tasks (long polls and event streams wait on it). */
    public dev.slipway.core.ChangeCounter changes() {
        return store.changes();
    }

    public List<CiStore.TaskRow> tasks(long id) {
        return store.tasks(id);
    }

    /** What other formats record about a run's tasks (a GitHub Actions job's steps), by task name. */
    public java.util.Map<String, String> taskDetails(long id) {
        return new TaskRecords(store).details(id);
    }

    /**
     * Deletes a finished run: its workspace (containers, volumes, run directory), its logs and its
     * rows. Refused (409) while it is queued or running.
     */
    public void deleteRun(long id) {
        CiStore.RunRow run = require(id);
        if (!CiStore.isFinished(run.status())) {
            throw new SlipwayException.Conflict("run " + id + " is " + run.status() + "; cancel it (and let it stop) before deleting it");
        }
        List<CiStore.TaskRow> tasks = store.tasks(id);
        eviction.removeRun(id);
        if (!store.deleteRun(id)) {
            throw new SlipwayException.Conflict("run " + id + " was started again meanwhile");
        }
        for (CiStore.TaskRow t : tasks) {
            for (int attempt = 1; attempt <= Math.max(1, t.attempt()); attempt++) {
                try {
                    logs.delete(logId(id, t.name(), attempt));
                } catch (IOException e) {
                    LOG.warn("cannot delete the log of {} in run {}: {}", t.name(), id, e.getMessage());
                }
            }
        }
        LOG.info("run {} of {}/{} deleted", id, run.owner(), run.repo());
    }

    // ---- cancel and retry

    public void cancel(long id) {
        CiStore.RunRow run = require(id);
        if (store.cancelQueued(id, "cancelled before it started")) {
            return;
        }
        if (queue.cancelActive(id)) {
            return;
        }
        if (!run.status().equals("running")) {
            throw new SlipwayException.Conflict("run " + id + " has already finished (" + run.status() + ")");
        }
    }

    /**
     * Lets a run of a pull request from a fork start (it waits in {@code approval} until a user
     * with write rights approves it). 409 if it does not wait.
     */
    public void approve(long id, String by) {
        CiStore.RunRow run = require(id);
        if (!store.approve(id)) {
            throw new SlipwayException.Conflict("run " + id + " is " + run.status() + ", not waiting for approval");
        }
        LOG.info("run {} of {}/{} approved by {}", id, run.owner(), run.repo(), by);
        queue.wake();
    }

    /** Re-queues one task that did not succeed and everything that depends on it, reusing the run's worktrees. */
    public void retry(long id, String task) {
        CiStore.RunRow run = require(id);
        if (run.evictedAt() != null) {
            throw evicted(run, "task '" + task + "'");
        }
        CiStore.TaskRow row = store.tasks(id).stream().filter(t -> t.name().equals(task)).findFirst()
                .orElseThrow(() -> new SlipwayException.NotFound("run " + id + " has no task '" + task + "'"));
        if (row.status().equals("success")) {
            throw new SlipwayException.Conflict("task '" + task + "' succeeded; only a failed, cancelled, skipped or errored task can be retried");
        }
        requeue(run, queue.withDependents(run, task), "task '" + task + "'");
    }

    /** Task statuses a retry of a run's failed tasks runs again (with what depends on them), as GitHub's "re-run failed jobs". */
    private static final java.util.Set<String> FAILED = java.util.Set.of("failure", "error", "cancelled");

    /**
     * Runs a finished run's failed, errored and cancelled tasks again, with every task that
     * depends on them; with {@code all}, every task. Returns the tasks queued.
     */
    public List<String> retryRun(long id, boolean all) {
        CiStore.RunRow run = require(id);
        if (run.evictedAt() != null) {
            throw evicted(run, all ? "every task" : "the failed tasks");
        }
        java.util.Set<String> again = new java.util.LinkedHashSet<>();
        for (CiStore.TaskRow t : store.tasks(id)) {
            if ((all || FAILED.contains(t.status())) && !again.contains(t.name())) {
                again.addAll(queue.withDependents(run, t.name()));
            }
        }
        if (again.isEmpty()) {
            throw new SlipwayException.Conflict("run " + id + " has no failed, errored or cancelled task to retry; "
                    + "retry a task by name, or every task with all=true");
        }
        requeue(run, new ArrayList<>(again), all ? "every task" : "the failed tasks");
        return List.copyOf(again);
    }

    private void requeue(CiStore.RunRow run, List<String> again, String what) {
        if (!store.requeue(run.id(), again)) {
            CiStore.RunRow now = store.run(run.id()).orElseThrow();
            if (now.evictedAt() != null) {
                throw evicted(now, what); // evicted since we looked
            }
            throw new SlipwayException.Conflict("run " + run.id() + " is still " + now.status() + "; retry when it has finished");
        }
        queue.wake();
    }

    private static SlipwayException evicted(CiStore.RunRow run, String what) {
        return new SlipwayException.Conflict(what + " of run " + run.id() + " cannot be retried: the run's workspace (its task "
                + "layers, outputs and containers) was evicted at " + java.time.Instant.ofEpochMilli(run.evictedAt())
                + " by the keep policy (ci.keep.*); trigger a new run instead");
    }

    // ---- eviction of finished runs' workspaces

    /** Runs an eviction pass now, sweeping leftovers too (the server does this every 10 minutes). */
    public RunEviction.Result evictWorkspaces() {
        RunEviction.Result r = eviction.evict(true);
        sweepCommitCheckouts();
        return r;
    }

    /** Per-commit checkouts of mutable entries stay while a kept run uses them, and 30 minutes after their last use. */
    static final java.time.Duration COMMIT_CHECKOUT_MIN_AGE = java.time.Duration.ofMinutes(30);

    private void sweepCommitCheckouts() {
        java.util.Set<Path> inUse = new java.util.HashSet<>();
        store.worktreePathsInUse().forEach(p -> inUse.add(Path.of(p)));
        int n = worktrees.sweepCommitCheckouts(inUse, COMMIT_CHECKOUT_MIN_AGE);
        if (n > 0) {
            LOG.info("removed {} per-commit checkouts no kept run uses", n);
        }
    }

    static final long EVICTION_DELAY_MS = TimeUnit.SECONDS.toMillis(5);
    static final long EVICTION_INTERVAL_MS = TimeUnit.MINUTES.toMillis(10);

    /** Asks for a pass soon: runs finishing close together share one. */
    private void evictSoon() {
        synchronized (evictionSignal) {
            if (evictionDue == 0) {
                evictionDue = System.currentTimeMillis() + EVICTION_DELAY_MS;
                evictionSignal.notifyAll();
            }
        }
    }

    private void evictLoop() {
        long nextFull = System.currentTimeMillis();
        while (true) {
            synchronized (evictionSignal) {
                try {
                    while (true) {
                        if (stopping) {
                            return;
                        }
                        long now = System.currentTimeMillis();
                        long due = evictionDue == 0 ? nextFull : Math.min(nextFull, evictionDue);
                        if (now >= due) {
                            break;
                        }
                        evictionSignal.wait(due - now);
                    }
                } catch (InterruptedException e) {
                    return;
                }
                evictionDue = 0;
            }
            boolean full = System.currentTimeMillis() >= nextFull;
            if (full) {
                nextFull = System.currentTimeMillis() + EVICTION_INTERVAL_MS;
            }
            try {
                eviction.evict(full);
                if (full) {
                    sweepCommitCheckouts();
                }
            } catch (RuntimeException e) {
                LOG.warn("eviction of finished runs' workspaces failed: {}", e.getMessage());
            }
        }
    }

    /** Starts the run queue and the eviction of finished runs' workspaces. */
    public void start() {
        queue.start();
        evictor = Thread.ofPlatform().daemon().name("workspace-eviction").start(this::evictLoop);
    }

    @Override
    public void close() {
        stopping = true;
        synchronized (evictionSignal) {
            evictionSignal.notifyAll();
        }
        queue.close();
    }
}
