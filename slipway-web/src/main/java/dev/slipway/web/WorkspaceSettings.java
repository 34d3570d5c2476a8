package dev.slipway.web;

import dev.slipway.ci.workspace.Caches;
import dev.slipway.ci.workspace.DeployTargets;
import dev.slipway.core.SlipwayException;
import dev.slipway.core.identity.Principal;
import dev.slipway.web.view.SettingsItems;
import io.javalin.http.Context;
import java.util.List;
import java.util.Optional;

/**
 * The settings of what tasks keep and write on the server: CI caches (their size against their
 * quota; released by the repositories that own them) and deploy targets (host directories tasks of
 * allowed repositories may write). The command line ({@code slipway cache}, {@code slipway
 * deploy-target}) has done this so far, on the server's host; these pages call the same services.
 *
 * <p>Who may do what: a cache is shown to whoever manages one of its owning repositories' owners
 * (the rule of {@code ScopeAccess}: the user, an organization's member, a site admin), and each of
 * them may release it for those repositories. Deploy targets are shown to the same people for
 * their repositories; removing one is for site admins, and adding one stays with the command line
 * on the host, since it names a directory of the host.
 */
final class WorkspaceSettings {
    private final SettingsPages settings;
    private final Pages pages;
    private final Caches caches;
    private final DeployTargets targets;

    WorkspaceSettings(SettingsPages settings, Pages pages, Caches caches, DeployTargets targets) {
        this.settings = settings;
        this.pages = pages;
        this.caches = caches;
        this.targets = targets;
    }

    // ---- caches

    void caches(Context ctx) {
        settings.signedIn(ctx).ifPresent(p -> showCaches(ctx, settings.access().requireAdminScope(ctx), 200, null));
    }

    void releaseCache(Context ctx) {
        Optional<Principal> signedIn = settings.signedIn(ctx);
        if (signedIn.isEmpty()) {
            return;
        }
        String id = Optional.ofNullable(ctx.formParam("cache")).orElse("");
        String repository = Optional.ofNullable(ctx.formParam("repository")).orElse("");
        int slash = repository.indexOf('/');
        if (slash <= 0) {
            throw new SlipwayException.BadRequest("repository must be OWNER/NAME, got '" + repository + "'");
        }
        settings.access().requireManager(ctx, repository.substring(0, slash));
        String name = caches.list().stream().filter(c -> c.id().equals(id)).map(Caches.Cache::name).findFirst().orElse(id);
        boolean deleted = caches.release(id, repository); // 404 unless the repository owns it
        showCaches(ctx, signedIn.get(), 200, deleted ? "Released cache " + name + " for " + repository + "; no owner was left, so it was deleted."
                : "Released cache " + name + " for " + repository + "; other repositories still use it.");
    }

    private void showCaches(Context ctx, Principal p, int status, String done) {
        List<String> owners = settings.managedOwners(p);
        boolean all = p.canAdminister();
        List<SettingsItems.CacheRow> rows = new java.util.ArrayList<>();
        for (Caches.Cache c : caches.list()) {
            List<String> mine = c.owners().stream().filter(r -> all || owners.contains(ownerOf(r))).toList();
            if (!mine.isEmpty()) {
                // A shared cache's other owners are other people's repositories: counted, not named.
                rows.add(new SettingsItems.CacheRow(c.id(), c.name(), c.shared(), c.sizeBytes(),
                        c.quotaBytes() != null ? c.quotaBytes() : caches.defaultQuota(), c.quotaBytes() != null, mine,
                        c.owners().size() - mine.size()));
            }
        }
        pages.render(ctx, status, "settings/caches.jte", settings.chrome(ctx, p, "Caches"), "caches", rows, "done", done);
    }

    // ---- deploy targets

    void targets(Context ctx) {
        settings.signedIn(ctx).ifPresent(p -> showTargets(ctx, settings.access().requireAdminScope(ctx), 200, null));
    }

    void removeTarget(Context ctx) {
        Optional<Principal> signedIn = settings.signedIn(ctx);
        if (signedIn.isEmpty()) {
            return;
        }
        settings.access().requireSiteAdmin(ctx);
        String name = ctx.pathParam("name");
        targets.remove(name);
        showTargets(ctx, signedIn.get(), 200, "Removed deploy target " + name + "; its directory stays on the server.");
    }

    private void showTargets(Context ctx, Principal p, int status, String done) {
        List<String> owners = settings.managedOwners(p);
        boolean all = p.canAdminister();
        // Others' repositories on a shared target are none of the viewer's business: each sees the rules for their own.
        List<DeployTargets.Target> shown = targets.list().stream()
                .map(t -> all ? t : new DeployTargets.Target(t.name(), t.path(), t.allowed().stream().filter(a -> owners.contains(ownerOf(a))).toList()))
                .filter(t -> all || !t.allowed().isEmpty())
                .toList();
        pages.render(ctx, status, "settings/targets.jte", settings.chrome(ctx, p, "Deploy targets"), "targets", shown,
                "canRemove", all, "done", done);
    }

    /** The owner of {@code owner/name} (or {@code owner/name@branch}). */
    private static String ownerOf(String repository) {
        int slash = repository.indexOf('/');
        return slash < 0 ? repository : repository.substring(0, slash);
    }
}
