package dev.slipway.ci.api;

import dev.slipway.ci.secret.Environment;
import dev.slipway.ci.secret.Environments;
import dev.slipway.ci.secret.SecretScope;
import dev.slipway.core.SlipwayException;
import dev.slipway.core.identity.Identity;
import dev.slipway.core.identity.Principal;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Who may manage what a path names, for secrets, variables, environments and deploy keys alike:
 * the owner itself, a member of the organization, or a site admin, each with a password login or
 * an {@code admin}-scoped token. A {@code write:package} token (what CI jobs and docker logins
 * hold) must not read or plant them. Site-wide values are for site admins only.
 *
 * <p>Each scope method checks first, then returns the scope the path names. The web UI's settings
 * pages decide with the same checks ({@link #requireAdminScope}, {@link #requireManager},
 * {@link #requireSiteAdmin}), given the UI's own way to learn who asks.
 */
public final class ScopeAccess {
    private final Identity identity;
    private final Environments environments;
    private final Function<Context, Principal> authenticate;

    /** @param authenticate who makes the request (the API's authentication, or the UI's) */
    public ScopeAccess(Identity identity, Environments environments, Function<Context, Principal> authenticate) {
        this.identity = identity;
        this.environments = environments;
        this.authenticate = authenticate;
    }

    /**
     * The collection paths of one kind of value ({@code "secrets"}, {@code "variables"}) with the
     * scope each names: Gitea's for a repository, an organization, the caller and the site
     * ({@code /admin/actions/...}, Slipway's), and GitHub's for a repository's environment.
     */
    Map<String, Function<Context, SecretScope>> collections(String kind) {
        Map<String, Function<Context, SecretScope>> paths = new LinkedHashMap<>();
        paths.put("/api/v1/repos/{owner}/{repo}/actions/" + kind, this::repository);
        paths.put("/api/v1/repos/{owner}/{repo}/environments/{environment}/" + kind, this::environment);
        paths.put("/api/v1/orgs/{org}/actions/" + kind, this::organization);
        paths.put("/api/v1/user/actions/" + kind, this::user);
        paths.put("/api/v1/admin/actions/" + kind, this::site);
        return paths;
    }

    /** {@code /repos/{owner}/{repo}/...} */
    SecretScope.Repository repository(Context ctx) {
        requireManager(ctx, ctx.pathParam("owner"));
        return new SecretScope.Repository(ctx.pathParam("owner"), ctx.pathParam("repo"));
    }

    /** {@code /orgs/{org}/...}: 404 unless {@code org} is an organization. */
    SecretScope organization(Context ctx) {
        String org = ctx.pathParam("org");
        requireManager(ctx, org);
        if (identity.ownerKind(org).orElse(null) != Identity.OwnerKind.ORG) {
            throw new SlipwayException.NotFound("organization '" + org + "' does not exist");
        }
        return SecretScope.owner(org);
    }

    /** {@code /user/...}: the caller's own. */
    SecretScope user(Context ctx) {
        return SecretScope.owner(requireAdminScope(ctx).username());
    }

    /** {@code /admin/...}: the whole site's. */
    SecretScope site(Context ctx) {
        requireSiteAdmin(ctx);
        return SecretScope.global();
    }

    /** 403 unless the caller is a site admin with a password login or an admin-scoped token. */
    public Principal requireSiteAdmin(Context ctx) {
        Principal p = authenticate.apply(ctx);
        if (!p.canAdminister()) {
            throw new SlipwayException.Forbidden("site-wide secrets and variables need a site admin with a password or an "
                    + "admin-scoped token");
        }
        return p;
    }

    /** {@code /repos/{owner}/{repo}/environments/{environment}/...}: 404 unless the environment exists. */
    SecretScope environment(Context ctx) {
        return environmentOf(ctx).scope();
    }

    /** The environment {@code /repos/{owner}/{repo}/environments/{environment}} names, after the check; 404 if there is none. */
    Environment environmentOf(Context ctx) {
        requireManager(ctx, ctx.pathParam("owner"));
        return environments.require(ctx.pathParam("owner"), ctx.pathParam("repo"), ctx.pathParam("environment"));
    }

    /** 403 unless the caller signed in with a password or holds an admin-scoped token. */
    public Principal requireAdminScope(Context ctx) {
        Principal p = authenticate.apply(ctx);
        RepositoryAccess.requireAdminScope(p);
        return p;
    }

    /** 403 unless the caller may manage the owner's secrets, variables, environments and deploy keys (see the class). */
    public Principal requireManager(Context ctx, String owner) {
        Principal p = authenticate.apply(ctx);
        RepositoryAccess.requireManager(identity, p, owner);
        return p;
    }
}
