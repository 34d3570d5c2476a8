package dev.slipway.web;

import dev.slipway.core.Digest;
import dev.slipway.core.SlipwayException;
import dev.slipway.core.identity.Action;
import dev.slipway.core.identity.Identity;
import dev.slipway.core.identity.Principal;
import dev.slipway.registry.Registry;
import dev.slipway.registry.browse.PackageBrowser;
import dev.slipway.registry.metadata.Metadata;
import dev.slipway.registry.oci.Names;
import dev.slipway.registry.oci.RegistryException;
import dev.slipway.web.view.Chrome;
import dev.slipway.web.view.PackageView;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Container packages at Gitea's addresses, so the packages API's {@code html_url} leads here:
 * <pre>
 * GET  /{owner}/-/packages                                  the owner's repositories: size, tags, last push
 * GET  /{owner}/-/packages/container/{name}                 a repository's tags; its visibility
 * GET  /{owner}/-/packages/container/{name}/{tag|digest}    an image: platforms, labels, layers, referrers, pull commands
 * POST the same two with action=delete (a tag, or a manifest by digest) or action=visibility
 * </pre>
 * A name with slashes comes escaped ({@code %2F}, as {@code html_url} has it) or as it is. Who
 * sees and deletes what follows the registry's rules (the packages API's): a public repository is
 * readable by everyone, a private one is a 404 to those who may not pull it.
 */
final class PackagePages {
    private static final String MARKER = "/-/packages/container/";

    private final WebAuth auth;
    private final Pages pages;
    private final Csrf csrf;
    private final Identity identity;
    private final Registry registry;
    private final PackageRights rights;
    private final String host;

    PackagePages(WebAuth auth, Pages pages, Csrf csrf, Identity identity, Registry registry, PackageRights rights, String externalUrl) {
        this.auth = auth;
        this.pages = pages;
        this.csrf = csrf;
        this.identity = identity;
        this.registry = registry;
        this.rights = rights;
        this.host = externalUrl.replaceFirst("^[a-zA-Z]+://", "").replaceAll("/+$", "");
    }

    /** The actions a principal has on a repository of {@code owner}, as the registry decides them. */
    @FunctionalInterface
    public interface PackageRights {
        Set<Action> of(Principal p, String owner, boolean isPublic);
    }

    // ---- pages

    void owner(Context ctx) {
        Principal p = auth.principal(ctx);
        String owner = existingOwner(ctx.pathParam("owner"));
        boolean all = rights.of(p, owner, false).contains(Action.PULL);
        List<PackageView.Item> items = registry.browse().repositories(owner, all).stream()
                .map(s -> new PackageView.Item(s, PackageView.packageUrl(owner, s.name()))).toList();
        Pages.Frame f = new Pages.Frame("Packages of " + owner, "packages", List.of(new Chrome.Crumb(owner, null),
                new Chrome.Crumb("Packages", null)), null, false);
        pages.render(ctx, 200, "packages.jte", pages.chrome(ctx, p, f), "owner", owner, "items", items);
    }

    void show(Context ctx) {
        Principal p = auth.principal(ctx);
        Target t = target(ctx);
        Metadata.RepositoryRow repo = readable(p, t);
        if (t.version() == null) {
            packagePage(ctx, p, t, repo, 200, null);
        } else {
            versionPage(ctx, p, t, repo, 200, null);
        }
    }

    private void packagePage(Context ctx, Principal p, Target t, Metadata.RepositoryRow repo, int status, String error) {
        Set<Action> can = rights.of(p, t.owner(), repo.isPublic());
        PackageView.Package view = new PackageView.Package(t.owner(), t.name(), repo.isPublic(), host, registry.browse().tags(t.repository()),
                can.contains(Action.DELETE), identity.canManage(p, t.owner()), error, pages.assets().url("copy.js"));
        Pages.Frame f = new Pages.Frame(t.repository() + " · Packages", "packages", List.of(new Chrome.Crumb(t.owner(), null),
                new Chrome.Crumb("Packages", "/" + t.owner() + "/-/packages"), new Chrome.Crumb(t.name(), null)), null, false);
        pages.render(ctx, status, "package.jte", pages.chrome(ctx, p, f), "pkg", view);
    }

    private void versionPage(Context ctx, Principal p, Target t, Metadata.RepositoryRow repo, int status, String error) {
        PackageBrowser.Image image = registry.browse().image(t.repository(), t.version())
                .orElseThrow(() -> new SlipwayException.NotFound("package " + t.name() + " has no version '" + t.version() + "'"));
        Set<Action> can = rights.of(p, t.owner(), repo.isPublic());
        PackageView.Version view = new PackageView.Version(t.owner(), t.name(), repo.isPublic(), host, image, can.contains(Action.DELETE),
                error, pages.assets().url("copy.js"));
        Pages.Frame f = new Pages.Frame(t.repository() + ":" + shortVersion(t.version()) + " · Packages", "packages", List.of(
                new Chrome.Crumb(t.owner(), null), new Chrome.Crumb("Packages", "/" + t.owner() + "/-/packages"),
                new Chrome.Crumb(t.name(), PackageView.packageUrl(t.owner(), t.name())), new Chrome.Crumb(shortVersion(t.version()), null)),
                null, false);
        pages.render(ctx, status, "package_version.jte", pages.chrome(ctx, p, f), "v", view);
    }

    private static String shortVersion(String version) {
        return Digest.looksLikeDigest(version) && version.length() > 19 ? version.substring(0, 19) + "…" : version;
    }

    // ---- forms

    /** {@code action=delete} on a version, {@code action=visibility} (with {@code visibility=public|private}) on a package. */
    void act(Context ctx) {
        if (Access.reserved(ctx.pathParam("owner"))) {
            throw new SlipwayException.NotFound("no such page");
        }
        csrf.check(ctx);
        Principal p = auth.principal(ctx);
        Target t = target(ctx);
        Metadata.RepositoryRow repo = readable(p, t);
        String action = String.valueOf(ctx.formParam("action"));
        if (action.equals("delete") && t.version() != null) {
            delete(ctx, p, t, repo);
        } else if (action.equals("visibility") && t.version() == null) {
            visibility(ctx, p, t);
        } else {
            throw new SlipwayException.BadRequest(t.version() == null ? "a package takes action=visibility" : "a version takes action=delete");
        }
    }

    private void delete(Context ctx, Principal p, Target t, Metadata.RepositoryRow repo) {
        if (!rights.of(p, t.owner(), repo.isPublic()).contains(Action.DELETE)) {
            throw new SlipwayException.Forbidden("user '" + p.username() + "' may not delete from " + t.repository());
        }
        try {
            registry.deleteManifest(t.repository(), t.version(), p.username());
        } catch (RegistryException e) {
            if (e.error().status() == 404) {
                throw new SlipwayException.NotFound(e.getMessage());
            }
            versionPage(ctx, p, t, repo, e.error().status() == 403 ? 403 : 400, e.getMessage()); // an immutable tag, an index's child
            return;
        }
        ctx.redirect(PackageView.packageUrl(t.owner(), t.name()), HttpStatus.SEE_OTHER);
    }

    private void visibility(Context ctx, Principal p, Target t) {
        if (!identity.canManage(p, t.owner())) {
            throw new SlipwayException.Forbidden("only '" + t.owner() + "' (or its members) may change the visibility of " + t.repository());
        }
        String v = String.valueOf(ctx.formParam("visibility"));
        if (!v.equals("public") && !v.equals("private")) {
            throw new SlipwayException.BadRequest("visibility must be public or private");
        }
        registry.setPublic(t.repository(), v.equals("public"));
        ctx.redirect(PackageView.packageUrl(t.owner(), t.name()), HttpStatus.SEE_OTHER);
    }

    // ---- access and addresses

    private String existingOwner(String owner) {
        if (Access.reserved(owner) || identity.ownerKind(owner).isEmpty()) {
            throw new SlipwayException.NotFound("no user or organization named '" + owner + "'");
        }
        return owner;
    }

    /** The repository, if the principal may pull it; 404 otherwise, as for one that does not exist. */
    private Metadata.RepositoryRow readable(Principal p, Target t) {
        Metadata.RepositoryRow repo = registry.repository(t.repository()).orElse(null);
        if (repo == null || !rights.of(p, t.owner(), repo.isPublic()).contains(Action.PULL)) {
            throw new SlipwayException.NotFound("package " + t.repository() + " does not exist, or you cannot see it");
        }
        return repo;
    }

    /** A package, and a version of it when {@code version} is not null. */
    record Target(String owner, String name, String version) {
        String repository() {
            return owner + "/" + name;
        }
    }

    /**
     * The package (and version) the path names, read from the raw path so that an escaped slash in
     * a name survives. With slashes as they are, {@code a/b} is package {@code a/b} if that exists,
     * else version {@code b} of package {@code a}.
     */
    private Target target(Context ctx) {
        String owner = existingOwner(ctx.pathParam("owner"));
        String raw = ctx.req().getRequestURI();
        int at = raw.indexOf(MARKER);
        String rest = at < 0 ? ctx.pathParam("rest") : raw.substring(at + MARKER.length());
        List<String> parts = new ArrayList<>(Arrays.asList(rest.split("/", -1)));
        if (parts.stream().anyMatch(String::isEmpty)) {
            throw new SlipwayException.NotFound("no such package page");
        }
        List<String> names = parts.stream().map(PackagePages::decode).toList();
        String whole = String.join("/", names);
        Target t;
        if (names.size() == 1 || registry.repository(owner + "/" + whole).isPresent()) {
            t = new Target(owner, whole, null);
        } else {
            t = new Target(owner, String.join("/", names.subList(0, names.size() - 1)), names.getLast());
        }
        try {
            Names.checkRepository(t.repository());
            if (t.version() != null && !Digest.looksLikeDigest(t.version())) {
                Names.checkTag(t.version());
            }
        } catch (RegistryException e) {
            throw new SlipwayException.NotFound("no package " + t.repository() + (t.version() == null ? "" : " version " + t.version()));
        }
        return t;
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new SlipwayException.BadRequest("bad %-escape in '" + s + "'");
        }
    }
}
