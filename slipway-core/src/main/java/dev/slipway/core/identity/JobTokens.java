package dev.slipway.core.identity;

import dev.slipway.core.Clock;
import dev.slipway.core.Ids;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * Job tokens: the {@code SLIPWAY_TOKEN} of a CI run, minted when the run starts and revoked when
 * it ends (GitHub's {@code GITHUB_TOKEN}). A job token authenticates wherever a personal access
 * token does (API, registry Basic and Bearer, {@code docker login} with any user name), as its
 * run's user, but narrowed twice: by its scopes (the pipeline's {@code permissions}) and by its
 * {@link Principal.Job} (its run's repository and that repository's owner's packages only).
 *
 * <p>Table {@code job_tokens} (core {@code V17__job_tokens.sql}): one row per live token, keyed
 * by the SHA-256 of the secret, deleted when the run ends.
 */
public final class JobTokens {
    /** Job tokens start with this, so they are told from personal access tokens without a lookup. */
    public static final String PREFIX = "slwj_";

    private final Jdbi jdbi;
    private final Clock clock;

    JobTokens(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    /**
     * Makes {@code secret} the run's live job token, in place of any earlier one of the run.
     *
     * @param secret the token, starting with {@link #PREFIX}; the caller keeps it for the run's tasks
     * @param username the run's user, or the organization for runs its repository's webhooks started
     * @param repository the run's CI repository, {@code owner/name}
     * @param scopes what the pipeline's permissions allow (package and repository scopes)
     */
    public Principal.Job activate(String secret, String username, long runId, String repository, Collection<Scope> scopes) {
        if (!secret.startsWith(PREFIX) || secret.length() < PREFIX.length() + 32) {
            throw new IllegalArgumentException("a job token starts with " + PREFIX + " and has at least 128 random bits");
        }
        if (scopes.contains(Scope.ADMIN) || scopes.contains(Scope.WRITE_REPOSITORY)) {
            throw new IllegalArgumentException("a job token administers nothing and changes no runs: " + scopes);
        }
        String id = Ids.randomHex(8);
        String wire = String.join(",", scopes.stream().map(Scope::wireName).sorted().toList());
        jdbi.useTransaction(h -> {
            h.createUpdate("DELETE FROM job_tokens WHERE run_id = :r").bind("r", runId).execute();
            h.createUpdate("INSERT INTO job_tokens(id, token_hash, username, run_id, repository, scopes, created_at) "
                            + "VALUES (:id, :h, :u, :r, :repo, :s, :t)")
                    .bind("id", id).bind("h", Identity.sha256(secret)).bind("u", username).bind("r", runId).bind("repo", repository)
                    .bind("s", wire).bind("t", clock.millis()).execute();
        });
        return new Principal.Job(id, runId, repository);
    }

    /** Revokes the run's tokens; the run has ended. */
    public void revoke(long runId) {
        jdbi.useHandle(h -> h.createUpdate("DELETE FROM job_tokens WHERE run_id = :r").bind("r", runId).execute());
    }

    /**
     * Revokes tokens minted before {@code millis}: at a server's start, those of runs that were
     * running when it stopped (they are marked as errors and their tasks are gone).
     */
    public int revokeMintedBefore(long millis) {
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM job_tokens WHERE created_at < :t").bind("t", millis).execute());
    }

    /** Whether the token with this id is still live (its run has not ended). */
    public boolean active(String id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM job_tokens WHERE id = :id").bind("id", id)
                .mapTo(Integer.class).one() > 0);
    }

    /** The principal of a live job token: its user's admin flag, its scopes and its job. */
    Optional<Principal> authenticate(String secret) {
        record Row(String id, String user, long run, String repository, String scopes, boolean admin) {}
        return jdbi.withHandle(h -> h.createQuery("SELECT t.id, t.username, t.run_id, t.repository, t.scopes, u.is_admin "
                        + "FROM job_tokens t LEFT JOIN users u ON u.name = t.username WHERE t.token_hash = :h")
                .bind("h", Identity.sha256(secret))
                .map((rs, ctx) -> new Row(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getString(4), rs.getString(5),
                        rs.getBoolean(6)))
                .findOne())
                .map(r -> new Principal(r.user(), r.admin(), scopes(r.scopes()), new Principal.Job(r.id(), r.run(), r.repository())));
    }

    private static EnumSet<Scope> scopes(String wire) {
        EnumSet<Scope> scopes = EnumSet.noneOf(Scope.class);
        for (String s : wire.isEmpty() ? List.<String>of() : List.of(wire.split(","))) {
            scopes.add(Scope.parse(s));
        }
        return scopes;
    }
}
