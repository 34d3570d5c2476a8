package dev.slipway.ci.release;

import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * The version of each run that has one, in {@code ci_run_versions} (migration V14): written when
 * the run starts, updated by its tag push, deleted with the run.
 */
public final class RunVersions {
    private final Jdbi jdbi;

    public RunVersions(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    public Optional<RunVersion> find(long runId) {
        return jdbi.withHandle(h -> find(h, runId));
    }

    /** As {@link #find(long)}, with the caller's handle: inside a run's transaction (a run observer). */
    public static Optional<RunVersion> find(Handle h, long runId) {
        return h.createQuery("SELECT version, bump, previous, tag, pushed, error FROM ci_run_versions WHERE run_id = :id")
                .bind("id", runId)
                .map((rs, ctx) -> new RunVersion(rs.getString(1), rs.getString(2), rs.getString(3), rs.getBoolean(4), rs.getBoolean(5),
                        rs.getString(6)))
                .findOne();
    }

    void insert(long runId, RunVersion v) {
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO ci_run_versions(run_id, version, bump, previous, tag, pushed, error) "
                        + "VALUES (:id, :v, :b, :p, :t, :pushed, :e)")
                .bind("id", runId).bind("v", v.version()).bind("b", v.bump()).bind("p", v.previous()).bind("t", v.tag())
                .bind("pushed", v.pushed()).bind("e", v.error()).execute());
    }

    void recordPush(long runId, boolean pushed, String error) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE ci_run_versions SET pushed = :p, error = :e WHERE run_id = :id")
                .bind("p", pushed).bind("e", error).bind("id", runId).execute());
    }
}
