package dev.slipway.ci.api;

import dev.slipway.core.SlipwayException;
import dev.slipway.core.identity.Identity;
import dev.slipway.core.identity.Principal;
import dev.slipway.core.identity.Scope;

/**
 * Who may read or change a registered repository's runs, for every API that names them (Slipway's
 * own and Woodpecker's): a user of the owner's namespace with a repository scope; a job token only
 * for its own run's repository.
 */
public final class RepositoryAccess {
    private RepositoryAccess() {}

    /**
     * Refuses {@code p} unless it may read (or {@code write}) {@code owner}'s repository {@code name},
     * or {@code owner}'s repositories as a whole when {@code name} is null.
     */
    public static void require(Identity identity, Principal p, String owner, String name, boolean write) {
        if (p.job() != null && (name == null || !p.job().repository().equals(owner + "/" + name))) {
            throw new SlipwayException.Forbidden("this job token belongs to a run of " + p.job().repository()
                    + "; it reaches that repository's runs only");
        }
        if (!identity.inNamespace(p, owner)) {
            throw new SlipwayException.Forbidden("user '" + p.username() + "' has no access to " + owner + "'s repositories");
        }
        boolean scoped = p.scopes().contains(Scope.ADMIN) || p.scopes().contains(Scope.WRITE_REPOSITORY)
                || (!write && p.scopes().contains(Scope.READ_REPOSITORY));
        if (!scoped) {
            throw new SlipwayException.Forbidden("the token needs the " + (write ? "write:repository" : "read:repository") + " scope");
        }
    }

    /** Refuses {@code p} unless it logged in with a password or holds an {@code admin}-scoped token. */
    public static void requireAdminScope(Principal p) {
        if (!p.scopes().contains(Scope.ADMIN)) {
            throw new SlipwayException.Forbidden("secrets, variables, environments and deploy keys need a password login or an "
                    + "admin-scoped token; a package token is not enough");
        }
    }

    /**
     * Refuses {@code p} unless it may manage {@code owner}'s secrets, variables, environments and
     * deploy keys: the owner itself (or a member, for an organization) or a site admin, with a
     * password login or an {@code admin}-scoped token (a package token is not enough).
     */
    public static void requireManager(Identity identity, Principal p, String owner) {
        requireAdminScope(p);
        if (!identity.canManage(p, owner)) {
            throw new SlipwayException.Forbidden("only '" + owner + "' (or a member, for an organization) or a site admin "
                    + "may manage its secrets, variables, environments and deploy keys");
        }
    }
}
