package dev.slipway.registry.metadata;

import dev.slipway.core.Clock;
import org.jdbi.v3.core.Jdbi;

/**
 * Who may pull without logging in: a repository's own {@code repositories.is_public}, and each
 * owner's default for repositories created later ({@code registry_owner_defaults}, schema
 * {@code db/migration/registry/V13__registry_visibility.sql}). A first push copies the owner's
 * default into the new repository ({@link Metadata#ensureRepository}); changing the default later
 * leaves existing repositories as they are.
 */
public final class Visibility {
    private final Jdbi jdbi;
    private final Clock clock;

    public Visibility(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    /**
     * Sets a repository's visibility; a repository not pushed yet is created empty with it, so the
     * first push keeps it. Returns true if the repository existed.
     */
    public boolean setRepository(String name, String owner, boolean isPublic) {
        return jdbi.inTransaction(h -> {
            boolean existed = h.createUpdate("UPDATE repositories SET is_public = :p WHERE name = :n")
                    .bind("p", isPublic).bind("n", name).execute() > 0;
            if (!existed) {
                h.createUpdate("INSERT INTO repositories(name, owner, is_public, created_at) VALUES (:n, :o, :p, :t) "
                                + "ON CONFLICT (name) DO UPDATE SET is_public = excluded.is_public")
                        .bind("n", name).bind("o", owner).bind("p", isPublic).bind("t", clock.millis()).execute();
            }
            return existed;
        });
    }

    /** Sets the visibility new repositories of {@code owner} get; returns how many repositories it has already. */
    public int setOwnerDefault(String owner, boolean isPublic) {
        return jdbi.inTransaction(h -> {
            h.createUpdate("INSERT INTO registry_owner_defaults(owner, is_public, updated_at) VALUES (:o, :p, :t) "
                            + "ON CONFLICT (owner) DO UPDATE SET is_public = excluded.is_public, updated_at = excluded.updated_at")
                    .bind("o", owner).bind("p", isPublic).bind("t", clock.millis()).execute();
            return h.createQuery("SELECT COUNT(*) FROM repositories WHERE owner = :o").bind("o", owner).mapTo(Integer.class).one();
        });
    }

    /** Whether new repositories of {@code owner} are public (false unless the owner's default says so). */
    public boolean ownerDefault(String owner) {
        return jdbi.withHandle(h -> h.createQuery("SELECT is_public FROM registry_owner_defaults WHERE owner = :o")
                .bind("o", owner).mapTo(Boolean.class).findOne()).orElse(false);
    }
}
