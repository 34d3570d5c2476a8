package dev.slipway.web;

import dev.slipway.ci.api.ScopeAccess;
import dev.slipway.ci.registration.Registration;
import dev.slipway.ci.registration.Registrations;
import dev.slipway.ci.secret.DeployKey;
import dev.slipway.ci.secret.DeployKeys;
import dev.slipway.ci.secret.SecretInfo;
import dev.slipway.ci.secret.SecretScope;
import dev.slipway.ci.secret.Secrets;
import dev.slipway.core.SlipwayException;
import dev.slipway.core.identity.Identity;
import dev.slipway.core.identity.Principal;
import dev.slipway.core.identity.Scope;
import dev.slipway.web.view.Chrome;
import dev.slipway.web.view.SettingsItems;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The signed-in user's settings under {@code /-/settings}: personal access tokens, deploy keys and
 * CI secrets. Each form calls the service the API calls, after the API's own checks: tokens need
 * a password login or an admin-scoped token (the API's rule for one's own tokens); keys and
 * secrets go through {@link ScopeAccess}, as in {@code SecretRoutes}. Signed out, every page goes
 * to the sign-in page.
 */
final class SettingsPages {
    /** The scopes offered when creating a token, in the order the form lists them. */
    static final List<Scope> TOKEN_SCOPES = List.of(Scope.READ_PACKAGE, Scope.WRITE_PACKAGE, Scope.DELETE_PACKAGE, Scope.READ_REPOSITORY,
            Scope.WRITE_REPOSITORY, Scope.ADMIN);

    private final WebAuth auth;
    private final Pages pages;
    private final Csrf csrf;
    private final Identity identity;
    private final DeployKeys keys;
    private final Secrets secrets;
    private final Registrations registrations;
    private final ScopeAccess access;

    SettingsPages(WebAuth auth, Pages pages, Csrf csrf, Identity identity, Web.Settings services, Registrations registrations) {
        this.auth = auth;
        this.pages = pages;
        this.csrf = csrf;
        this.identity = identity;
        this.keys = services.keys();
        this.secrets = services.secrets();
        this.registrations = registrations;
        this.access = new ScopeAccess(identity, services.environments(), auth::principal);
    }

    void index(Context ctx) {
        signedIn(ctx).ifPresent(p -> ctx.redirect("/-/settings/tokens", HttpStatus.SEE_OTHER));
    }

    /**
     * The signed-in principal, or empty after sending a signed-out browser to the sign-in page. A
     * form (POST) is checked for its token first.
     */
    Optional<Principal> signedIn(Context ctx) {
        boolean form = ctx.method().name().equals("POST");
        if (form) {
            csrf.check(ctx);
        }
        Principal p = auth.principal(ctx);
        if (p.isAnonymous()) {
            // After signing in, a form's address is no page to come back to: the settings are.
            ctx.redirect(form ? "/-/login?next=%2F-%2Fsettings" : Pages.signInUrl(ctx), HttpStatus.SEE_OTHER);
            return Optional.empty();
        }
        return Optional.of(p);
    }

    Chrome chrome(Context ctx, Principal p, String title) {
        return pages.chrome(ctx, p, new Pages.Frame(title, "settings", List.of(new Chrome.Crumb("Settings", "/-/settings"),
                new Chrome.Crumb(title, null)), null, false));
    }

    /** The API's checks for owners' CI settings, with the UI's principal. */
    ScopeAccess access() {
        return access;
    }

    // ---- personal access tokens

    void tokens(Context ctx) {
        signedIn(ctx).ifPresent(p -> showTokens(ctx, requireOwnTokens(p), 200, null, null));
    }

    void createToken(Context ctx) {
        Optional<Principal> signedIn = signedIn(ctx);
        if (signedIn.isEmpty()) {
            return;
        }
        Principal p = requireOwnTokens(signedIn.get());
        String name = Optional.ofNullable(ctx.formParam("name")).orElse("").strip();
        Identity.CreatedToken created;
        try {
            List<Scope> scopes = new ArrayList<>();
            for (String s : ctx.formParams("scopes")) {
                scopes.add(scope(s));
            }
            if (scopes.isEmpty()) {
                throw new SlipwayException.BadRequest("choose at least one scope");
            }
            created = identity.createToken(p.username(), name, scopes);
        } catch (SlipwayException.BadRequest | SlipwayException.Conflict e) {
            showTokens(ctx, p, e instanceof SlipwayException.Conflict ? 409 : 400, null, e.getMessage());
            return;
        }
        // Shown once, in the answer to the form: the server keeps only its hash.
        showTokens(ctx, p, 201, created, null);
    }

    void deleteToken(Context ctx) {
        Optional<Principal> signedIn = signedIn(ctx);
        if (signedIn.isEmpty()) {
            return;
        }
        Principal p = requireOwnTokens(signedIn.get());
        String id = ctx.pathParam("id");
        // By id only (the API also takes a name): a form names exactly the row it was shown beside.
        if (identity.tokens(p.username()).stream().noneMatch(t -> t.id().equals(id))) {
            throw new SlipwayException.NotFound("you have no token with id '" + id + "'");
        }
        identity.deleteToken(p.username(), id);
        ctx.redirect("/-/settings/tokens", HttpStatus.SEE_OTHER);
    }

    private static Scope scope(String wireName) {
        try {
            return Scope.parse(wireName);
        } catch (IllegalArgumentException e) {
            throw new SlipwayException.BadRequest(e.getMessage());
        }
    }

    /** The API's rule for one's own tokens: a password login (a session) or an admin-scoped token. */
    private static Principal requireOwnTokens(Principal p) {
        if (!p.scopes().contains(Scope.ADMIN) || p.job() != null) {
            throw new SlipwayException.Forbidden("managing tokens needs a password login or an admin-scoped token");
        }
        return p;
    }

    private void showTokens(Context ctx, Principal p, int status, Identity.CreatedToken created, String error) {
        pages.render(ctx, status, "settings/tokens.jte", chrome(ctx, p, "Access tokens"), "tokens", identity.tokens(p.username()),
                "scopes", TOKEN_SCOPES.stream().map(Scope::wireName).toList(), "created", created, "error", error,
                "form", new SettingsItems.TokenForm(status == 201 ? "" : Optional.ofNullable(ctx.formParam("name")).orElse(""),
                        status == 201 ? List.of() : ctx.formParams("scopes")));
    }


    // ---- deploy keys

    void keys(Context ctx) {
        signedIn(ctx).ifPresent(p -> showKeys(ctx, access.requireAdminScope(ctx), 200, null, null, null));
    }

    void createKey(Context ctx) {
        Optional<Principal> signedIn = signedIn(ctx);
        if (signedIn.isEmpty()) {
            return;
        }
        Principal p = signedIn.get();
        String owner = Optional.ofNullable(ctx.formParam("owner")).filter(o -> !o.isBlank()).orElse(p.username());
        access.requireManager(ctx, owner);
        DeployKey k;
        try {
            k = keys.create(owner, Optional.ofNullable(ctx.formParam("name")).orElse("").strip());
        } catch (SlipwayException.BadRequest | SlipwayException.Conflict e) {
            showKeys(ctx, p, e instanceof SlipwayException.Conflict ? 409 : 400, null, e.getMessage(), null);
            return;
        }
        showKeys(ctx, p, 201, k, null, null);
    }

    /**
     * Deletes a key. One that a repository or pipeline still uses is refused, as {@code slipway
     * keys delete} refuses it: the page names the users and offers to delete it anyway, which
     * then says who used it (their checkouts will fail).
     */
    void deleteKey(Context ctx) {
        Optional<Principal> signedIn = signedIn(ctx);
        if (signedIn.isEmpty()) {
            return;
        }
        String owner = ctx.pathParam("owner");
        String name = ctx.pathParam("name");
        access.requireManager(ctx, owner);
        boolean force = "1".equals(ctx.formParam("force"));
        List<String> users;
        try {
            users = keys.delete(owner, name, force);
        } catch (SlipwayException.Conflict e) {
            showKeys(ctx, signedIn.get(), 409, null, null, new SettingsItems.KeyInUse(owner, name, keys.references(owner, name)));
            return;
        }
        String done = "Deleted deploy key " + owner + "/" + name + "."
                + (users.isEmpty() ? "" : " It was still used by " + String.join(", ", users) + ": their checkouts will fail.");
        showKeys(ctx, signedIn.get(), 200, null, null, null, done);
    }


    private void showKeys(Context ctx, Principal p, int status, DeployKey created, String error, SettingsItems.KeyInUse inUse) {
        showKeys(ctx, p, status, created, error, inUse, null);
    }

    private void showKeys(Context ctx, Principal p, int status, DeployKey created, String error, SettingsItems.KeyInUse inUse, String done) {
        List<String> owners = managedOwners(p);
        List<DeployKey> list = new ArrayList<>();
        owners.forEach(o -> list.addAll(keys.list(o)));
        pages.render(ctx, status, "settings/keys.jte", chrome(ctx, p, "Deploy keys"), "keys", list, "owners", owners,
                "created", created, "error", error, "inUse", inUse, "done", done);
    }

    /** The user and the organizations the user belongs to: the owners whose keys and secrets the pages list. */
    List<String> managedOwners(Principal p) {
        List<String> owners = new ArrayList<>();
        owners.add(p.username());
        owners.addAll(identity.orgsOf(p.username()));
        return owners;
    }

    // ---- secrets

    void secrets(Context ctx) {
        signedIn(ctx).ifPresent(p -> showSecrets(ctx, access.requireAdminScope(ctx), 200, null, null));
    }

    void putSecret(Context ctx) {
        Optional<Principal> signedIn = signedIn(ctx);
        if (signedIn.isEmpty()) {
            return;
        }
        Principal p = signedIn.get();
        SecretScope scope = scope(ctx);
        String name = Optional.ofNullable(ctx.formParam("name")).orElse("").strip();
        // Browsers send a textarea's line breaks as CRLF whatever was pasted; a key or certificate wants LF.
        String value = Optional.ofNullable(ctx.formParam("value")).orElse("").replace("\r\n", "\n");
        boolean created;
        try {
            created = secrets.put(scope, name, value.getBytes(StandardCharsets.UTF_8));
        } catch (SlipwayException.BadRequest | SlipwayException.NotFound e) {
            showSecrets(ctx, p, 400, null, e.getMessage());
            return;
        }
        showSecrets(ctx, p, 200, (created ? "Created" : "Replaced") + " secret " + Secrets.canonicalName(name) + " in "
                + scope.wireName() + ".", null);
    }

    void deleteSecret(Context ctx) {
        Optional<Principal> signedIn = signedIn(ctx);
        if (signedIn.isEmpty()) {
            return;
        }
        SecretScope scope = scope(ctx);
        String name = Optional.ofNullable(ctx.formParam("name")).orElse("");
        secrets.delete(scope, name);
        showSecrets(ctx, signedIn.get(), 200, "Deleted secret " + Secrets.canonicalName(name) + " from " + scope.wireName() + ".", null);
    }

    /** The form's scope, after the API's check for it (an owner's or a repository's: its manager; the site's: a site admin). */
    private SecretScope scope(Context ctx) {
        SecretScope scope;
        try {
            scope = SecretScope.parse(Optional.ofNullable(ctx.formParam("scope")).orElse(""));
        } catch (IllegalArgumentException e) {
            throw new SlipwayException.BadRequest(e.getMessage());
        }
        switch (scope) {
            case SecretScope.Global g -> access.requireSiteAdmin(ctx);
            case SecretScope.Owner o -> access.requireManager(ctx, o.owner());
            case SecretScope.Repository r -> access.requireManager(ctx, r.owner());
            case SecretScope.Environment e -> throw new SlipwayException.BadRequest(
                    "an environment's secrets are set with the API or `slipway secret set --scope env:...`");
        }
        return scope;
    }

    private void showSecrets(Context ctx, Principal p, int status, String done, String error) {
        List<SecretScope> scopes = secretScopes(p);
        List<SecretInfo> list = new ArrayList<>();
        scopes.forEach(s -> list.addAll(secrets.list(s)));
        pages.render(ctx, status, "settings/secrets.jte", chrome(ctx, p, "Secrets"), "secrets", list,
                "scopes", scopes.stream().map(SecretScope::wireName).toList(), "done", done, "error", error,
                "maxBytes", Secrets.MAX_VALUE_BYTES);
    }

    /**
     * The scopes whose secrets the user manages: the site's (a site admin), the user's and the
     * user's organizations', and each of their registered repositories'.
     */
    private List<SecretScope> secretScopes(Principal p) {
        Set<SecretScope> out = new LinkedHashSet<>();
        if (p.canAdminister()) {
            out.add(SecretScope.global());
        }
        List<String> owners = managedOwners(p);
        owners.forEach(o -> out.add(SecretScope.owner(o)));
        for (Registration r : registrations.all()) {
            if (owners.contains(r.owner())) {
                out.add(SecretScope.repository(r.owner(), r.name()));
            }
        }
        return List.copyOf(out);
    }
}
