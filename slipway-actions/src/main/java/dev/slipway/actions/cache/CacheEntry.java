package dev.slipway.actions.cache;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One saved cache: what {@code actions/cache} stored under {@code key} for a run of {@code scope}.
 *
 * @param scope the ref of the run that saved it ({@code refs/heads/main}, {@code refs/pull/7/merge})
 * @param version a stamp of the paths it was saved with: a restore with other paths does not see it
 * @param createdMillis when it was saved: of several prefix matches, the newest wins
 * @param lastUsedMillis when it was saved or last restored: the least recently used go first when the area is full
 * @param dir where its files are; null for an entry that is only a description (tests)
 */
public record CacheEntry(String scope, String key, String version, long createdMillis, long lastUsedMillis, long sizeBytes, Path dir) {
    public CacheEntry {
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(version, "version");
    }
}
