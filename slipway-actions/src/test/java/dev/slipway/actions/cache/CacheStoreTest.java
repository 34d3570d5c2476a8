package dev.slipway.actions.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Entries on disk: immutable keys, and GitHub's eviction (unused for 7 days, then the least recently used over the quota). */
class CacheStoreTest {
    static final String MAIN = "refs/heads/main";
    static final String V = CacheLookup.version(List.of("deps"));
    static final long DAY = 24 * 3600 * 1000L;

    @TempDir
    Path dir;

    Path archive(String name, int bytes) throws Exception {
        Path d = Files.createDirectories(dir.resolve("job").resolve(name));
        Files.write(d.resolve("workspace.tar.gz"), new byte[bytes]);
        Files.writeString(d.resolve("ws.list"), "not an archive: not stored");
        return d;
    }

    @Test
    void aKeyIsSavedOncePerScope() throws Exception {
        CacheStore store = new CacheStore(dir.resolve("area"));
        assertThat(store.save(archive("a", 10), MAIN, "k", V, 1)).isInstanceOf(CacheStore.Saved.Created.class);
        CacheStore.Saved again = store.save(archive("b", 20), MAIN, "k", V, 2);
        assertThat(again).isInstanceOf(CacheStore.Saved.AlreadyExists.class);
        assertThat(((CacheStore.Saved.AlreadyExists) again).entry().sizeBytes()).isEqualTo(10);
        assertThat(store.save(archive("c", 30), "refs/heads/feature", "k", V, 3)).isInstanceOf(CacheStore.Saved.Created.class);
        assertThat(store.entries()).hasSize(2);
        assertThat(Files.list(store.find(MAIN, "k", V).orElseThrow().dir()).map(p -> p.getFileName().toString()))
                .containsExactlyInAnyOrder("entry.json", "workspace.tar.gz");
        assertThat(Files.list(dir.resolve("area/staging"))).isEmpty();
    }

    @Test
    void evictionRemovesStaleEntriesThenTheLeastRecentlyUsedUntilTheRestFits() throws Exception {
        CacheStore store = new CacheStore(dir.resolve("area"));
        long now = 100 * DAY;
        store.save(archive("old", 1000), MAIN, "old", V, now - 8 * DAY);
        store.save(archive("a", 1000), MAIN, "a", V, now - 3 * DAY);
        store.save(archive("b", 1000), MAIN, "b", V, now - 2 * DAY);
        store.save(archive("c", 1000), MAIN, "c", V, now - DAY);
        Path used = dir.resolve("job/used");
        store.copyOut(store.find(MAIN, "a", V).orElseThrow(), used, now); // a is now the most recently used
        assertThat(used.resolve("workspace.tar.gz")).hasSize(1000);

        assertThat(store.evict(2500, now)).extracting(CacheEntry::key).containsExactly("old", "b");
        assertThat(store.entries()).extracting(CacheEntry::key).containsExactlyInAnyOrder("a", "c");
        assertThat(store.evict(-1, now)).isEmpty();
    }
}
