package dev.slipway.ci.definition;

import java.util.Collection;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The glob patterns of the format ({@code on:} filters and {@code when:} conditions), as GitHub
 * Actions reads them: {@code *} matches anything but {@code /}, {@code **} anything including
 * {@code /}, {@code ?} one character other than {@code /}, {@code [abc]} and {@code [a-z]} one of
 * those characters; a leading {@code !} excludes what the pattern matches. Patterns apply in order and the last one that matches a name
 * decides; a list of exclusions only (such as {@code ['!wip/**']}) starts from "everything".
 * Public because the GitHub Actions workflow reader ({@code slipway-actions}) filters with the same rules.
 */
public final class Patterns {
    private Patterns() {}

    /** Whether {@code name} (a branch, a tag, a path) passes the patterns. */
    public static boolean matches(List<String> patterns, String name) {
        boolean included = patterns.stream().allMatch(p -> p.startsWith("!"));
        for (String p : patterns) {
            boolean negated = p.startsWith("!");
            if (glob(negated ? p.substring(1) : p).matcher(name).matches()) {
                included = !negated;
            }
        }
        return included;
    }

    /** Whether any of {@code names} passes: a paths filter wants at least one changed file. */
    public static boolean anyMatches(List<String> patterns, Collection<String> names) {
        return names.stream().anyMatch(n -> matches(patterns, n));
    }

    static Pattern glob(String glob) {
        return dev.slipway.core.Globs.compile(glob);
    }
}
