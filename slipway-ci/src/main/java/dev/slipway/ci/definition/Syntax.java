package dev.slipway.ci.definition;

import java.util.Collection;
import java.util.Locale;
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

    /**
     * An image reference as docker and the OCI distribution spec read it: optional registry host
     * and port, lower-case path components, optional tag, optional digest.
     */
    static final Pattern IMAGE_REFERENCE = Pattern.compile(
            "(?:(?:" + DOMAIN_LABEL + "(?:\\." + DOMAIN_LABEL + ")*|\\[[0-9a-fA-F:]+\\])(?::[0-9]{1,5})?/)?"
            + COMPONENT + "(?:/" + COMPONENT + ")*"
            + "(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?"
            + "(?:@sha256:[0-9a-f]{64}|@sha512:[0-9a-f]{128})?");

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

    /**
     * {@code " (did you mean 'x'?)"} for the closest candidate within a few edits (a swap of two
     * neighbours counts as one, so 'biuld' finds 'build'), else the empty string.
     */
    static String didYouMean(String input, Collection<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        int allowed = input.length() <= 3 ? 1 : input.length() <= 7 ? 2 : 3;
        for (String candidate : candidates.stream().sorted().toList()) {
            int d = distance(input.toLowerCase(Locale.ROOT), candidate.toLowerCase(Locale.ROOT));
            if (d <= allowed && d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        return best == null ? "" : " (did you mean '" + best + "'?)";
    }

    /** Optimal string alignment distance: Levenshtein plus adjacent transpositions. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
