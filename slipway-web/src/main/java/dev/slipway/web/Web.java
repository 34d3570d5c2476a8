package dev.slipway.web;

import dev.slipway.ci.scheduler.RunService;
import dev.slipway.ci.secret.DeployKeys;
import dev.slipway.ci.secret.Environments;
import dev.slipway.ci.secret.Secrets;
import dev.slipway.ci.workspace.Caches;
import dev.slipway.ci.workspace.DeployTargets;
import dev.slipway.ci.trigger.TriggerService;
import dev.slipway.core.identity.Identity;
import dev.slipway.core.identity.Principal;
import dev.slipway.core.identity.Sessions;
import dev.slipway.logs.LogHub;
import dev.slipway.registry.Registry;
import dev.slipway.registry.events.Webhooks;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.List;

/**
 * The web UI: server-rendered pages (templates compiled at build time), static files from the jar,
 * and small scripts for what must be live (run status, log tails). It calls the same services as
 * the API. The server mounts it with {@link #register} after its other routes, and lets it write
 * error pages for browsers ({@link #isPage}, {@link #errorPage}).
 *
 * <p>Routes (see docs/ui.md):
 * <pre>
 * GET  /                                            dashboard (signed out: to the sign-in page)
 * GET  /-/login, POST /-/login, POST /-/logout      sign in and out
 * GET  /-/assets/{file}                             static files, named by content hash
 * GET  /-/live/dashboard                            dashboard rows as they change (SSE)
 * GET  /{owner}/{repo}                              a repository's runs, triggers, Run pipeline form
 * GET  /{owner}/{repo}/live                         its runs as they change (SSE)
 * POST /{owner}/{repo}/runs                         run a pipeline
 * GET  /{owner}/{repo}/runs/{id}                    a run: tasks and the log viewer
 * GET  /{owner}/{repo}/runs/{id}/live               its header and tasks as they change (SSE)
 * POST /{owner}/{repo}/runs/{id}/cancel|approve|delete, .../tasks/{task}/retry
 * GET  /{owner}/{repo}/runs/{id}/tasks/{task}/lines|outline|search|follow|raw   the log viewer's data
 * GET  /{owner}/{repo}/badge.svg                    the latest run's status, for READMEs
 * GET  /{owner}/-/packages[/container/{name}[/{tag}]], POST the last two   packages (see {@link PackagePages})
 * GET  /-/settings/tokens|keys|secrets|caches|targets, POST tokens|keys|secrets (create, set)   the signed-in user's settings
 * POST /-/settings/tokens/{id}/delete, /-/settings/keys/{owner}/{name}/delete, /-/settings/secrets/delete,
 *      /-/settings/caches/release, /-/settings/targets/{name}/delete
 * GET  /-/admin/users|orgs|orgs/{org}|webhooks, POST /-/admin/users|orgs|webhooks, /-/admin/orgs/{org}/members[/{user}/delete],
 *      /-/admin/webhooks/{id}/delete   site admins only
 * </pre>
 */
public final class Web {
    /** The sign-in cookie: a session id (see {@link Sessions}). */
    public static final String SESSION_COOKIE = "slipway_session";

    private final WebAuth auth;
    private final Pages pages;
    private final SignIn signIn;
    private final RunPages runPages;
    private final LogRoutes logRoutes;
    private final Assets assets;
    private final Badges badges;
    private final Identity identity;
    private final Csrf csrf;
    private final String externalUrl;
    private PackagePages packagePages;
    private final AdminPages admin;
    private final TriggerService triggers;
    private SettingsPages settings;
    private WorkspaceSettings workspace;
    private WebhookPages webhooks;

    /** What the settings pages manage besides users and tokens: the services the API's routes and the CLI use. */
    public record Settings(DeployKeys keys, Secrets secrets, Environments environments, Caches caches, DeployTargets targets,
                           Webhooks webhooks) {}

    /**
     * @param auth who makes a request (see {@link WebAuth}): the server's authentication pipeline
     * @param externalUrl the server's URL as browsers and forges reach it
     */
    public Web(WebAuth auth, Identity identity, Sessions sessions, RunService runs, TriggerService triggers, LogHub hub, String externalUrl) {
        this.auth = auth;
        Cookies cookies = new Cookies(externalUrl);
        Csrf csrf = new Csrf(cookies);
        this.assets = new Assets();
        this.pages = new Pages(assets, csrf);
        Access access = new Access(identity, triggers.registrations());
        Live live = new Live(runs.changes());
        this.signIn = new SignIn(identity, sessions, cookies, csrf, pages, auth);
        this.runPages = new RunPages(auth, access, pages, csrf, live, runs, triggers, externalUrl);
        this.logRoutes = new LogRoutes(auth, runPages, runs, hub, new LogViews(runs.logs()));
        this.badges = new Badges(auth, access, triggers.registrations(), runs);
        this.admin = new AdminPages(auth, pages, csrf, identity);
        this.identity = identity;
        this.csrf = csrf;
        this.externalUrl = externalUrl;
        this.triggers = triggers;
    }

    /** Adds the package pages, which read the registry; call before {@link #register}. */
    public Web withPackages(Registry registry, PackagePages.PackageRights rights) {
        this.packagePages = new PackagePages(auth, pages, csrf, identity, registry, rights, externalUrl);
        return this;
    }

    /** Adds the settings pages (tokens, keys, secrets, caches, deploy targets) and registry webhooks; call before {@link #register}. */
    public Web withSettings(Settings services) {
        this.settings = new SettingsPages(auth, pages, csrf, identity, services, triggers.registrations());
        this.workspace = new WorkspaceSettings(settings, pages, services.caches(), services.targets());
        this.webhooks = new WebhookPages(admin, pages, services.webhooks());
        return this;
    }

    /** Mounts the UI's routes; register it after the API and the registry (its paths would match theirs). */
    public void register(RoutesConfig routes) {
        routes.get("/-/assets/{file}", assets::serve);
        routes.get("/-/login", signIn::form);
        routes.post("/-/login", signIn::signIn);
        routes.post("/-/logout", signIn::signOut);
        routes.get("/-/live/dashboard", runPages::dashboardLive);
        registerSettings(routes);
        routes.get("/", runPages::dashboard);
        if (packagePages != null) {
            routes.get("/{owner}/-/packages", packagePages::owner);
            routes.get("/{owner}/-/packages/container/<rest>", packagePages::show);
            routes.post("/{owner}/-/packages/container/<rest>", packagePages::act);
        }
        routes.get("/{owner}/{repo}/badge.svg", badges::badge);
        routes.get("/{owner}/{repo}", runPages::repository);
        routes.get("/{owner}/{repo}/live", runPages::repositoryLive);
        routes.post("/{owner}/{repo}/runs", runPages::trigger);
        routes.get("/{owner}/{repo}/runs/{id}", runPages::run);
        routes.get("/{owner}/{repo}/runs/{id}/live", runPages::runLive);
        routes.post("/{owner}/{repo}/runs/{id}/cancel", runPages::cancel);
        routes.post("/{owner}/{repo}/runs/{id}/approve", runPages::approve);
        routes.post("/{owner}/{repo}/runs/{id}/delete", runPages::delete);
        routes.post("/{owner}/{repo}/runs/{id}/tasks/{task}/retry", runPages::retry);
        routes.get("/{owner}/{repo}/runs/{id}/tasks/{task}/lines", logRoutes::lines);
        routes.get("/{owner}/{repo}/runs/{id}/tasks/{task}/outline", logRoutes::outline);
        routes.get("/{owner}/{repo}/runs/{id}/tasks/{task}/search", logRoutes::search);
        routes.get("/{owner}/{repo}/runs/{id}/tasks/{task}/follow", logRoutes::follow);
        routes.get("/{owner}/{repo}/runs/{id}/tasks/{task}/raw", logRoutes::raw);
    }

    /** Settings and administration: before the repository pages, whose /{owner}/{repo} would match /-/settings. */
    private void registerSettings(RoutesConfig routes) {
        routes.get("/-/admin", admin::index);
        routes.get("/-/admin/users", admin::users);
        routes.post("/-/admin/users", admin::createUser);
        routes.get("/-/admin/orgs", admin::orgs);
        routes.post("/-/admin/orgs", admin::createOrg);
        routes.get("/-/admin/orgs/{org}", admin::org);
        routes.post("/-/admin/orgs/{org}/members", admin::addMember);
        routes.post("/-/admin/orgs/{org}/members/{user}/delete", admin::removeMember);
        if (settings == null) {
            return;
        }
        routes.get("/-/settings", settings::index);
        routes.get("/-/settings/tokens", settings::tokens);
        routes.post("/-/settings/tokens", settings::createToken);
        routes.post("/-/settings/tokens/{id}/delete", settings::deleteToken);
        routes.get("/-/settings/keys", settings::keys);
        routes.post("/-/settings/keys", settings::createKey);
        routes.post("/-/settings/keys/{owner}/{name}/delete", settings::deleteKey);
        routes.get("/-/settings/secrets", settings::secrets);
        routes.post("/-/settings/secrets", settings::putSecret);
        routes.post("/-/settings/secrets/delete", settings::deleteSecret);
        routes.get("/-/settings/caches", workspace::caches);
        routes.post("/-/settings/caches/release", workspace::releaseCache);
        routes.get("/-/settings/targets", workspace::targets);
        routes.post("/-/settings/targets/{name}/delete", workspace::removeTarget);
        routes.get("/-/admin/webhooks", webhooks::list);
        routes.post("/-/admin/webhooks", webhooks::add);
        routes.post("/-/admin/webhooks/{id}/delete", webhooks::remove);
    }

    /**
     * Whether an error on this request should be answered with a page: a browser (it accepts HTML)
     * asking for a path of the UI. The API, the registry and the UI's own JSON and event streams
     * get the server's JSON errors.
     */
    public static boolean isPage(Context ctx) {
        String path = ctx.path();
        String first = path.length() <= 1 ? "" : path.substring(1, path.indexOf('/', 1) < 0 ? path.length() : path.indexOf('/', 1));
        boolean ours = first.isEmpty() || first.equals("-") && !path.startsWith(Assets.PREFIX) || !Access.reserved(first);
        String accept = ctx.header("Accept");
        return ours && accept != null && accept.contains("text/html");
    }

    /** An error page with the server's status and message. */
    public void errorPage(Context ctx, int status, String message) {
        Principal p;
        try {
            p = auth.principal(ctx);
        } catch (RuntimeException badCredentials) {
            p = Principal.ANONYMOUS;
        }
        String heading = switch (status) {
            case 404 -> "Not found";
            case 403 -> "Not allowed";
            case 401 -> "Sign-in needed";
            case 409 -> "Not possible now";
            case 400, 422 -> "That did not work";
            default -> status >= 500 ? "Something went wrong" : "Error " + status;
        };
        pages.render(ctx, status, "error.jte", pages.chrome(ctx, p, new Pages.Frame(heading, "error", List.of(), null, false)),
                "status", status, "heading", heading, "message", message == null ? "" : message);
    }
}
