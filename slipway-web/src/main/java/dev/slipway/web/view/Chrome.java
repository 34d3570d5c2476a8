package dev.slipway.web.view;

import java.util.List;

/**
 * What every page's frame shows: the title, the navigation, who is signed in, the form token,
 * and the page's assets.
 *
 * @param username the signed-in user, or null
 * @param csrf the token every form of the page carries
 * @param crumbs where the page sits (owner, repository, run); the last one is the page itself
 * @param liveUrl an event stream that sends new HTML for parts of the page as they change, or null
 * @param runPage the page shows logs (it loads their stylesheet and the viewer)
 * @param signInUrl the sign-in page, coming back here; null on the sign-in page itself
 */
public record Chrome(String title, String username, boolean siteAdmin, String csrf, AssetUrls assets, List<NavItem> nav,
                     List<Crumb> crumbs, String liveUrl, boolean runPage, String signInUrl) {
    public Chrome {
        nav = List.copyOf(nav);
        crumbs = List.copyOf(crumbs);
    }

    public boolean signedIn() {
        return username != null;
    }

    /** The hashed URLs of the static files. */
    public record AssetUrls(String css, String ansiCss, String appJs, String runJs, String favicon) {}

    /** A top navigation entry; {@code current} marks the section the page belongs to. */
    public record NavItem(String label, String url, boolean current) {}

    /** A breadcrumb; the last has no link. */
    public record Crumb(String label, String url) {}
}
