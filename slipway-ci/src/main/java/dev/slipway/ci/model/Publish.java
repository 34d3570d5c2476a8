package dev.slipway.ci.model;

import java.util.List;
import java.util.Locale;

/**
 * What a publish task pushes: a declared image, to Slipway's own registry ({@code owner/name}) or
 * to another registry ({@code host[:port]/path/name}), under tags that are templates of
 * {@code ${NAME}} references, resolved when the task runs.
 *
 * @param image the name of an image declared in the pipeline's {@code images}
 * @param to the repository: {@code owner/name[/path]} for Slipway's own registry, else a host first
 * @param tags tag templates, in the order written
 * @param keep after the push, keep the newest N tags of the repository ({@code latest} is always
 *             kept); null for no clean-up. Only for Slipway's own registry.
 * @param credentials the secret with {@code user:token} for another registry, or null
 */
public record Publish(String image, String to, List<String> tags, Integer keep, String credentials) {
    private static final java.util.regex.Pattern TAG = java.util.regex.Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
    public static final String TAG_RULE = "letters, digits, '_', '.' and '-', not starting with '.' or '-', at most 128 characters";

    public Publish {
        tags = List.copyOf(tags);
    }

    /** True for {@code owner/name}: Slipway's own registry; false when {@code to} starts with a registry host. */
    public boolean ownRegistry() {
        return !hasRegistryHost(to);
    }

    /** A tag as the OCI distribution spec allows it. */
    public static boolean isTag(String tag) {
        return TAG.matcher(tag).matches();
    }

    /**
     * Docker's rule for the first component of a reference: a registry host when it has a '.' or a
     * ':' or is {@code localhost}; otherwise it is a path component (Docker Hub's, for docker; here
     * Slipway's own registry's owner).
     */
    public static boolean hasRegistryHost(String reference) {
        int slash = reference.indexOf('/');
        if (slash < 0) {
            return false;
        }
        String first = reference.substring(0, slash);
        return first.contains(".") || first.contains(":") || first.toLowerCase(Locale.ROOT).equals("localhost");
    }
}
