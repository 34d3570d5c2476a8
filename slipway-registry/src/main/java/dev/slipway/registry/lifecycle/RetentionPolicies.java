package dev.slipway.registry.lifecycle;

import dev.slipway.core.Clock;
import dev.slipway.core.SlipwayException;
import dev.slipway.registry.oci.Names;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/** Retention policies in the database (table {@code retention_policies}, one per owner or repository). */
final class RetentionPolicies {
    private static final String COLUMNS = "owner, repository, keep_last, keep_within_ms, keep_pattern, remove_pattern, untagged_older_than_ms";

    private final Jdbi jdbi;
    private final Clock clock;

    RetentionPolicies(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    /** Creates or replaces the policy of its owner or repository. */
    void put(RetentionPolicy p) {
        ImmutableTags.requireOwner(jdbi, p.owner());
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO retention_policies(" + COLUMNS + ", updated_at) "
                        + "VALUES (:o, :r, :kl, :kw, :kp, :rp, :u, :t) ON CONFLICT (owner, repository) DO UPDATE SET "
                        + "keep_last = excluded.keep_last, keep_within_ms = excluded.keep_within_ms, keep_pattern = excluded.keep_pattern, "
                        + "remove_pattern = excluded.remove_pattern, untagged_older_than_ms = excluded.untagged_older_than_ms, "
                        + "updated_at = excluded.updated_at")
                .bind("o", p.owner()).bind("r", p.repository() == null ? "" : p.repository())
                .bind("kl", p.keepLast()).bind("kw", p.keepWithin() == null ? null : p.keepWithin().toMillis())
                .bind("kp", p.keep() == null ? null : p.keep().text()).bind("rp", p.remove() == null ? null : p.remove().text())
                .bind("u", p.untaggedOlderThan() == null ? null : p.untaggedOlderThan().toMillis())
                .bind("t", clock.millis()).execute());
    }

    List<RetentionPolicy> list(String owner) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM retention_policies WHERE owner = :o ORDER BY repository")
                .bind("o", owner).map((rs, ctx) -> read(rs)).list());
    }

    void remove(String owner, String repository) {
        int removed = jdbi.withHandle(h -> h.createUpdate("DELETE FROM retention_policies WHERE owner = :o AND repository = :r")
                .bind("o", owner).bind("r", repository == null ? "" : repository).execute());
        if (removed == 0) {
            throw new SlipwayException.NotFound("no retention policy for " + (repository == null ? owner : repository));
        }
    }

    /** The repository's own policy, else its owner's. */
    Optional<RetentionPolicy> effective(String repository) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM retention_policies "
                        + "WHERE owner = :o AND (repository = :r OR repository = '') ORDER BY repository DESC")
                .bind("o", Names.owner(repository)).bind("r", repository).map((rs, ctx) -> read(rs)).findFirst());
    }

    private static RetentionPolicy read(ResultSet rs) throws SQLException {
        String repository = rs.getString(2);
        return new RetentionPolicy(rs.getString(1), repository.isEmpty() ? null : repository,
                rs.getObject(3) == null ? null : rs.getInt(3),
                rs.getObject(4) == null ? null : Duration.ofMillis(rs.getLong(4)),
                rs.getString(5) == null ? null : TagPattern.parse(rs.getString(5)),
                rs.getString(6) == null ? null : TagPattern.parse(rs.getString(6)),
                rs.getObject(7) == null ? null : Duration.ofMillis(rs.getLong(7)));
    }
}
