package dev.slipway.ci.status;

import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/** What webhook deliveries taught about each registration's forge: table {@code ci_forge_origins} (V12). */
final class ForgeOrigins {
    private final Jdbi jdbi;

    ForgeOrigins(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    Optional<ForgeOrigin> find(String owner, String repo) {
        return jdbi.withHandle(h -> h.createQuery("SELECT forge, api_url, repository, learned_at FROM ci_forge_origins WHERE owner = :o AND repo = :r")
                .bind("o", owner).bind("r", repo)
                .map((rs, ctx) -> new ForgeOrigin(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4))).findOne());
    }

    void put(String owner, String repo, ForgeOrigin o) {
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO ci_forge_origins(owner, repo, forge, api_url, repository, learned_at) "
                        + "VALUES (:o, :r, :f, :u, :n, :t) ON CONFLICT (owner, repo) DO UPDATE SET forge = excluded.forge, "
                        + "api_url = excluded.api_url, repository = excluded.repository, learned_at = excluded.learned_at")
                .bind("o", owner).bind("r", repo).bind("f", o.forge()).bind("u", o.apiUrl()).bind("n", o.repository())
                .bind("t", o.learnedAt()).execute());
    }
}
