package dev.slipway.ci.scheduler;

import dev.slipway.core.ChangeCounter;
import dev.slipway.core.Clock;
import dev.slipway.core.SlipwayException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs in the database (schema {@code db/migration/ci/V6__ci_runs.sql}, {@code V8}, {@code V9}, {@code V15}): runs
 * (the persistent queue: a run is {@code queued} until a worker takes it), their tasks, and the
 * worktrees each run used. Registrations are kept by {@code ci.registration}. Every change of a
 * run's state goes through here, and {@link RunObserver}s hear of it inside its transaction.
 */
public final class CiStore {
    private static final Logger LOG = LoggerFactory.getLogger(CiStore.class);

    /**
     * A run. {@code trigger} is its event (push, tag, pull_request, manual, api, cron);
     * {@code message} the outcome (why it failed), not the commit message, which is in {@code event}.
     *
     * @param format the pipeline format ({@link #NATIVE}, or a {@link dev.slipway.ci.format.PipelineFormat}'s name)
     * @param definitionFile the file the definition was read from ({@code .gitea/workflows/build.yaml}), or null
     */
    public record RunRow(long id, String owner, String repo, String pipeline, String ref, String commit, String status, String trigger,
                         String variables, String definition, String message, String createdBy, long createdAt, Long startedAt,
                         Long finishedAt, Long evictedAt, RunEvent event, String format, String definitionFile) {
        public RunRow {
            event = event == null ? RunEvent.NONE : event;
            format = format == null ? NATIVE : format;
        }

        /** A run of a Slipway pipeline ({@code .slipway/*.yml}). */
        public RunRow(long id, String owner, String repo, String pipeline, String ref, String commit, String status, String trigger,
                      String variables, String definition, String message, String createdBy, long createdAt, Long startedAt,
                      Long finishedAt, Long evictedAt, RunEvent event) {
            this(id, owner, repo, pipeline, ref, commit, status, trigger, variables, definition, message, createdBy, createdAt, startedAt,
                    finishedAt, evictedAt, event, NATIVE, null);
        }

        public boolean isNative() {
            return NATIVE.equals(format);
        }
    }

    /** The format of Slipway's own pipelines. */
    public static final String NATIVE = "slipway";

    /**
     * What started a run, beyond its ref and commit.
     *
     * @param before the commit the pushed ref pointed at before (pushes), or null
     * @param pullRequest the pull request's number, head and base ref, and whether its head is in a fork; null otherwise
     * @param payload the forge's webhook body, as received, or null
     * @param dedupeKey one event makes one run per pipeline: a second run with the same key is not created (null: never deduplicated)
     */
    public record RunEvent(String before, String message, String author, PullRequest pullRequest, String payload, String dedupeKey) {
        public static final RunEvent NONE = new RunEvent(null, null, null, null, null, null);
    }

    public record PullRequest(int number, String headRef, String baseRef, boolean fork) {}

    /** The run {@link #createRun} created, or found already created for the same event. */
    public record Created(long id, boolean created) {}

    /** A finished run whose workspace is still kept; {@code bytes} is null until measured. */
    public record KeptRun(long id, long finishedAt, Long bytes) {}

    /** A task of a run; {@code reason} says why it was skipped (its {@code when:}, a dependency), else null. */
    public record TaskRow(long runId, String name, int position, String status, Integer exitCode, int attempt, Long startedAt,
                          Long finishedAt, String reason) {}

    public record WorktreeRow(String mount, String path, String commit) {}

    private final Jdbi jdbi;
    private final Clock clock;
    private final ChangeCounter changes = new ChangeCounter();
    private final List<RunObserver> observers = new CopyOnWriteArrayList<>();

    public CiStore(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    /** Signalled after every change to a run or its tasks. */
    public ChangeCounter changes() {
        return changes;
    }

    /** True for a run status that is an end: success, failure, cancelled, error. */
    public static boolean isFinished(String status) {
        return switch (status) {
            case "success", "failure", "cancelled", "error" -> true;
            default -> false;
        };
    }

    private <T> T changed(T result) {
        changes.fire();
        return result;
    }

    /** Adds an observer of every change of a run's state (commit statuses, notifications). */
    public void observe(RunObserver observer) {
        observers.add(observer);
    }

    @FunctionalInterface
    private interface Transition<T> {
        /** Changes runs with {@code h}, reporting each change with {@link #observed} into {@code made}. */
        T apply(Handle h, List<RunChange> made);
    }

    /** A change of runs in one transaction: observers hear of it inside the transaction, then after the commit. */
    private <T> T transition(Transition<T> body) {
        List<RunChange> made = new ArrayList<>();
        T result = jdbi.inTransaction(h -> {
            made.clear();
            return body.apply(h, made);
        });
        changes.fire();
        for (RunChange c : made) {
            for (RunObserver o : observers) {
                try {
                    o.committed(c);
                } catch (RuntimeException e) {
                    LOG.warn("run observer {} failed after run {} was {}", o, c.run().id(), c.kind(), e);
                }
            }
        }
        return result;
    }

    /**
     * Tells the observers, inside {@code h}'s transaction, that run {@code id} went through
     * {@code kind}. Each observer writes inside a savepoint: one that fails undoes its own writes
     * (on PostgreSQL a failed statement would otherwise doom the whole transaction), never the change.
     */
    private void observed(Handle h, RunChange.Kind kind, long id, List<RunChange> made) {
        if (observers.isEmpty()) {
            return;
        }
        RunRow run = h.createQuery("SELECT * FROM ci_runs WHERE id = :id").bind("id", id).map((rs, ctx) -> runRow(rs)).one();
        RunChange change = new RunChange(kind, run, tasks(h, id));
        for (RunObserver o : observers) {
            h.savepoint("run_observer");
            try {
                o.changed(h, change);
                h.releaseSavepoint("run_observer");
            } catch (RuntimeException e) {
                h.rollbackToSavepoint("run_observer");
                LOG.warn("run observer {} failed on run {} ({}); the change stands without it", o, id, kind, e);
            }
        }
        made.add(change);
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    /** The clock of every timestamp stored here. */
    public Clock clock() {
        return clock;
    }

    // ---- runs

    /**
     * Creates a run (in {@code run.status()}: queued, or approval for one that waits) with pending
     * tasks, in one transaction. A run whose event has a dedupe key that another run of the same
     * pipeline already has is not created: that run is returned (a unique index decides between
     * servers that race).
     */
    public Created createRun(RunRow run, List<String> tasks) {
        String key = run.event().dedupeKey();
        if (key != null) {
            Optional<Long> existing = runWithKey(run, key);
            if (existing.isPresent()) {
                return new Created(existing.get(), false);
            }
        }
        try {
            return transition((h, made) -> {
                long id = insertRun(h, run, tasks);
                observed(h, RunChange.Kind.CREATED, id, made);
                return new Created(id, true);
            });
        } catch (RuntimeException e) {
            if (key != null) {
                Optional<Long> existing = runWithKey(run, key); // another server created it meanwhile
                if (existing.isPresent()) {
                    return new Created(existing.get(), false);
                }
            }
            throw e;
        }
    }

    private Optional<Long> runWithKey(RunRow run, String key) {
        return jdbi.withHandle(h -> h.createQuery("SELECT id FROM ci_runs WHERE owner = :o AND repo = :r AND pipeline = :p AND dedupe_key = :k")
                .bind("o", run.owner()).bind("r", run.repo()).bind("p", run.pipeline()).bind("k", key).mapTo(Long.class).findOne());
    }

    private long insertRun(Handle h, RunRow run, List<String> tasks) {
        long id = CiCounters.next(h, "run");
        RunEvent e = run.event();
        PullRequest pr = e.pullRequest();
        h.createUpdate("INSERT INTO ci_runs(id, owner, repo, pipeline, ref, commit_sha, status, trigger_kind, variables, definition, "
                        + "message, created_by, created_at, before_sha, commit_message, commit_author, pr_number, pr_head_ref, pr_base_ref, "
                        + "pr_fork, event_payload, dedupe_key, format, definition_file) VALUES (:id, :o, :r, :p, :ref, :c, :s, :tr, :v, :d, :m, :by, "
                        + ":t, :before, :cm, :ca, :prn, :prh, :prb, :prf, :payload, :key, :format, :file)")
                .bind("id", id).bind("o", run.owner()).bind("r", run.repo()).bind("p", run.pipeline()).bind("ref", run.ref())
                .bind("c", run.commit()).bind("s", run.status()).bind("tr", run.trigger()).bind("v", run.variables())
                .bind("d", run.definition()).bind("m", run.message()).bind("by", run.createdBy()).bind("t", clock.millis())
                .bind("before", e.before()).bind("cm", e.message()).bind("ca", e.author())
                .bind("prn", pr == null ? null : pr.number()).bind("prh", pr == null ? null : pr.headRef())
                .bind("prb", pr == null ? null : pr.baseRef()).bind("prf", pr == null ? null : pr.fork())
                .bind("payload", e.payload()).bind("key", e.dedupeKey()).bind("format", run.format()).bind("file", run.definitionFile()).execute();
        int pos = 0;
        for (String t : tasks) {
            h.createUpdate("INSERT INTO ci_tasks(run_id, name, position, status, attempt) VALUES (:id, :n, :p, 'pending', 0)")
                    .bind("id", id).bind("n", t).bind("p", pos++).execute();
        }
        return id;
    }

    private static RunRow runRow(java.sql.ResultSet rs) throws java.sql.SQLException {
        Integer prNumber = (Integer) nullable(rs, "pr_number", rs.getInt("pr_number"));
        PullRequest pr = prNumber == null ? null
                : new PullRequest(prNumber, rs.getString("pr_head_ref"), rs.getString("pr_base_ref"), rs.getBoolean("pr_fork"));
        RunEvent event = new RunEvent(rs.getString("before_sha"), rs.getString("commit_message"), rs.getString("commit_author"), pr,
                rs.getString("event_payload"), rs.getString("dedupe_key"));
        return new RunRow(rs.getLong("id"), rs.getString("owner"), rs.getString("repo"), rs.getString("pipeline"), rs.getString("ref"),
                rs.getString("commit_sha"), rs.getString("status"), rs.getString("trigger_kind"), rs.getString("variables"),
                rs.getString("definition"), rs.getString("message"), rs.getString("created_by"), rs.getLong("created_at"),
                (Long) nullable(rs, "started_at", rs.getLong("started_at")), (Long) nullable(rs, "finished_at", rs.getLong("finished_at")),
                (Long) nullable(rs, "evicted_at", rs.getLong("evicted_at")), event, rs.getString("format"), rs.getString("definition_file"));
    }

    /** {@code value} (just read from {@code column}), or null when the column was SQL NULL. */
    private static Object nullable(java.sql.ResultSet rs, String column, Object value) throws java.sql.SQLException {
        return rs.wasNull() ? null : value;
    }

    public Optional<RunRow> run(long id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM ci_runs WHERE id = :id").bind("id", id)
                .map((rs, ctx) -> runRow(rs)).findOne());
    }

    public List<RunRow> runsOf(String owner, String repo, int limit) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM ci_runs WHERE owner = :o AND repo = :r ORDER BY id DESC LIMIT :n")
                .bind("o", owner).bind("r", repo).bind("n", limit).map((rs, ctx) -> runRow(rs)).list());
    }

    public List<RunRow> runsWithStatus(String status) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM ci_runs WHERE status = :s ORDER BY id").bind("s", status)
                .map((rs, ctx) -> runRow(rs)).list());
    }

    /** Takes a queued run for execution; false if another worker (or a cancel) got it first. */
    public boolean claim(long id) {
        return transition((h, made) -> {
            boolean claimed = h.createUpdate("UPDATE ci_runs SET status = 'running', started_at = :t WHERE id = :id AND status = 'queued'")
                    .bind("t", clock.millis()).bind("id", id).execute() > 0;
            if (claimed) {
                observed(h, RunChange.Kind.STARTED, id, made);
            }
            return claimed;
        });
    }

    public void setCommit(long id, String commit) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE ci_runs SET commit_sha = :c WHERE id = :id").bind("c", commit).bind("id", id).execute());
        changes.fire();
    }

    public void finishRun(long id, String status, String message) {
        transition((h, made) -> {
            if (h.createUpdate("UPDATE ci_runs SET status = :s, message = :m, finished_at = :t WHERE id = :id")
                    .bind("s", status).bind("m", message).bind("t", clock.millis()).bind("id", id).execute() > 0) {
                observed(h, RunChange.Kind.FINISHED, id, made);
            }
            return null;
        });
    }

    /**
     * Cancels a run that has not started (queued, or waiting for approval); false if it has started or ended.
     *
     * @param message the run's message from now on: why it was cancelled
     */
    public boolean cancelQueued(long id, String message) {
        return transition((h, made) -> {
            int n = h.createUpdate("UPDATE ci_runs SET status = 'cancelled', finished_at = :t, message = :m "
                    + "WHERE id = :id AND status IN ('queued', 'approval')").bind("t", clock.millis()).bind("m", message).bind("id", id).execute();
            if (n > 0) {
                h.createUpdate("UPDATE ci_tasks SET status = 'cancelled' WHERE run_id = :id AND status = 'pending'").bind("id", id).execute();
                observed(h, RunChange.Kind.FINISHED, id, made);
            }
            return n > 0;
        });
    }

    /** Lets a run that waits for approval (a pull request from a fork) go into the queue; false if it does not wait. */
    public boolean approve(long id) {
        return transition((h, made) -> {
            boolean approved = h.createUpdate("UPDATE ci_runs SET status = 'queued' WHERE id = :id AND status = 'approval'")
                    .bind("id", id).execute() > 0;
            if (approved) {
                observed(h, RunChange.Kind.APPROVED, id, made);
            }
            return approved;
        });
    }

    /** Puts a finished run back in the queue for a retry of some of its tasks. */
    public boolean requeue(long id, List<String> tasks) {
        return transition((h, made) -> {
            int n = h.createUpdate("UPDATE ci_runs SET status = 'queued', finished_at = NULL, message = NULL WHERE id = :id "
                    + "AND status IN ('success', 'failure', 'cancelled', 'error') AND evicted_at IS NULL").bind("id", id).execute();
            if (n == 0) {
                return false;
            }
            h.createUpdate("UPDATE ci_runs SET workspace_bytes = NULL WHERE id = :id").bind("id", id).execute(); // it will change
            for (String t : tasks) {
                h.createUpdate("UPDATE ci_tasks SET status = 'pending', exit_code = NULL, started_at = NULL, finished_at = NULL, reason = NULL "
                        + "WHERE run_id = :id AND name = :n").bind("id", id).bind("n", t).execute();
            }
            observed(h, RunChange.Kind.REQUEUED, id, made);
            return true;
        });
    }

    /**
     * Runs that were running when the server stopped: their containers are gone with the server's
     * view of them, so they end as {@code error} with a message saying so (retry resumes them).
     */
    /** A run that was running when the server stopped, and resumes: queued again, its tasks as they are. */
    public void requeueResumed(long id) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE ci_runs SET status = 'queued' WHERE id = :id AND status = 'running'").bind("id", id).execute());
        changes.fire();
    }

    public int failInterrupted() {
        return transition((h, made) -> {
            long now = clock.millis();
            List<Long> interrupted = h.createQuery("SELECT id FROM ci_runs WHERE status = 'running' ORDER BY id").mapTo(Long.class).list();
            h.createUpdate("UPDATE ci_tasks SET status = 'error', finished_at = :t WHERE status = 'running'").bind("t", now).execute();
            h.createUpdate("UPDATE ci_tasks SET status = 'skipped', reason = 'the server stopped before it started' WHERE status = 'pending' "
                    + "AND run_id IN (SELECT id FROM ci_runs WHERE status = 'running')").execute();
            int n = h.createUpdate("UPDATE ci_runs SET status = 'error', finished_at = :t, "
                    + "message = 'the server stopped while this run was running; retry a task to resume it' WHERE status = 'running'")
                    .bind("t", now).execute();
            interrupted.forEach(id -> observed(h, RunChange.Kind.FINISHED, id, made));
            return n;
        });
    }

    // ---- workspaces of finished runs (RunEviction)

    /** Finished runs whose workspaces are kept, newest first. */
    public List<KeptRun> keptRuns() {
        return jdbi.withHandle(h -> h.createQuery("SELECT id, finished_at, workspace_bytes FROM ci_runs WHERE evicted_at IS NULL "
                        + "AND status IN ('success', 'failure', 'cancelled', 'error') ORDER BY finished_at DESC, id DESC")
                .map((rs, ctx) -> {
                    long bytes = rs.getLong(3); // SQLite hands small values back as Integer: no getObject cast
                    Long measured = rs.wasNull() ? null : bytes;
                    return new KeptRun(rs.getLong(1), rs.getLong(2), measured);
                })
                .list());
    }

    /** Records a finished run's workspace size; false if the run was queued again meanwhile. */
    public boolean recordWorkspaceBytes(long id, long bytes) {
        return jdbi.withHandle(h -> h.createUpdate("UPDATE ci_runs SET workspace_bytes = :b WHERE id = :id AND evicted_at IS NULL "
                + "AND status IN ('success', 'failure', 'cancelled', 'error')").bind("b", bytes).bind("id", id).execute()) > 0;
    }

    /**
     * Marks a finished run's workspace evicted; false if it was queued again (a retry) or evicted
     * already. {@link #requeue} refuses evicted runs, so a retry and an eviction never overlap.
     */
    /** Deletes a finished run and its task and worktree rows; false if it is not finished (or not there). */
    public boolean deleteRun(long id) {
        return changed(jdbi.inTransaction(h -> {
            int n = h.createQuery("SELECT COUNT(*) FROM ci_runs WHERE id = :id AND status IN ('success', 'failure', 'cancelled', 'error')")
                    .bind("id", id).mapTo(Integer.class).one();
            if (n == 0) {
                return false;
            }
            h.createUpdate("DELETE FROM ci_tasks WHERE run_id = :id").bind("id", id).execute();
            h.createUpdate("DELETE FROM ci_run_worktrees WHERE run_id = :id").bind("id", id).execute();
            h.createUpdate("DELETE FROM ci_published_images WHERE run_id = :id").bind("id", id).execute();
            h.createUpdate("DELETE FROM ci_runs WHERE id = :id").bind("id", id).execute();
            return true;
        }));
    }

    public boolean markEvicted(long id) {
        return changed(jdbi.withHandle(h -> h.createUpdate("UPDATE ci_runs SET evicted_at = :t WHERE id = :id AND evicted_at IS NULL "
                + "AND status IN ('success', 'failure', 'cancelled', 'error')").bind("t", clock.millis()).bind("id", id).execute()) > 0);
    }

    /** Which of these runs still have a workspace (exist and are not evicted), whatever their status. */
    public java.util.Set<Long> withWorkspace(java.util.Collection<Long> ids) {
        java.util.Set<Long> out = new java.util.HashSet<>();
        List<Long> all = List.copyOf(ids);
        for (int i = 0; i < all.size(); i += 500) {
            List<Long> batch = all.subList(i, Math.min(all.size(), i + 500));
            out.addAll(jdbi.withHandle(h -> h.createQuery("SELECT id FROM ci_runs WHERE evicted_at IS NULL AND id IN (<ids>)")
                    .bindList("ids", batch).mapTo(Long.class).list()));
        }
        return out;
    }

    // ---- tasks

    public List<TaskRow> tasks(long runId) {
        return jdbi.withHandle(h -> tasks(h, runId));
    }

    private static List<TaskRow> tasks(Handle h, long runId) {
        return h.createQuery("SELECT run_id, name, position, status, exit_code, attempt, started_at, finished_at, reason FROM ci_tasks "
                        + "WHERE run_id = :id ORDER BY position").bind("id", runId)
                .map((rs, ctx) -> new TaskRow(rs.getLong(1), rs.getString(2), rs.getInt(3), rs.getString(4),
                        (Integer) rs.getObject(5) == null ? null : rs.getInt(5), rs.getInt(6),
                        (Long) rs.getObject(7) == null ? null : rs.getLong(7), (Long) rs.getObject(8) == null ? null : rs.getLong(8),
                        rs.getString(9)))
                .list();
    }

    /** Tasks marked running (after a crash: those whose logs were left unfinished). */
    public List<TaskRow> runningTasks() {
        return jdbi.withHandle(h -> h.createQuery("SELECT run_id, name, position, status, exit_code, attempt, started_at, finished_at FROM ci_tasks "
                        + "WHERE status = 'running' ORDER BY run_id, position")
                .map((rs, ctx) -> new TaskRow(rs.getLong(1), rs.getString(2), rs.getInt(3), rs.getString(4), null, rs.getInt(6),
                        (Long) rs.getObject(7) == null ? null : rs.getLong(7), null, null))
                .list());
    }

    public void taskStarted(long runId, String task) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE ci_tasks SET status = 'running', attempt = attempt + 1, started_at = :t, finished_at = NULL, "
                        + "exit_code = NULL, reason = NULL WHERE run_id = :id AND name = :n")
                .bind("t", clock.millis()).bind("id", runId).bind("n", task).execute());
        changes.fire();
    }

    /** @param reason why a skipped task did not run; null otherwise */
    public void taskFinished(long runId, String task, String status, Integer exitCode, String reason) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE ci_tasks SET status = :s, exit_code = :e, finished_at = :t, reason = :r "
                        + "WHERE run_id = :id AND name = :n")
                .bind("s", status).bind("e", exitCode).bind("t", clock.millis()).bind("r", reason == null || reason.length() <= 1000 ? reason : reason.substring(0, 997) + "...").bind("id", runId).bind("n", task).execute());
        changes.fire();
    }

    // ---- worktrees of a run

    public void recordWorktree(long runId, String mount, String path, String commit) {
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO ci_run_worktrees(run_id, mount, path, commit_sha) VALUES (:id, :m, :p, :c) "
                        + "ON CONFLICT (run_id, mount) DO UPDATE SET path = excluded.path, commit_sha = excluded.commit_sha")
                .bind("id", runId).bind("m", mount).bind("p", path).bind("c", commit).execute());
    }

    /** Worktree paths of runs that keep their workspace (not evicted), whatever their status. */
    public java.util.Set<String> worktreePathsInUse() {
        return java.util.Set.copyOf(jdbi.withHandle(h -> h.createQuery("SELECT w.path FROM ci_run_worktrees w JOIN ci_runs r ON r.id = w.run_id "
                + "WHERE r.evicted_at IS NULL").mapTo(String.class).list()));
    }

    public List<WorktreeRow> worktrees(long runId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT mount, path, commit_sha FROM ci_run_worktrees WHERE run_id = :id ORDER BY mount")
                .bind("id", runId).map((rs, ctx) -> new WorktreeRow(rs.getString(1), rs.getString(2), rs.getString(3))).list());
    }
}
