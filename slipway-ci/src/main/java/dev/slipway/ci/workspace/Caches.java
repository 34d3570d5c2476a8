package dev.slipway.ci.workspace;

import dev.slipway.core.Clock;
import dev.slipway.core.SlipwayException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.stream.Stream;
import org.jdbi.v3.core.Jdbi;

/**
 * Named caches bind-mounted into tasks (seed 004's "caches as bind mounts"), answering its open
 * questions this way:
 * <ul>
 *   <li><b>Ownership:</b> a private cache belongs to one repository; a shared cache is
 *       reference-counted by the repositories that used it (rows in {@code ci_cache_owners}).</li>
 *   <li><b>Release:</b> explicit ({@code slipway cache release NAME --repo O/R} or the API); when
 *       the last owner releases a cache, its directory and row are deleted.</li>
 *   <li><b>Quota:</b> each cache has a quota (its own, else {@code ci.cache-quota}); its size is
 *       measured after every run that used it, and a cache over quota is emptied (evicted) and the
 *       run is told so in the task log. Measuring by walking is simple and portable; filesystem
 *       quotas (btrfs, XFS project quotas) would enforce during the run, at the price of setup.</li>
 *   <li><b>Conflicts:</b> tasks that use the same cache run one at a time (a lock per cache), so
 *       two tools never write one cache concurrently; owners that need incompatible contents use
 *       different cache names.</li>
 * </ul>
 * Layout: {@code <data>/ci/caches/<sha-of-id>/}.
 */
public final class Caches {
    public record Cache(String id, String name, boolean shared, Long quotaBytes, long sizeBytes, List<String> owners, Path path) {}

    private final Jdbi jdbi;
    private final Path root;
    private final Clock clock;
    private final long defaultQuota;
    private final Map<String, Semaphore> locks = new ConcurrentHashMap<>();

    public Caches(Jdbi jdbi, Path root, Clock clock, long defaultQuota) {
        this.jdbi = jdbi;
        this.root = root;
        this.clock = clock;
        this.defaultQuota = defaultQuota;
    }

    /** The quota of a cache that has none of its own ({@code ci.cache-quota}). */
    public long defaultQuota() {
        return defaultQuota;
    }

    public static String id(String repository, String name, boolean shared) {
        return shared ? "shared:" + name : "repo:" + repository + ":" + name;
    }

    private Path dir(String id) {
        return root.resolve(dev.slipway.core.Digest.sha256(id).hex().substring(0, 32));
    }

    /** Registers {@code repository} as an owner of the cache (creating it) and returns its directory. */
    public Path use(String repository, String name, boolean shared) {
        String id = id(repository, name, shared);
        jdbi.useTransaction(h -> {
            h.createUpdate("INSERT INTO ci_caches(id, name, shared, size_bytes, created_at) VALUES (:id, :n, :s, 0, :t) ON CONFLICT (id) DO NOTHING")
                    .bind("id", id).bind("n", name).bind("s", shared).bind("t", clock.millis()).execute();
            h.createUpdate("INSERT INTO ci_cache_owners(cache_id, repository) VALUES (:id, :r) ON CONFLICT (cache_id, repository) DO NOTHING")
                    .bind("id", id).bind("r", repository).execute();
        });
        Path d = dir(id);
        try {
            Files.createDirectories(d);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return d;
    }

    /** Serializes tasks that use the same cache: one permit per cache (released by whoever finishes the task). */
    public Semaphore lock(String id) {
        return locks.computeIfAbsent(id, k -> new Semaphore(1));
    }

    /**
     * Measures the cache; if it is over quota, empties it. Returns a message for the run's log
     * when it was evicted, else null.
     */
    public String measure(String id) {
        Path d = dir(id);
        long size = Dirs.size(d);
        long quota = quota(id);
        String message = null;
        if (quota >= 0 && size > quota) {
            empty(d);
            message = "cache '" + id + "' grew to " + dev.slipway.core.Sizes.format(size) + ", over its quota of "
                    + dev.slipway.core.Sizes.format(quota) + ": evicted (emptied); the next run starts it afresh";
            size = 0;
        }
        long measured = size;
        jdbi.useHandle(h -> h.createUpdate("UPDATE ci_caches SET size_bytes = :s, measured_at = :t WHERE id = :id")
                .bind("s", measured).bind("t", clock.millis()).bind("id", id).execute());
        return message;
    }

    /** The cache's quota in bytes: its own, else {@code ci.cache-quota}; negative for none. */
    public long quota(String id) {
        Long own = jdbi.withHandle(h -> h.createQuery("SELECT quota_bytes FROM ci_caches WHERE id = :id").bind("id", id).mapTo(Long.class)
                .findOne().orElse(null));
        return own != null ? own : defaultQuota;
    }

    public void setQuota(String id, Long bytes) {
        int n = jdbi.withHandle(h -> h.createUpdate("UPDATE ci_caches SET quota_bytes = :q WHERE id = :id").bind("q", bytes).bind("id", id).execute());
        if (n == 0) {
            throw new SlipwayException.NotFound("no cache '" + id + "'");
        }
    }

    /** Removes {@code repository} as an owner; the cache is deleted when no owner is left. Returns true if deleted. */
    public boolean release(String id, String repository) {
        boolean deleted = jdbi.inTransaction(h -> {
            int n = h.createUpdate("DELETE FROM ci_cache_owners WHERE cache_id = :id AND repository = :r").bind("id", id).bind("r", repository).execute();
            if (n == 0) {
                throw new SlipwayException.NotFound(repository + " does not own cache '" + id + "'");
            }
            int left = h.createQuery("SELECT COUNT(*) FROM ci_cache_owners WHERE cache_id = :id").bind("id", id).mapTo(Integer.class).one();
            if (left == 0) {
                h.createUpdate("DELETE FROM ci_caches WHERE id = :id").bind("id", id).execute();
                return true;
            }
            return false;
        });
        if (deleted) {
            empty(dir(id));
            try {
                Files.deleteIfExists(dir(id));
            } catch (IOException ignored) {
                // emptied; the directory goes with the next cleanup
            }
        }
        return deleted;
    }

    public List<Cache> list() {
        return jdbi.withHandle(h -> h.createQuery("SELECT id, name, shared, quota_bytes, size_bytes FROM ci_caches ORDER BY id")
                .map((rs, ctx) -> new Cache(rs.getString(1), rs.getString(2), rs.getBoolean(3), (Long) rs.getObject(4) == null ? null : rs.getLong(4),
                        rs.getLong(5), List.of(), dir(rs.getString(1))))
                .list().stream()
                .map(c -> new Cache(c.id(), c.name(), c.shared(), c.quotaBytes(), c.sizeBytes(), h.createQuery(
                                "SELECT repository FROM ci_cache_owners WHERE cache_id = :id ORDER BY repository").bind("id", c.id())
                        .mapTo(String.class).list(), c.path()))
                .toList());
    }

    private static void empty(Path d) {
        if (!Files.exists(d)) {
            return;
        }
        try (Stream<Path> s = Files.walk(d)) {
            s.sorted(Comparator.reverseOrder()).filter(p -> !p.equals(d)).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
