package dev.slipway.web;

import dev.slipway.core.SlipwayException;
import dev.slipway.core.identity.Identity;
import dev.slipway.core.identity.Principal;
import dev.slipway.web.view.Chrome;
import dev.slipway.web.view.SettingsItems;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.util.List;
import java.util.Optional;

/**
 * Site administration under {@code /-/admin}: users and organizations, through {@link Identity}
 * as the API's admin routes. Only a site admin (signed in with a password, or an admin-scoped
 * token) sees these pages; everyone else signed in gets 404, as for a page that does not exist.
 */
final class AdminPages {
    private final WebAuth auth;
    private final Pages pages;
    private final Csrf csrf;
    private final Identity identity;

    AdminPages(WebAuth auth, Pages pages, Csrf csrf, Identity identity) {
        this.auth = auth;
        this.pages = pages;
        this.csrf = csrf;
        this.identity = identity;
    }

    void index(Context ctx) {
        admin(ctx).ifPresent(p -> ctx.redirect("/-/admin/users", HttpStatus.SEE_OTHER));
    }

    /** The site admin making the request; a signed-out browser goes to the sign-in page, anyone else gets 404. */
    Optional<Principal> admin(Context ctx) {
        Principal p = auth.principal(ctx);
        if (p.isAnonymous()) {
            boolean form = ctx.method().name().equals("POST");
            if (form) {
                csrf.check(ctx);
            }
            ctx.redirect(form ? "/-/login?next=%2F-%2Fadmin" : Pages.signInUrl(ctx), HttpStatus.SEE_OTHER);
            return Optional.empty();
        }
        if (!p.canAdminister()) {
            throw new SlipwayException.NotFound("no such page");
        }
        if (ctx.method().name().equals("POST")) {
            csrf.check(ctx);
        }
        return Optional.of(p);
    }

    Chrome chrome(Context ctx, Principal p, String title, Chrome.Crumb... more) {
        List<Chrome.Crumb> crumbs = new java.util.ArrayList<>(List.of(new Chrome.Crumb("Administration", "/-/admin")));
        crumbs.addAll(List.of(more));
        crumbs.add(new Chrome.Crumb(title, null));
        return pages.chrome(ctx, p, new Pages.Frame(title, "admin", crumbs, null, false));
    }

    // ---- users

    void users(Context ctx) {
        admin(ctx).ifPresent(p -> showUsers(ctx, p, 200, null, null));
    }

    void createUser(Context ctx) {
        Optional<Principal> admin = admin(ctx);
        if (admin.isEmpty()) {
            return;
        }
        String name = field(ctx, "username").strip();
        try {
            identity.createUser(name, field(ctx, "password"), blankToNull(field(ctx, "email").strip()), "on".equals(ctx.formParam("admin")));
        } catch (SlipwayException.BadRequest | SlipwayException.Conflict e) {
            showUsers(ctx, admin.get(), e instanceof SlipwayException.Conflict ? 409 : 400, null, e.getMessage());
            return;
        }
        showUsers(ctx, admin.get(), 201, "Created user " + name + ".", null);
    }

    private void showUsers(Context ctx, Principal p, int status, String done, String error) {
        pages.render(ctx, status, "admin/users.jte", chrome(ctx, p, "Users"), "users", identity.users(), "done", done, "error", error,
                "form", status == 201 || status == 200 ? "" : field(ctx, "username"));
    }

    // ---- organizations

    void orgs(Context ctx) {
        admin(ctx).ifPresent(p -> showOrgs(ctx, p, 200, null));
    }

    void createOrg(Context ctx) {
        Optional<Principal> admin = admin(ctx);
        if (admin.isEmpty()) {
            return;
        }
        String name = field(ctx, "name").strip();
        try {
            // As the API does for a site admin: the organization starts without members.
            identity.createOrg(name, null);
        } catch (SlipwayException.BadRequest | SlipwayException.Conflict e) {
            showOrgs(ctx, admin.get(), e instanceof SlipwayException.Conflict ? 409 : 400, e.getMessage());
            return;
        }
        ctx.redirect("/-/admin/orgs/" + name, HttpStatus.SEE_OTHER);
    }

    private void showOrgs(Context ctx, Principal p, int status, String error) {
        List<SettingsItems.OrgRow> rows = identity.orgs().stream().map(o -> new SettingsItems.OrgRow(o, identity.members(o).size())).toList();
        pages.render(ctx, status, "admin/orgs.jte", chrome(ctx, p, "Organizations"), "orgs", rows, "error", error,
                "form", status == 200 ? "" : field(ctx, "name"));
    }


    void org(Context ctx) {
        admin(ctx).ifPresent(p -> showOrg(ctx, p, 200, org(ctx.pathParam("org")), null));
    }

    void addMember(Context ctx) {
        Optional<Principal> admin = admin(ctx);
        if (admin.isEmpty()) {
            return;
        }
        String org = org(ctx.pathParam("org"));
        try {
            identity.addMember(org, field(ctx, "username").strip());
        } catch (SlipwayException.NotFound e) {
            showOrg(ctx, admin.get(), 400, org, e.getMessage());
            return;
        }
        ctx.redirect("/-/admin/orgs/" + org, HttpStatus.SEE_OTHER);
    }

    void removeMember(Context ctx) {
        Optional<Principal> admin = admin(ctx);
        if (admin.isEmpty()) {
            return;
        }
        String org = org(ctx.pathParam("org"));
        identity.removeMember(org, ctx.pathParam("user"));
        ctx.redirect("/-/admin/orgs/" + org, HttpStatus.SEE_OTHER);
    }

    private void showOrg(Context ctx, Principal p, int status, String org, String error) {
        pages.render(ctx, status, "admin/org.jte", chrome(ctx, p, org, new Chrome.Crumb("Organizations", "/-/admin/orgs")), "org", org,
                "members", identity.members(org), "users", identity.users().stream().map(Identity.User::name).toList(), "error", error);
    }

    /** The organization the path names; 404 unless it is one. */
    private String org(String name) {
        if (identity.ownerKind(name).orElse(null) != Identity.OwnerKind.ORG) {
            throw new SlipwayException.NotFound("organization '" + name + "' does not exist");
        }
        return name;
    }

    private static String field(Context ctx, String name) {
        return Optional.ofNullable(ctx.formParam(name)).orElse("");
    }

    private static String blankToNull(String s) {
        return s.isEmpty() ? null : s;
    }
}
