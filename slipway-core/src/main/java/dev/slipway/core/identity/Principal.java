package dev.slipway.core.identity;

import java.util.EnumSet;
import java.util.Set;

/**
 * Who is calling. A password login carries every scope; a personal access token carries its own.
 * The anonymous principal has no name.
 */
public record Principal(String username, boolean siteAdmin, Set<Scope> scopes) {
    public static final Principal ANONYMOUS = new Principal(null, false, Set.of());

    public Principal {
        scopes = scopes.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(scopes));
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

    /** Site administration needs both the admin flag and, for tokens, the admin scope. */
    public boolean canAdminister() {
        return siteAdmin && scopes.contains(Scope.ADMIN);
    }
}
