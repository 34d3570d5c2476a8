package dev.slipway.web;

import dev.slipway.core.identity.Principal;
import dev.slipway.web.view.Chrome;
import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import io.javalin.http.Context;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders the templates (compiled to classes at build time: nothing is compiled at run time) and
 * sends pages with the headers every page gets.
 *
 * <p>Content-Security-Policy: scripts, styles, images and connections only from this server; no
 * inline script anywhere. Run pages alone allow inline {@code style} attributes
 * ({@code style-src-attr 'unsafe-inline'}): a log's truecolor text is {@code <span
 * style="color:#rrggbb">}, since no class can name 16 million colours. Inline {@code <style>}
 * elements stay refused there too, and so does every script that is not a file of this server.
 */
final class Pages {
    private static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
            + "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
    private static final String RUN_CSP = CSP + "; style-src-attr 'unsafe-inline'";

    private final TemplateEngine engine = TemplateEngine.createPrecompiled(null, ContentType.Html, Pages.class.getClassLoader(),
            "dev.slipway.web.templates");
    private final Assets assets;
    private final Csrf csrf;
    private final Chrome.AssetUrls urls;

    Pages(Assets assets, Csrf csrf) {
        this.assets = assets;
        this.csrf = csrf;
        this.urls = new Chrome.AssetUrls(assets.url("app.css"), assets.url("ansi.css"), assets.url("app.js"), assets.url("run.js"),
                assets.url("favicon.svg"));
    }

    /** What a page puts in its frame besides the principal. */
    record Frame(String title, String section, List<Chrome.Crumb> crumbs, String liveUrl, boolean runPage) {
        static Frame of(String title, String section) {
            return new Frame(title, section, List.of(), null, false);
        }
    }

    Chrome chrome(Context ctx, Principal p, Frame f) {
        List<Chrome.NavItem> nav = new ArrayList<>();
        if (!p.isAnonymous()) {
            // Packages, settings and administration join here as their pages arrive.
            nav.add(new Chrome.NavItem("Dashboard", "/", "dashboard".equals(f.section())));
            nav.add(new Chrome.NavItem("Packages", "/" + p.username() + "/-/packages", "packages".equals(f.section())));
            nav.add(new Chrome.NavItem("Settings", "/-/settings", "settings".equals(f.section())));
            if (p.canAdminister()) {
                nav.add(new Chrome.NavItem("Admin", "/-/admin", "admin".equals(f.section())));
            }
        }
        return new Chrome(f.title(), p.isAnonymous() ? null : p.username(), p.siteAdmin(), csrf.token(ctx), urls, nav, f.crumbs(),
                f.liveUrl(), f.runPage(), "login".equals(f.section()) ? null : signInUrl(ctx));
    }

    /** The sign-in page, coming back here afterwards. */
    static String signInUrl(Context ctx) {
        String here = ctx.path().equals("/-/login") ? "/" : ctx.path() + (ctx.queryString() == null ? "" : "?" + ctx.queryString());
        return "/-/login?next=" + URLEncoder.encode(here, StandardCharsets.UTF_8);
    }

    /** @param params the template's parameters besides {@code chrome}: name, value, name, value... (values may be null) */
    void render(Context ctx, int status, String template, Chrome chrome, Object... params) {
        Map<String, Object> all = params(params);
        all.put("chrome", chrome);
        String html = html(template, all);
        headers(ctx, chrome.runPage());
        ctx.status(status).contentType("text/html; charset=utf-8").result(html);
    }

    /** A template's HTML, for a page or for a part of one that changed. */
    String html(String template, Map<String, Object> params) {
        StringOutput out = new StringOutput(8192);
        engine.render(template, params, out);
        return out.toString();
    }

    static Map<String, Object> params(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    static void headers(Context ctx, boolean runPage) {
        ctx.header("Content-Security-Policy", runPage ? RUN_CSP : CSP);
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Referrer-Policy", "same-origin");
        ctx.header("X-Frame-Options", "DENY");
        // Pages hold form tokens and private data: never stored by the browser or a proxy.
        ctx.header("Cache-Control", "no-store");
    }

    Assets assets() {
        return assets;
    }
}
