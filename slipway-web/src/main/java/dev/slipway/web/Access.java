package dev.slipway.web;

import dev.slipway.ci.registration.Registration;
import dev.slipway.ci.registration.Registrations;
import dev.slipway.core.SlipwayException;
import dev.slipway.core.identity.Identity;
import dev.slipway.core.identity.Principal;
import dev.slipway.core.identity.Scope;
import java.util.Set;

/**
 * Who may see and change a CI repository's runs in the UI, decided the way the CI API decides it:
 * members of the owner's namespace (the user, an organization's members, site admins) whose
 * credentials carry a repository scope (a sign-in carries all); a public repository's runs
 * everyone may read, signed in or not. Everyone else is told the repository does not exist (404),
 * so a stranger cannot learn which private repositories exist.
 */
final class Access {
    /** First path segments that are Slipway's own, never an owner's page. */
    private static final Set<String> RESERVED = Set.of("-", "api", "v2", "healthz", "metrics", "favicon.ico");

    private final Identity identity;
    private final Registrations registrations;

    Access(Identity identity, Registrations registrations) {
        this.identity = identity;
        this.registrations = registrations;
    }

    boolean canRead(Principal p, String owner) {
        return identity.inNamespace(p, owner) && (p.scopes().contains(Scope.ADMIN) || p.scopes().contains(Scope.WRITE_REPOSITORY)
                || p.scopes().contains(Scope.READ_REPOSITORY));
    }

    boolean canWrite(Principal p, String owner) {
        return identity.inNamespace(p, owner) && (p.scopes().contains(Scope.ADMIN) || p.scopes().contains(Scope.WRITE_REPOSITORY));
    }

    /** 404 unless the principal may read the owner's repositories. */
    void requireRead(Principal p, String owner, String what) {
        if (RESERVED.contains(owner) || !canRead(p, owner)) {
            throw new SlipwayException.NotFound(what + " does not exist, or you cannot see it");
        }
    }

    /** 404 unless the principal may read the repository's runs: its namespace's, or everyone's when it is public. */
    void requireRead(Principal p, String owner, String repository, String what) {
        if (RESERVED.contains(owner) || !(canRead(p, owner) || isPublic(owner, repository))) {
            throw new SlipwayException.NotFound(what + " does not exist, or you cannot see it");
        }
    }

    boolean isPublic(String owner, String repository) {
        return registrations.find(owner, repository).map(Registration::isPublic).orElse(false);
    }

    /** 404 for those who cannot read; 403 for those who can read but not change (a read-only token). */
    void requireWrite(Principal p, String owner, String what) {
        requireRead(p, owner, what);
        if (!canWrite(p, owner)) {
            throw new SlipwayException.Forbidden("changing " + what + " needs the write:repository scope");
        }
    }

    static boolean reserved(String firstSegment) {
        return RESERVED.contains(firstSegment);
    }
}
