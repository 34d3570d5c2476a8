package dev.slipway.web;

import dev.slipway.ci.registration.Registration;
import dev.slipway.ci.registration.Registrations;
import dev.slipway.ci.scheduler.CiStore;
import dev.slipway.ci.scheduler.RunService;
import dev.slipway.core.SlipwayException;
import io.javalin.http.Context;
import java.util.Optional;

/**
 * {@code GET /{owner}/{repo}/badge.svg}: the status of the repository's latest run as an SVG, for
 * a README on the forge. {@code ?pipeline=NAME} or {@code ?workflow=FILE} picks one pipeline,
 * {@code &branch=} a branch (default: the repository's default branch). Never cached, so the
 * forge's image proxy asks again. A private repository's badge is a 404 to strangers, like its runs.
 */
final class Badges {
    /** How far back the latest matching run is looked for. */
    private static final int WINDOW = 200;

    private final WebAuth auth;
    private final Access access;
    private final Registrations registrations;
    private final RunService runs;

    Badges(WebAuth auth, Access access, Registrations registrations, RunService runs) {
        this.auth = auth;
        this.access = access;
        this.registrations = registrations;
        this.runs = runs;
    }

    void badge(Context ctx) {
        String owner = ctx.pathParam("owner");
        String name = ctx.pathParam("repo");
        access.requireRead(auth.principal(ctx), owner, name, "repository " + owner + "/" + name);
        Registration reg = registrations.find(owner, name)
                .orElseThrow(() -> new SlipwayException.NotFound("repository " + owner + "/" + name + " does not exist, or you cannot see it"));
        String pipeline = blankToNull(ctx.queryParam("pipeline"));
        String workflow = blankToNull(ctx.queryParam("workflow"));
        String branch = Optional.ofNullable(blankToNull(ctx.queryParam("branch"))).orElse(reg.defaultBranch());
        String status = runs.runsOf(owner, name, WINDOW).stream()
                .filter(r -> pipeline == null || pipeline.equals(r.pipeline()))
                .filter(r -> workflow == null || isWorkflow(r, workflow))
                .filter(r -> r.ref() != null && (r.ref().equals("refs/heads/" + branch) || r.ref().equals(branch)))
                .findFirst().map(r -> word(r.status())).orElse("none");
        String label = pipeline != null ? pipeline : workflow != null ? workflow : "ci";
        label = label.length() > 40 ? label.substring(0, 39) + "…" : label;
        ctx.header("Cache-Control", "no-cache, no-store, must-revalidate, max-age=0");
        ctx.header("Expires", "0");
        ctx.header("Content-Security-Policy", "default-src 'none'");
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.contentType("image/svg+xml; charset=utf-8").result(svg(label, status));
    }

    /** A workflow by file name, with or without its directory and extension. */
    private static boolean isWorkflow(CiStore.RunRow r, String workflow) {
        String file = r.definitionFile() != null ? r.definitionFile() : ".slipway/" + r.pipeline() + ".yml";
        String base = file.substring(file.lastIndexOf('/') + 1);
        return file.equals(workflow) || base.equals(workflow) || base.replaceFirst("\\.ya?ml$", "").equals(workflow);
    }

    /** The badge's word for a run status. */
    static String word(String status) {
        return switch (status) {
            case "success" -> "success";
            case "failure" -> "failure";
            case "error" -> "error";
            case "cancelled" -> "cancelled";
            case "queued", "approval", "running" -> "running";
            default -> "none";
        };
    }

    private static String colour(String word) {
        return switch (word) {
            case "success" -> "#1a7f37";
            case "failure", "error" -> "#cf222e";
            case "running" -> "#9a6700";
            default -> "#6e7781";
        };
    }

    /** A flat two-part badge in the shape shields.io made common; text widths estimated for 11px Verdana. */
    static String svg(String label, String status) {
        int lw = width(label);
        int sw = width(status);
        int w = lw + sw;
        String l = xml(label);
        String s = xml(status);
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + w + "\" height=\"20\" role=\"img\" aria-label=\"" + l + ": " + s + "\">"
                + "<title>" + l + ": " + s + "</title>"
                + "<linearGradient id=\"g\" x2=\"0\" y2=\"100%\"><stop offset=\"0\" stop-color=\"#bbb\" stop-opacity=\".1\"/>"
                + "<stop offset=\"1\" stop-opacity=\".1\"/></linearGradient>"
                + "<clipPath id=\"c\"><rect width=\"" + w + "\" height=\"20\" rx=\"3\" fill=\"#fff\"/></clipPath>"
                + "<g clip-path=\"url(#c)\"><rect width=\"" + lw + "\" height=\"20\" fill=\"#555\"/>"
                + "<rect x=\"" + lw + "\" width=\"" + sw + "\" height=\"20\" fill=\"" + colour(status) + "\"/>"
                + "<rect width=\"" + w + "\" height=\"20\" fill=\"url(#g)\"/></g>"
                + "<g fill=\"#fff\" text-anchor=\"middle\" font-family=\"Verdana,Geneva,DejaVu Sans,sans-serif\" font-size=\"11\">"
                + "<text x=\"" + lw / 2.0 + "\" y=\"14\">" + l + "</text>"
                + "<text x=\"" + (lw + sw / 2.0) + "\" y=\"14\">" + s + "</text></g></svg>";
    }

    private static int width(String text) {
        return (int) Math.ceil(text.length() * 6.8) + 12;
    }

    private static String xml(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
