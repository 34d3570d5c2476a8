package dev.slipway.ci.model;

import java.util.Map;
import java.util.TreeMap;

/**
 * A repository to check out for a run (seed 004's checkout entry).
 *
 * @param url https, ssh or file URL
 * @param revision branch, tag or commit
 * @param mutable true: fetched on every run (a moving ref); false: checked out once and reused
 * @param key deploy key name for ssh URLs, or null
 * @param credentials name of the secret with {@code user:token} (or a token) for http(s) URLs, or null
 * @param submodules whether to check out submodules
 * @param name the mount name under /src, or null for the URL's basename
 */
public record RepositoryEntry(String url, String revision, boolean mutable, String key, String credentials, boolean submodules,
                              String name) {
    public RepositoryEntry {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("a repository needs a url");
        }
        if (revision == null || revision.isBlank()) {
            throw new IllegalArgumentException("repository " + url + " needs a revision");
        }
    }

    /** ssh://, or scp-like {@code [user@]host:path}: the URLs a deploy key is for. */
    public static boolean isSsh(String url) {
        return url.startsWith("ssh://") || (!url.contains("://") && url.matches("(?:[A-Za-z0-9._-]+@)?[A-Za-z0-9.-]+:(?!//).+"));
    }

    /** http:// or https://: the URLs credentials are for. */
    public static boolean isHttp(String url) {
        return url.startsWith("https://") || url.startsWith("http://");
    }

    /**
     * Why {@code field} ("key" or "credentials") does not fit {@code url}, or null when it does: a
     * deploy key is for ssh URLs, credentials for http(s) URLs, and neither is silently ignored.
     * The reason follows the field's name: "'key' " + misfit.
     */
    public static String misfit(String field, String url) {
        boolean key = field.equals("key");
        if (key ? isSsh(url) : isHttp(url)) {
            return null;
        }
        String instead = isSsh(url) ? "an ssh URL takes 'key' (a deploy key)"
                : isHttp(url) ? "an http(s) URL takes 'credentials' (a secret)" : "'" + url + "' needs neither";
        return "is for " + (key ? "ssh URLs (it names a deploy key)" : "http(s) URLs (it names a secret)") + "; " + instead;
    }

    /** The directory under {@code /src}: the entry's name, else the URL's basename without {@code .git}. */
    public String mountName() {
        if (name != null && !name.isBlank()) {
            return name;
        }
        String u = url;
        while (u.endsWith("/")) {
            u = u.substring(0, u.length() - 1);
        }
        String base = u.substring(Math.max(u.lastIndexOf('/'), u.lastIndexOf(':')) + 1);
        return base.endsWith(".git") ? base.substring(0, base.length() - 4) : base;
    }

    /**
     * The entry as seed 004 hashes it: every field, keys sorted. Absent optional fields are left
     * out, as JSON.stringify leaves out undefined values.
     */
    public Map<String, Object> canonicalFields() {
        Map<String, Object> m = new TreeMap<>();
        m.put("repo_url", url);
        m.put("revision", revision);
        m.put("mutable", mutable);
        if (key != null) {
            m.put("key", key);
        }
        if (credentials != null) {
            m.put("credentials", credentials);
        }
        m.put("submodules", submodules);
        if (name != null) {
            m.put("name", name);
        }
        return m;
    }
}
