package dev.slipway.core.identity;

import dev.slipway.core.SlipwayException;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Who makes a request, as the server's HTTP pipeline resolved it once, before any route runs: the
 * principal, whether it signed in with a password, what a registry token grants, or why the
 * credentials it sent were refused. Handlers read it from the request ({@link #ATTRIBUTE}) and never
 * look at credentials themselves; a refusal becomes a 401 in the protocol's own format only when a
 * handler needs the caller, so an endpoint that asks nobody (the token endpoint's POST, health) is
 * not refused for a stale header.
 *
 * @param password a password login (the UI's sign-in included): token creation and settings need one
 * @param grant what a registry token from {@code /v2/token} grants; null for every other credential
 * @param refusal why the credentials sent were refused; null when they were accepted or absent
 */
public record Caller(Principal principal, boolean password, Grant grant, String refusal) {
    /** The request attribute that holds the caller. */
    public static final String ATTRIBUTE = "slipway.caller";

    public static final Caller ANONYMOUS = new Caller(Principal.ANONYMOUS, false, null, null);

    /** What a registry token grants: actions per repository, and the catalog. */
    public record Grant(Map<String, Set<Action>> repositories, boolean catalog) {
        public Grant {
            repositories = Map.copyOf(repositories);
        }

        public Set<Action> actions(String repository) {
            return repositories.getOrDefault(repository, Set.of());
        }
    }

    public Caller {
        Objects.requireNonNull(principal, "principal");
    }

    public static Caller of(Principal principal, boolean password) {
        return new Caller(principal, password, null, null);
    }

    public static Caller refused(String why) {
        return new Caller(Principal.ANONYMOUS, false, null, why);
    }

    public boolean isRefused() {
        return refusal != null;
    }

    /** The principal, anonymous when no credentials were sent; credentials that were refused are a 401. */
    public Principal accepted() {
        if (isRefused()) {
            throw new SlipwayException.Unauthorized(refusal);
        }
        return principal;
    }

    /** This caller, when it sent credentials that were accepted; otherwise a 401. */
    public Caller signedIn() {
        if (accepted().isAnonymous()) {
            throw new SlipwayException.Unauthorized("authentication required");
        }
        return this;
    }
}
