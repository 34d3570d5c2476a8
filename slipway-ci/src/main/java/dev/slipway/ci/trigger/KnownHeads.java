package dev.slipway.ci.trigger;

import java.util.Map;
import java.util.TreeMap;
import org.jdbi.v3.core.Jdbi;

/**
 * The branch and tag heads Slipway last saw of each registration's remote (table
 * {@code ci_known_heads}, V10): what a poll compares with, and the {@code before} of the pushes it
 * reports. Webhook pushes update it too, so a poll after a webhook finds nothing new.
 */
final class KnownHeads {
    private final Jdbi jdbi;

    KnownHeads(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    Map<String, String> of(String owner, String repo) {
        Map<String, String> heads = new TreeMap<>();
        jdbi.useHandle(h -> h.createQuery("SELECT ref, commit_sha FROM ci_known_heads WHERE owner = :o AND repo = :r")
                .bind("o", owner).bind("r", repo).map((rs, ctx) -> Map.entry(rs.getString(1), rs.getString(2)))
                .forEach(e -> heads.put(e.getKey(), e.getValue())));
        return heads;
    }

    /** Records a ref's head; a null commit forgets the ref (it was deleted). */
    void put(String owner, String repo, String ref, String commit, long now) {
        jdbi.useHandle(h -> {
            if (commit == null) {
                h.createUpdate("DELETE FROM ci_known_heads WHERE owner = :o AND repo = :r AND ref = :ref")
                        .bind("o", owner).bind("r", repo).bind("ref", ref).execute();
                return;
            }
            h.createUpdate("INSERT INTO ci_known_heads(owner, repo, ref, commit_sha, updated_at) VALUES (:o, :r, :ref, :c, :t) "
                            + "ON CONFLICT (owner, repo, ref) DO UPDATE SET commit_sha = excluded.commit_sha, updated_at = excluded.updated_at")
                    .bind("o", owner).bind("r", repo).bind("ref", ref).bind("c", commit).bind("t", now).execute();
        });
    }

    boolean any(String owner, String repo) {
        return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM ci_known_heads WHERE owner = :o AND repo = :r")
                .bind("o", owner).bind("r", repo).mapTo(Integer.class).one()) > 0;
    }
}
