package dev.slipway.ci.release;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A semantic version (semver.org 2.0.0) as a tag names it after its prefix: {@code 1.2.3},
 * {@code 1.3.0-rc.2}, {@code 2.0.0+build.7}. Build metadata is kept for the name but plays no
 * part in order or equality, as the specification says.
 *
 * @param prerelease the pre-release part after '-', or null for a release
 * @param build the build metadata after '+', or null
 */
record SemVer(long major, long minor, long patch, String prerelease, String build) implements Comparable<SemVer> {
    private static final String NUMBER = "(0|[1-9][0-9]{0,17})";
    private static final String IDENTIFIER = "(?:0|[1-9][0-9]*|[0-9]*[A-Za-z-][0-9A-Za-z-]*)";
    private static final Pattern PATTERN = Pattern.compile(NUMBER + "\\." + NUMBER + "\\." + NUMBER
            + "(?:-(" + IDENTIFIER + "(?:\\." + IDENTIFIER + ")*))?(?:\\+([0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*))?");

    static final SemVer FIRST = new SemVer(0, 1, 0, null, null);

    /** The version a tag names, or empty when the tag does not start with {@code prefix} followed by a semantic version. */
    static Optional<SemVer> parse(String tag, String prefix) {
        if (!tag.startsWith(prefix)) {
            return Optional.empty();
        }
        Matcher m = PATTERN.matcher(tag.substring(prefix.length()));
        if (!m.matches()) {
            return Optional.empty();
        }
        return Optional.of(new SemVer(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3)), m.group(4),
                m.group(5)));
    }

    boolean isRelease() {
        return prerelease == null;
    }

    /** The release this is, or is a pre-release of: {@code 1.3.0} for {@code 1.3.0-rc.2+b}. */
    SemVer core() {
        return new SemVer(major, minor, patch, null, null);
    }

    /** The release after this one for {@code bump} (this must be a release). */
    SemVer next(Bump bump) {
        return switch (bump) {
            case MAJOR -> new SemVer(major + 1, 0, 0, null, null);
            case MINOR -> new SemVer(major, minor + 1, 0, null, null);
            case PATCH -> new SemVer(major, minor, patch + 1, null, null);
        };
    }

    /** {@code <core>-<identifier>.<n>}. */
    SemVer prerelease(String identifier, long n) {
        return new SemVer(major, minor, patch, identifier + "." + n, null);
    }

    /** N when this is {@code <core>-<identifier>.N}, else -1. */
    long prereleaseNumber(String identifier) {
        if (prerelease == null || !prerelease.startsWith(identifier + ".")) {
            return -1;
        }
        String n = prerelease.substring(identifier.length() + 1);
        return n.matches("0|[1-9][0-9]{0,17}") ? Long.parseLong(n) : -1;
    }

    /** The bump that leads from {@code from} (null: no version yet, 0.0.0) to this version's core. */
    Bump bumpFrom(SemVer from) {
        long[] a = from == null ? new long[3] : new long[] {from.major, from.minor, from.patch};
        return major != a[0] ? Bump.MAJOR : minor != a[1] ? Bump.MINOR : Bump.PATCH;
    }

    /** Precedence as semver.org defines it: numbers, then a release above its pre-releases, then identifier by identifier. */
    @Override
    public int compareTo(SemVer o) {
        int c = Long.compare(major, o.major);
        c = c != 0 ? c : Long.compare(minor, o.minor);
        c = c != 0 ? c : Long.compare(patch, o.patch);
        if (c != 0 || (prerelease == null && o.prerelease == null)) {
            return c;
        }
        if (prerelease == null || o.prerelease == null) {
            return prerelease == null ? 1 : -1;
        }
        List<String> a = Arrays.asList(prerelease.split("\\."));
        List<String> b = Arrays.asList(o.prerelease.split("\\."));
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            c = compareIdentifiers(a.get(i), b.get(i));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.size(), b.size());
    }

    private static int compareIdentifiers(String a, String b) {
        boolean numericA = a.chars().allMatch(Character::isDigit);
        boolean numericB = b.chars().allMatch(Character::isDigit);
        if (numericA && numericB) { // no leading zeros: the longer number is the larger
            return a.length() != b.length() ? Integer.compare(a.length(), b.length()) : a.compareTo(b);
        }
        if (numericA != numericB) {
            return numericA ? -1 : 1;
        }
        return a.compareTo(b);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SemVer v && compareTo(v) == 0;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(major, minor, patch, prerelease);
    }

    @Override
    public String toString() {
        return major + "." + minor + "." + patch + (prerelease == null ? "" : "-" + prerelease) + (build == null ? "" : "+" + build);
    }
}
