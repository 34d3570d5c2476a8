package dev.slipway.web;

import dev.slipway.core.SlipwayException;
import dev.slipway.logs.render.LineHtml;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The UI's static files, served from the jar under {@code /-/assets/} with a hash of their content
 * in the name ({@code app.3f2a9c1b.css}): a name never changes meaning, so browsers may keep a file
 * for a year without asking again, and a new release is fetched at once because its names differ.
 * Nothing comes from the internet.
 */
final class Assets {
    static final String PREFIX = "/-/assets/";
    private static final String[] FILES = {"app.css", "app.js", "run.js", "favicon.svg", "copy.js"};

    private record Asset(String url, String contentType, byte[] bytes, String etag) {}

    /** By versioned file name. */
    private final Map<String, Asset> byName = new LinkedHashMap<>();
    /** Versioned URL by plain name. */
    private final Map<String, String> urls = new LinkedHashMap<>();

    Assets() {
        for (String name : FILES) {
            add(name, read(name));
        }
        // The terminal colours and attributes of rendered log lines (LineHtml's classes), with the
        // viewer's own rules in app.css.
        add("ansi.css", LineHtml.stylesheet().getBytes(StandardCharsets.UTF_8));
    }

    private void add(String name, byte[] bytes) {
        String hash = sha256(bytes).substring(0, 10);
        int dot = name.lastIndexOf('.');
        String versioned = name.substring(0, dot) + "." + hash + name.substring(dot);
        String type = switch (name.substring(dot + 1)) {
            case "css" -> "text/css; charset=utf-8";
            case "js" -> "text/javascript; charset=utf-8";
            case "svg" -> "image/svg+xml";
            default -> throw new IllegalArgumentException(name);
        };
        byName.put(versioned, new Asset(PREFIX + versioned, type, bytes, "\"" + hash + "\""));
        urls.put(name, PREFIX + versioned);
    }

    /** The URL to use for {@code name} (such as {@code app.css}). */
    String url(String name) {
        String u = urls.get(name);
        if (u == null) {
            throw new IllegalArgumentException("no asset " + name);
        }
        return u;
    }

    void serve(Context ctx) {
        Asset a = byName.get(ctx.pathParam("file"));
        if (a == null) {
            throw new SlipwayException.NotFound("no such file");
        }
        ctx.header("Cache-Control", "public, max-age=31536000, immutable");
        ctx.header("ETag", a.etag());
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.contentType(a.contentType());
        if (a.etag().equals(ctx.header("If-None-Match"))) {
            ctx.status(304);
            return;
        }
        ctx.result(a.bytes());
    }

    private static byte[] read(String name) {
        try (InputStream in = Assets.class.getResourceAsStream("assets/" + name)) {
            if (in == null) {
                throw new IllegalStateException("asset " + name + " is missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
