package dev.slipway.ci.definition;

import java.util.Collection;
import java.util.regex.Pattern;

/** The grammars of names and paths in the format, and the did-you-mean hint for near misses. */
final class Syntax {
    /**
     * Pipelines, tasks and images: they become parts of container and volume names and URLs,
     * hence lower case and the 63-character limit of a DNS label.
     */
    static final Pattern IDENTIFIER = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");
    static final String IDENTIFIER_RULE = "lower-case letters, digits, '_' and '-', starting with a letter or digit, at most 63";

    /**
     * Mount names, keys, secrets, caches and deploy targets: each is a directory or file name on
     * the server or in the container, so no '/' and no leading '.' (which would allow '..').
     */
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    static final String NAME_RULE = "letters, digits, '.', '_' and '-', starting with a letter or digit";

    static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private static final String COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
    private static final String DOMAIN_LABEL = "[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?";
    /** A registry host, with an optional port, and the '/' after it. */
    private static final String REGISTRY_HOST = "(?:(?:" + DOMAIN_LABEL + "(?:\\." + DOMAIN_LABEL + ")*|\\[[0-9a-fA-F:]+\\])(?::[0-9]{1,5})?/)";

    /**
     * An image reference as docker and the OCI distribution spec read it: optional registry host
     * and port, lower-case path components, optional tag, optional digest.
     */
    static final Pattern IMAGE_REFERENCE = Pattern.compile(
            REGISTRY_HOST + "?"
            + COMPONENT + "(?:/" + COMPONENT + ")*"
            + "(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?"
            + "(?:@sha256:[0-9a-f]{64}|@sha512:[0-9a-f]{128})?");

    /** A repository in Slipway's own registry: {@code owner/name[/path]}, no tag, no digest. */
    static final Pattern OWN_REPOSITORY = Pattern.compile(COMPONENT + "(?:/" + COMPONENT + ")+");

    /** A repository in another registry: {@code host[:port]/path/name}, no tag, no digest. */
    static final Pattern OTHER_REPOSITORY = Pattern.compile(REGISTRY_HOST + COMPONENT + "(?:/" + COMPONENT + ")*");

    /** The URL forms git clones from: a URL with a scheme git knows, or scp-like {@code git@host:path}. */
    static final Pattern GIT_URL = Pattern.compile(
            "(?:(?:https?|ssh|git|file)://\\S+|(?:[A-Za-z0-9._-]+@)?[A-Za-z0-9.-]+:(?!//)\\S+)");

    private Syntax() {}

    /** An absolute container path without '..' segments, such as {@code /root/.npm}. */
    static boolean isAbsolutePath(String path) {
        return path.startsWith("/") && isCleanPath(path);
    }

    /** A path below the working directory, such as {@code dist/app}: not absolute and no '..' segment. */
    static boolean isRelativePath(String path) {
        return !path.isEmpty() && !path.startsWith("/") && isCleanPath(path);
    }

    private static boolean isCleanPath(String path) {
        if (path.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            return false;
        }
        for (String segment : path.split("/")) {
            if (segment.equals("..")) {
                return false;
            }
        }
        return true;
    }

    static String didYouMean(String input, Collection<String> candidates) {
        return dev.slipway.core.Suggestions.didYouMean(input, candidates);
    }

    static int distance(String a, String b) {
        return dev.slipway.core.Suggestions.distance(a, b);
    }
}
