package dev.slipway.actions.cache;

import dev.slipway.core.Digest;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;

/**
 * GitHub's rules for finding a cache, as its documentation states them: in each scope the run may
 * read (its own ref first, then a pull request's base branch, then the default branch), the entry
 * whose key is exactly {@code key}; else the newest whose key starts with {@code key}; else, for
 * each restore key in order, the newest whose key starts with it. Only entries saved with the same
 * paths (the same {@link #version}) count. Only an exact key is a hit.
 */
public final class CacheLookup {
    /** GitHub's limits: a key of at most 512 characters, at most 10 keys with the restore keys. */
    public static final int MAX_KEY_LENGTH = 512;
    public static final int MAX_KEYS = 10;

    /** What a lookup found; {@code exact} when its key is the primary key (a cache hit). */
    public record Match(CacheEntry entry, boolean exact) {}

    private CacheLookup() {}

    /** GitHub's key validation; the message is the action's error. */
    public static void checkKeys(String primary, List<String> restoreKeys) {
        if (primary == null || primary.isBlank()) {
            throw new IllegalArgumentException("Input required and not supplied: key");
        }
        if (1 + restoreKeys.size() > MAX_KEYS) {
            throw new IllegalArgumentException("Key Validation Error: Keys are limited to a maximum of " + MAX_KEYS + ".");
        }
        List<String> all = new ArrayList<>(List.of(primary));
        all.addAll(restoreKeys);
        for (String key : all) {
            if (key.length() > MAX_KEY_LENGTH) {
                throw new IllegalArgumentException("Key Validation Error: " + key + " cannot be larger than " + MAX_KEY_LENGTH + " characters.");
            }
            if (key.contains(",")) {
                throw new IllegalArgumentException("Key Validation Error: " + key + " cannot contain commas.");
            }
        }
    }

    /** The stamp of the paths an entry is saved with (GitHub's cache version): the paths as written, in order, and the archive format. */
    public static String version(List<String> paths) {
        return Digest.sha256(String.join("\n", paths) + "\n|slipway-tar-gzip-1").hex();
    }

    /**
     * The scope a run saves in: its ref; a pull request's merge ref ({@code refs/pull/7/merge}), as
     * GitHub's, so no other pull request or branch sees it.
     */
    public static String saveScope(String ref, Integer pullRequest) {
        if (pullRequest != null) {
            return "refs/pull/" + pullRequest + "/merge";
        }
        return ref == null ? "" : ref;
    }

    /** The scopes a run restores from, in order: its own, a pull request's base branch, the default branch. */
    public static List<String> restoreScopes(String ref, Integer pullRequest, String baseRef, String defaultBranch) {
        LinkedHashSet<String> scopes = new LinkedHashSet<>();
        scopes.add(saveScope(ref, pullRequest));
        if (pullRequest != null && baseRef != null && !baseRef.isBlank()) {
            scopes.add(branchRef(baseRef));
        }
        if (defaultBranch != null && !defaultBranch.isBlank()) {
            scopes.add(branchRef(defaultBranch));
        }
        return List.copyOf(scopes);
    }

    private static String branchRef(String branch) {
        return branch.startsWith("refs/") ? branch : "refs/heads/" + branch;
    }

    /** The entry a restore gets, by GitHub's rules (see the class); empty when none matches. */
    public static Optional<Match> find(Collection<CacheEntry> entries, String primary, List<String> restoreKeys, String version,
                                       List<String> scopes) {
        Comparator<CacheEntry> newest = Comparator.comparingLong(CacheEntry::createdMillis).thenComparing(CacheEntry::key);
        for (String scope : scopes) {
            List<CacheEntry> here = entries.stream().filter(e -> e.scope().equals(scope) && e.version().equals(version)).toList();
            Optional<CacheEntry> exact = here.stream().filter(e -> e.key().equals(primary)).max(newest);
            if (exact.isPresent()) {
                return Optional.of(new Match(exact.get(), true));
            }
            List<String> prefixes = new ArrayList<>(List.of(primary));
            prefixes.addAll(restoreKeys);
            for (String prefix : prefixes) {
                Optional<CacheEntry> partial = here.stream().filter(e -> e.key().startsWith(prefix)).max(newest);
                if (partial.isPresent()) {
                    return Optional.of(new Match(partial.get(), false));
                }
            }
        }
        return Optional.empty();
    }
}
