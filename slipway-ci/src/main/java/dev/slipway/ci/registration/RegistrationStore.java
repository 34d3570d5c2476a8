package dev.slipway.ci.registration;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Update;

/**
 * Registrations in the database: table {@code ci_repositories} (migrations V6, V7, V9, V10, V22 under
 * {@code db/migration/ci}). Ids come from the {@code ci_counters} row {@code repository}, taken in
 * the registration's own transaction.
 */
final class RegistrationStore {
    private static final String COLUMNS = "id, owner, name, clone_url, default_branch, key_name, credentials_name, created_at, "
            + "webhook_secret, poll_interval, forge, forge_url, forge_repository, status_token, is_public";

    private final Jdbi jdbi;

    RegistrationStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    private static Registration row(ResultSet rs) throws SQLException {
        int poll = rs.getInt(10);
        Integer pollInterval = rs.wasNull() ? null : poll;
        return new Registration(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6),
                rs.getString(7), rs.getLong(8), new Registration.Triggers(rs.getString(9), pollInterval, rs.getString(11), rs.getString(12),
                rs.getString(13), rs.getString(14)), rs.getBoolean(15));
    }

    /** Inserts with a new id; empty if the owner already has a repository of that name. */
    Optional<Registration> insert(Registration r) {
        return jdbi.inTransaction(h -> {
            boolean taken = h.createQuery("SELECT COUNT(*) FROM ci_repositories WHERE owner = :o AND name = :n")
                    .bind("o", r.owner()).bind("n", r.name()).mapTo(Integer.class).one() > 0;
            if (taken) {
                return Optional.empty();
            }
            long id = dev.slipway.ci.scheduler.CiCounters.next(h, "repository");
            int n = bindAll(h.createUpdate("INSERT INTO ci_repositories(" + COLUMNS + ") VALUES (:id, :o, :n, :u, :b, :k, :c, :t, "
                    + ":ws, :pi, :f, :fu, :fr, :st, :pub) ON CONFLICT (owner, name) DO NOTHING"), r).bind("id", id).execute();
            return n == 0 ? Optional.<Registration>empty()
                    : Optional.of(new Registration(id, r.owner(), r.name(), r.cloneUrl(), r.defaultBranch(), r.keyName(), r.credentialsName(),
                    r.createdAt(), r.triggers(), r.isPublic()));
        });
    }

    private static Update bindAll(Update u, Registration r) {
        Registration.Triggers t = r.triggers();
        return u.bind("o", r.owner()).bind("n", r.name()).bind("u", r.cloneUrl()).bind("b", r.defaultBranch()).bind("k", r.keyName())
                .bind("c", r.credentialsName()).bind("t", r.createdAt()).bind("ws", t.webhookSecret()).bind("pi", t.pollInterval())
                .bind("f", t.forge()).bind("fu", t.forgeUrl()).bind("fr", t.forgeRepository()).bind("st", t.statusToken()).bind("pub", r.isPublic());
    }

    Optional<Registration> get(String owner, String name) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM ci_repositories WHERE owner = :o AND name = :n")
                .bind("o", owner).bind("n", name).map((rs, ctx) -> row(rs)).findOne());
    }

    Optional<Registration> get(long id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM ci_repositories WHERE id = :id")
                .bind("id", id).map((rs, ctx) -> row(rs)).findOne());
    }

    List<Registration> of(String owner) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM ci_repositories WHERE owner = :o ORDER BY name")
                .bind("o", owner).map((rs, ctx) -> row(rs)).list());
    }

    List<Registration> all() {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM ci_repositories ORDER BY owner, name")
                .map((rs, ctx) -> row(rs)).list());
    }

    List<Registration> usingKey(String owner, String keyName) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM ci_repositories WHERE owner = :o AND key_name = :k ORDER BY name")
                .bind("o", owner).bind("k", keyName).map((rs, ctx) -> row(rs)).list());
    }

    /** Replaces every changeable field; false if there is no such registration. */
    boolean update(Registration r) {
        return jdbi.withHandle(h -> bindAll(h.createUpdate("UPDATE ci_repositories SET clone_url = :u, default_branch = :b, key_name = :k, "
                + "credentials_name = :c, webhook_secret = :ws, poll_interval = :pi, forge = :f, forge_url = :fu, forge_repository = :fr, "
                + "status_token = :st, is_public = :pub WHERE owner = :o AND name = :n"), r).execute()) > 0;
    }

    /**
     * Removes a registration unless a run of it is queued, waiting for approval or running
     * (checked in the same transaction); its finished runs and their logs stay. Returns the runs in
     * the way, or an empty list once it is gone.
     */
    List<Long> delete(String owner, String name) {
        return jdbi.inTransaction(h -> {
            List<Long> busy = h.createQuery("SELECT id FROM ci_runs WHERE owner = :o AND repo = :n AND status IN ('queued', 'approval', 'running') "
                            + "ORDER BY id").bind("o", owner).bind("n", name).mapTo(Long.class).list();
            if (busy.isEmpty()) {
                deleteTriggerState(h, owner, name);
                h.createUpdate("DELETE FROM ci_repositories WHERE owner = :o AND name = :n").bind("o", owner).bind("n", name).execute();
            }
            return busy;
        });
    }

    private static void deleteTriggerState(Handle h, String owner, String name) {
        for (String table : List.of("ci_known_heads", "ci_poll_state", "ci_schedules", "ci_forge_origins")) {
            h.createUpdate("DELETE FROM " + table + " WHERE owner = :o AND repo = :n").bind("o", owner).bind("n", name).execute();
        }
    }
}
