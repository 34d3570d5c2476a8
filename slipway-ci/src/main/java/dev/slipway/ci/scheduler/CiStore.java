package dev.slipway.ci.scheduler;

import dev.slipway.ci.model.RepositoryEntry;
import dev.slipway.ci.secret.DeployKeys;
import dev.slipway.ci.secret.Secrets;
import dev.slipway.core.ChangeCounter;
import dev.slipway.core.Clock;
import dev.slipway.core.SlipwayException;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * CI state in the database (schema {@code db/migration/ci/V6__ci_runs.sql} and {@code V7}): registered
 * repositories, runs (the persistent queue: a run is {@code queued} until a worker takes it),
 * their tasks, and the worktrees each run used.
 */
public final class CiStore {
    /**
     * A registered repository.
     *
     * @param keyName the deploy key for an ssh clone URL, or null
     * @param credentialsName the secret with the credentials for an http(s) clone URL, or null
     */
    public record RepositoryRow(String owner, String name, String cloneUrl, String defaultBranch, String keyName, String credentialsName,
                                long createdAt) {
        /** A new registration, checked: 400 for a bad name or URL, or a key or credentials that do not fit the URL. */
        public static RepositoryRow registration(String owner, String name, String cloneUrl, String defaultBranch, String keyName,
                                                 String credentialsName, long createdAt) {
            if (name == null || !name.matches("[a-zA-Z0-9][a-zA-Z0-9._-]{0,99}")) {
                throw new SlipwayException.BadRequest("invalid repository name '" + name + "'");
            }
            if (cloneUrl == null || !(RepositoryEntry.isHttp(cloneUrl) || RepositoryEntry.isSsh(cloneUrl) || cloneUrl.startsWith("file:")
                    || cloneUrl.startsWith("/"))) {
                throw new SlipwayException.BadRequest("clone_url must be an https, ssh or file URL, got '" + cloneUrl + "'");
            }
            if (keyName != null) {
                DeployKeys.checkName(keyName);
            }
            if (credentialsName != null) {
                Secrets.canonicalName(credentialsName);
            }
            for (String[] field : new String[][] {{"key", keyName}, {"credentials", credentialsName}}) {
                String misfit = field[1] == null ? null : RepositoryEntry.misfit(field[0], cloneUrl);
                if (misfit != null) {
                    throw new SlipwayException.BadRequest("'" + field[0] + "' " + misfit);
                }
            }
            return new RepositoryRow(owner, name, cloneUrl, defaultBranch == null || defaultBranch.isBlank() ? "main" : defaultBranch,
                    keyName, credentialsName, createdAt);
        }

        public String fullName() {
            return owner + "/" + name;
        }
    }

    public record RunRow(long id, String owner, String repo, String pipeline, String ref, String commit, String status, String trigger,
                         String variables, String definition, String message, String createdBy, long createdAt, Long startedAt,
                         Long finishedAt, Long evictedAt) {}

    /** A finished run whose workspace is still kept; {@code bytes} is null until measured. */
    public record KeptRun(long id, long finishedAt, Long bytes) {}

    public record TaskRow(long runId, String name, int position, String status, Integer exitCode, int attempt, Long startedAt,
                          Long finishedAt) {}

    public record WorktreeRow(String mount, String path, String commit) {}

    private final Jdbi jdbi;
    private final Clock clock;
    private final ChangeCounter changes = new ChangeCounter();

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

    public Jdbi jdbi() {
        return jdbi;
    }

    /** The clock of every timestamp stored here. */
    public Clock clock() {
        return clock;
    }

    // ---- repositories

    public boolean insertRepository(RepositoryRow r) {
        return jdbi.withHandle(h -> h.createUpdate("INSERT INTO ci_repositories(owner, name, clone_url, default_branch, key_name, "
                        + "credentials_name, created_at) VALUES (:o, :n, :u, :b, :k, :c, :t) ON CONFLICT (owner, name) DO NOTHING")
                .bind("o", r.owner()).bind("n", r.name()).bind("u", r.cloneUrl()).bind("b", r.defaultBranch()).bind("k", r.keyName())
                .bind("c", r.credentialsName()).bind("t", r.createdAt()).execute()) > 0;
    }

    private static final String REPOSITORY_COLUMNS = "owner, name, clone_url, default_branch, key_name, credentials_name, created_at";

    private static RepositoryRow repositoryRow(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new RepositoryRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6),
                rs.getLong(7));
    }

    public Optional<RepositoryRow> repository(String owner, String name) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + REPOSITORY_COLUMNS + " FROM ci_repositories WHERE owner = :o AND name = :n")
                .bind("o", owner).bind("n", name).map((rs, ctx) -> repositoryRow(rs)).findOne());
    }

    public List<RepositoryRow> repositoriesOf(String owner) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + REPOSITORY_COLUMNS + " FROM ci_repositories WHERE owner = :o ORDER BY name")
                .bind("o", owner).map((rs, ctx) -> repositoryRow(rs)).list());
    }

    /** Replaces the clone URL, default branch, key and credentials of a registration; false if there is none. */
    public boolean updateRepository(RepositoryRow r) {
        return jdbi.withHandle(h -> h.createUpdate("UPDATE ci_repositories SET clone_url = :u, default_branch = :b, key_name = :k, "
                        + "credentials_name = :c WHERE owner = :o AND name = :n")
                .bind("o", r.owner()).bind("n", r.name()).bind("u", r.cloneUrl()).bind("b", r.defaultBranch()).bind("k", r.keyName())
                .bind("c", r.credentialsName()).execute()) > 0;
    }

    /**
     * Removes a registration unless a run of it is queued or running (checked in the same
     * transaction); its finished runs and their logs stay. Returns the runs in the way, or an
     * empty list once it is gone.
     */
    public List<Long> deleteRepository(String owner, String name) {
        return jdbi.inTransaction(h -> {
            List<Long> busy = h.createQuery("SELECT id FROM ci_runs WHERE owner = :o AND repo = :n AND status IN ('queued', 'running') ORDER BY id")
                    .bind("o", owner).bind("n", name).mapTo(Long.class).list();
            if (busy.isEmpty()) {
                h.createUpdate("DELETE FROM ci_repositories WHERE owner = :o AND name = :n").bind("o", owner).bind("n", name).execute();
            }
            return busy;
        });
    }

    public List<RepositoryRow> repositoriesUsingKey(String owner, String keyName) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + REPOSITORY_COLUMNS + " FROM ci_repositories WHERE owner = :o AND key_name = :k "
                        + "ORDER BY name").bind("o", owner).bind("k", keyName).map((rs, ctx) -> repositoryRow(rs)).list());
    }

    // ---- runs

    /** Creates a queued run with pending tasks, in one transaction; returns its id. */
    public long createRun(RunRow run, List<String> tasks) {
        return changed(jdbi.inTransaction(h -> {
            h.createUpdate("UPDATE ci_counters SET value = value + 1 WHERE name = 'run'").execute();
            long id = h.createQuery("SELECT value FROM ci_counters WHERE name = 'run'").mapTo(Long.class).one();
            h.createUpdate("INSERT INTO ci_runs(id, owner, repo, pipeline, ref, commit_sha, status, trigger_kind, variables, definition, "
                            + "message, created_by, created_at) VALUES (:id, :o, :r, :p, :ref, :c, 'queued', :tr, :v, :d, NULL, :by, :t)")
                    .bind("id", id).bind("o", run.owner()).bind("r", run.repo()).bind("p", run.pipeline()).bind("ref", run.ref())
                    .bind("c", run.commit()).bind("tr", run.trigger()).bind("v", run.variables()).bind("d", run.definition())
                    .bind("by", run.createdBy()).bind("t", clock.millis()).execute();
            int pos = 0;
            for (String t : tasks) {
                h.createUpdate("INSERT INTO ci_tasks(run_id, name, position, status, attempt) VALUES (:id, :n, :p, 'pending', 0)")
                        .bind("id", id).bind("n", t).bind("p", pos++).execute();
            }
            return id;
        }));
    }

    private static RunRow runRow(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new RunRow(rs.getLong("id"), rs.getString("owner"), rs.getString("repo"), rs.getString("pipeline"), rs.getString("ref"),
                rs.getString("commit_sha"), rs.getString("status"), rs.getString("trigger_kind"), rs.getString("variables"),
                rs.getString("definition"), rs.getString("message"), rs.getString("created_by"), rs.getLong("created_at"),
                (Long) rs.getObject("started_at") == null ? null : rs.getLong("started_at"),
                (Long) rs.getObject("finished_at") == null ? null : rs.getLong("finished_at"),
                (Long) rs.getObject("evicted_at") == null ? null : rs.getLong("evicted_at"));
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
        return changed(jdbi.withHandle(h -> h.createUpdate("UPDATE ci_runs SET status = 'running', started_at = :t WHERE id = :id AND status = 'queued'")
                .bind("t", clock.millis()).bind("id", id).execute()) > 0);
    }

    public void setCommit(long id, String commit) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE ci_runs SET commit_sha = :c WHERE id = :id").bind("c", commit).bind("id", id).execute());
        changes.fire();
    }

    public void finishRun(long id, String status, String message) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE ci_runs SET status = :s, message = :m, finished_at = :t WHERE id = :id")
                .bind("s", status).bind("m", message).bind("t", clock.millis()).bind("id", id).execute());
        changes.fire();
    }

    /** Cancels a run that has not started; false if it is no longer queued. */
    public boolean cancelQueued(long id) {
        return changed(jdbi.inTransaction(h -> {
            int n = h.createUpdate("UPDATE ci_runs SET status = 'cancelled', finished_at = :t, message = 'cancelled before it started' "
                    + "WHERE id = :id AND status = 'queued'").bind("t", clock.millis()).bind("id", id).execute();
            if (n > 0) {
                h.createUpdate("UPDATE ci_tasks SET status = 'cancelled' WHERE run_id = :id AND status = 'pending'").bind("id", id).execute();
            }
            return n > 0;
        }));
    }

    /** Puts a finished run back in the queue for a retry of some of its tasks. */
    public boolean requeue(long id, List<String> tasks) {
        return changed(jdbi.inTransaction(h -> {
            int n = h.createUpdate("UPDATE ci_runs SET status = 'queued', finished_at = NULL, message = NULL WHERE id = :id "
                    + "AND status IN ('success', 'failure', 'cancelled', 'error') AND evicted_at IS NULL").bind("id", id).execute();
            if (n == 0) {
                return false;
            }
            h.createUpdate("UPDATE ci_runs SET workspace_bytes = NULL WHERE id = :id").bind("id", id).execute(); // it will change
            for (String t : tasks) {
                h.createUpdate("UPDATE ci_tasks SET status = 'pending', exit_code = NULL, started_at = NULL, finished_at = NULL "
                        + "WHERE run_id = :id AND name = :n").bind("id", id).bind("n", t).execute();
            }
            return true;
        }));
    }

    /**
     * Runs that were running when the server stopped: their containers are gone with the server's
     * view of them, so they end as {@code error} with a message saying so (retry resumes them).
     */
    public int failInterrupted() {
        return changed(jdbi.inTransaction(h -> {
            long now = clock.millis();
            h.createUpdate("UPDATE ci_tasks SET status = 'error', finished_at = :t WHERE status = 'running'").bind("t", now).execute();
            h.createUpdate("UPDATE ci_tasks SET status = 'skipped' WHERE status = 'pending' AND run_id IN (SELECT id FROM ci_runs WHERE status = 'running')")
                    .execute();
            return h.createUpdate("UPDATE ci_runs SET status = 'error', finished_at = :t, "
                    + "message = 'the server stopped while this run was running; retry a task to resume it' WHERE status = 'running'")
                    .bind("t", now).execute();
        }));
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
        return h.createQuery("SELECT run_id, name, position, status, exit_code, attempt, started_at, finished_at FROM ci_tasks "
                        + "WHERE run_id = :id ORDER BY position").bind("id", runId)
                .map((rs, ctx) -> new TaskRow(rs.getLong(1), rs.getString(2), rs.getInt(3), rs.getString(4),
                        (Integer) rs.getObject(5) == null ? null : rs.getInt(5), rs.getInt(6),
                        (Long) rs.getObject(7) == null ? null : rs.getLong(7), (Long) rs.getObject(8) == null ? null : rs.getLong(8)))
                .list();
    }

    /** Tasks marked running (after a crash: those whose logs were left unfinished). */
    public List<TaskRow> runningTasks() {
        return jdbi.withHandle(h -> h.createQuery("SELECT run_id, name, position, status, exit_code, attempt, started_at, finished_at FROM ci_tasks "
                        + "WHERE status = 'running' ORDER BY run_id, position")
                .map((rs, ctx) -> new TaskRow(rs.getLong(1), rs.getString(2), rs.getInt(3), rs.getString(4), null, rs.getInt(6),
                        (Long) rs.getObject(7) == null ? null : rs.getLong(7), null))
                .list());
    }

    public void taskStarted(long runId, String task) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE ci_tasks SET status = 'running', attempt = attempt + 1, started_at = :t, finished_at = NULL, "
                        + "exit_code = NULL WHERE run_id = :id AND name = :n")
                .bind("t", clock.millis()).bind("id", runId).bind("n", task).execute());
        changes.fire();
    }

    public void taskFinished(long runId, String task, String status, Integer exitCode) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE ci_tasks SET status = :s, exit_code = :e, finished_at = :t WHERE run_id = :id AND name = :n")
                .bind("s", status).bind("e", exitCode).bind("t", clock.millis()).bind("id", runId).bind("n", task).execute());
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
