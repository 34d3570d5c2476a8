package dev.slipway.registry.oci;

import java.util.regex.Pattern;

/** The name and reference grammar of the OCI Distribution Spec. */
public final class Names {
    private static final String COMPONENT = "[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*";
    private static final Pattern NAME = Pattern.compile(COMPONENT + "(?:/" + COMPONENT + ")+");
    private static final Pattern TAG = Pattern.compile("[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}");
    public static final int MAX_NAME_LENGTH = 255;

    private Names() {}

    /** A repository name {@code owner/name[/path]}: at least two components. */
    public static String checkRepository(String name) {
        if (name == null || name.length() > MAX_NAME_LENGTH || !NAME.matcher(name).matches()) {
            throw OciError.NAME_INVALID.with("invalid repository name '" + abbreviate(name)
                    + "': expected owner/name[/path] of lowercase letters, digits and separators (. _ __ -), at most 255 characters");
        }
        return name;
    }

    public static String owner(String repository) {
        return repository.substring(0, repository.indexOf('/'));
    }

    public static boolean isTag(String reference) {
        return TAG.matcher(reference).matches();
    }

    public static String checkTag(String tag) {
        if (!isTag(tag)) {
            throw OciError.TAG_INVALID.with("invalid tag '" + abbreviate(tag) + "': expected [a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}");
        }
        return tag;
    }

    static String abbreviate(String s) {
        if (s == null) {
            return "";
        }
        return s.length() > 100 ? s.substring(0, 100) + "..." : s;
    }
}
