package dev.slipway.core.identity;

import java.util.EnumSet;
import java.util.Set;

/**
 * Who is calling. A password login carries every scope; a personal access token carries its own.
 * The anonymous principal has no name. A job token ({@link JobTokens}) carries its run's
 * {@link Job}: whatever its user may do, it reaches only that run's repository and the packages
 * of that repository's owner, and it administers nothing.
 *
 * @param job the run a job token belongs to; null for users and their personal tokens
 */
public record Principal(String username, boolean siteAdmin, Set<Scope> scopes, Job job) {
    public static final Principal ANONYMOUS = new Principal(null, false, Set.of());

    /**
     * What a job token is confined to.
     *
     * @param id the job token's id (it is revoked when the run ends)
     * @param run the run's id
     * @param repository the run's CI repository, {@code owner/name}
     */
    public record Job(String id, long run, String repository) {
        /** The owner whose packages the token may use: the repository's. */
        public String owner() {
            return repository.substring(0, repository.indexOf('/'));
        }
    }

    public Principal {
        scopes = scopes.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(scopes));
    }

    public Principal(String username, boolean siteAdmin, Set<Scope> scopes) {
        this(username, siteAdmin, scopes, null);
    }

    public static Principal user(String username, boolean siteAdmin) {
        return new Principal(username, siteAdmin, EnumSet.allOf(Scope.class));
    }

    public boolean isAnonymous() {
        return username == null;
    }

    /** The actions this principal's scopes allow at most, whatever the user's rights. */
    public Set<Action> scopeActions() {
        if (isAnonymous()) {
            return EnumSet.of(Action.PULL);
        }
        EnumSet<Action> out = EnumSet.noneOf(Action.class);
        scopes.forEach(s -> out.addAll(s.actions()));
        return out;
    }

    /** Site administration needs both the admin flag and, for tokens, the admin scope; never a job token. */
    public boolean canAdminister() {
        return siteAdmin && scopes.contains(Scope.ADMIN) && job == null;
    }
}
