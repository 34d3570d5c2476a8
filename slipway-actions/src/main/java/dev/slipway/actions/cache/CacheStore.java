package dev.slipway.actions.cache;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.ci.workspace.Dirs;
import dev.slipway.core.Digest;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The saved caches of one repository, in one directory (on the server, the repository's Slipway
 * cache {@code @actions}; for {@code slipway exec}, one under {@code ~/.cache/slipway}). Entries are
 * immutable: a key saved once in a scope is never written again. Saving stages the files, then
 * renames the entry into place in one step, so a reader never sees half an entry and of two runs
 * saving one key, one wins and the other is told.
 *
 * <p>Layout: {@code entries/<sha256 of scope, key and version>/} holding {@code entry.json} (scope,
 * key, version, created, size) and the archives ({@code workspace.tar.gz}: paths in the workspace,
 * relative to it; {@code root.tar.gz}: other paths, relative to {@code /}); the directory's
 * modification time is when the entry was last used. {@code staging/} holds saves in progress.
 */
public final class CacheStore {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** GitHub removes caches not used for seven days; so does Slipway, when it saves. */
    public static final Duration UNUSED = Duration.ofDays(7);

    private final Path dir;

    public CacheStore(Path dir) {
        this.dir = dir;
    }

    /** What became of a save. */
    public sealed interface Saved {
        record Created(CacheEntry entry) implements Saved {}

        /** The key was saved before in the scope; the entry stays as it was. */
        record AlreadyExists(CacheEntry entry) implements Saved {}
    }

    public List<CacheEntry> entries() throws IOException {
        Path entries = dir.resolve("entries");
        List<CacheEntry> out = new ArrayList<>();
        if (!Files.isDirectory(entries)) {
            return out;
        }
        try (DirectoryStream<Path> s = Files.newDirectoryStream(entries)) {
            for (Path e : s) {
                read(e).ifPresent(out::add);
            }
        }
        return out;
    }

    private static Optional<CacheEntry> read(Path entry) {
        try {
            JsonNode j = JSON.readTree(entry.resolve("entry.json").toFile());
            return Optional.of(new CacheEntry(j.path("scope").asText(), j.path("key").asText(), j.path("version").asText(),
                    j.path("created").asLong(), Files.getLastModifiedTime(entry).toMillis(), j.path("size").asLong(), entry));
        } catch (IOException | RuntimeException unreadable) {
            return Optional.empty(); // removed meanwhile, or not an entry: not one to restore
        }
    }

    private Path entryDir(String scope, String key, String version) {
        return dir.resolve("entries").resolve(Digest.sha256(scope + "\0" + key + "\0" + version).hex().substring(0, 40));
    }

    public Optional<CacheEntry> find(String scope, String key, String version) {
        return read(entryDir(scope, key, version));
    }

    /**
     * Saves the archives in {@code files} (regular files, copied) as the entry for {@code key} in
     * {@code scope}, unless one exists already.
     */
    public Saved save(Path files, String scope, String key, String version, long now) throws IOException {
        Path target = entryDir(scope, key, version);
        Optional<CacheEntry> existing = read(target);
        if (existing.isPresent()) {
            return new Saved.AlreadyExists(existing.get());
        }
        Path staged = dir.resolve("staging").resolve(UUID.randomUUID().toString());
        Files.createDirectories(staged);
        try {
            long size = 0;
            try (DirectoryStream<Path> s = Files.newDirectoryStream(files)) {
                for (Path f : s) {
                    if (Files.isRegularFile(f) && f.getFileName().toString().endsWith(".tar.gz")) {
                        Files.copy(f, staged.resolve(f.getFileName().toString()));
                        size += Files.size(f);
                    }
                }
            }
            ObjectNode j = JSON.createObjectNode().put("scope", scope).put("key", key).put("version", version).put("created", now).put("size", size);
            Files.writeString(staged.resolve("entry.json"), j.toString());
            Files.setLastModifiedTime(staged, FileTime.fromMillis(now));
            Files.createDirectories(target.getParent());
            try {
                Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE); // refused when the target exists (not empty)
            } catch (FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException e) {
                Optional<CacheEntry> won = read(target);
                if (won.isPresent()) {
                    return new Saved.AlreadyExists(won.get());
                }
                throw e;
            }
            return new Saved.Created(read(target).orElseThrow(() -> new IOException("the entry just saved at " + target + " cannot be read")));
        } finally {
            Dirs.reset(staged);
        }
    }

    /** Copies the entry's archives into {@code to} and marks it used. */
    public void copyOut(CacheEntry entry, Path to, long now) throws IOException {
        Files.createDirectories(to);
        try (DirectoryStream<Path> s = Files.newDirectoryStream(entry.dir(), "*.tar.gz")) {
            for (Path f : s) {
                Files.copy(f, to.resolve(f.getFileName().toString()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        try {
            Files.setLastModifiedTime(entry.dir(), FileTime.fromMillis(now));
        } catch (IOException evicted) {
            // removed meanwhile: what was copied is whole
        }
    }

    /**
     * Removes the entries not used for {@link #UNUSED}, then the least recently used ones until the
     * entries fit in {@code quotaBytes} (negative: no quota), as GitHub evicts; returns those removed.
     */
    public List<CacheEntry> evict(long quotaBytes, long now) throws IOException {
        List<CacheEntry> all = new ArrayList<>(entries());
        all.sort(Comparator.comparingLong(CacheEntry::lastUsedMillis).thenComparingLong(CacheEntry::createdMillis));
        // Measured as the cache's own measure counts (every file), so the area is under its quota after this.
        Map<CacheEntry, Long> sizes = new java.util.HashMap<>();
        all.forEach(e -> sizes.put(e, Dirs.size(e.dir())));
        long total = Dirs.size(dir);
        List<CacheEntry> removed = new ArrayList<>();
        for (CacheEntry e : all) {
            boolean stale = now - e.lastUsedMillis() > UNUSED.toMillis();
            boolean over = quotaBytes >= 0 && total > quotaBytes;
            if (!stale && !over) {
                continue;
            }
            Dirs.reset(e.dir());
            total -= sizes.get(e);
            removed.add(e);
        }
        return removed;
    }
}
