package dev.slipway.registry.proxy;

import dev.slipway.core.Clock;
import dev.slipway.core.Digest;
import dev.slipway.core.identity.Action;
import dev.slipway.core.identity.Principal;
import dev.slipway.registry.Registry;
import dev.slipway.registry.metadata.Metadata.ManifestRow;
import dev.slipway.registry.oci.Names;
import dev.slipway.registry.oci.OciError;
import dev.slipway.registry.oci.RegistryException;
import dev.slipway.core.ChangeCounter;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pull-through cache. For an owner configured in {@link Proxies}, {@code <owner>/<name>} is a
 * cache of {@code <name>} on the upstream registry:
 * <ul>
 *   <li>A manifest or blob that is not here yet is fetched, verified against its digest and stored
 *       through the registry's own paths (blobs stream to an upload and are hashed on the way, never
 *       held in memory), then served like any pushed content.</li>
 *   <li>Content addressed by digest never changes, so once here it is served without asking the
 *       upstream again. A tag is served from here for the proxy's TTL after it was fetched or last
 *       confirmed; after that one HEAD asks the upstream for the tag's digest: unchanged, the tag is
 *       confirmed; changed, the new manifest is fetched.</li>
 *   <li>When the upstream cannot answer (refused, timed out, 5xx, any other error) a cached tag is
 *       served as it is, and asked about again after min(TTL, 30 s).</li>
 *   <li>Concurrent requests for the same missing manifest or blob of one repository fetch it once;
 *       the others wait and then read it from local storage. A missing blob is streamed: every
 *       client that asks while it arrives gets its bytes as they are written to the upload, all
 *       but the last byte at once and the last one only after the whole blob matched its digest,
 *       so no client ever receives a complete wrong blob (on a failure the response is cut short).</li>
 *   <li>Pushes into a proxy owner are refused. Pulling needs an authenticated user (any), or none
 *       when the proxy is public.</li>
 * </ul>
 * Fills write no registry events: a cache fill is not a push.
 */
public final class PullThroughCache {
    private static final Logger LOG = LoggerFactory.getLogger(PullThroughCache.class);
    private static final long RETRY_DOWN_MILLIS = 30_000;

    private final Registry registry;
    private final Proxies proxies;
    private final Clock clock;
    private final Map<String, UpstreamClient> clients = new ConcurrentHashMap<>();
    private final SingleFlight<String, ManifestRow> manifestFlights = new SingleFlight<>();
    private final SingleFlight<String, BlobAnswer> blobStarts = new SingleFlight<>();
    /** Blobs on their way from upstream, by {@code repository@digest}, until they are stored or failed. */
    private final Map<String, Fetch> fetches = new ConcurrentHashMap<>();

    public PullThroughCache(Registry registry, Proxies proxies, Clock clock) {
        this.registry = registry;
        this.proxies = proxies;
        this.clock = clock;
    }

    public Proxies proxies() {
        return proxies;
    }

    /**
     * What {@code principal} may do in a repository of {@code owner}, given what its identity allows
     * ({@code rights}): for a proxy owner, never push, and pull for any user (anyone if public).
     */
    public Set<Action> rights(String owner, Principal principal, Set<Action> rights) {
        Optional<Proxies.Proxy> proxy = proxies.forOwner(owner);
        if (proxy.isEmpty()) {
            return rights;
        }
        EnumSet<Action> out = EnumSet.noneOf(Action.class);
        out.addAll(rights);
        out.remove(Action.PUSH);
        if ((!principal.isAnonymous() || proxy.get().isPublic()) && principal.scopeActions().contains(Action.PULL)) {
            out.add(Action.PULL);
        }
        return out;
    }

    /** Throws DENIED if {@code repository} belongs to a proxy owner. */
    public void refusePush(String repository) {
        String owner = Names.owner(repository);
        if (proxies.isProxyNow(owner)) {
            throw OciError.DENIED.with("'" + owner + "' is a pull-through cache of "
                    + proxies.forOwner(owner).map(p -> p.upstream().toString()).orElse("an upstream registry") + "; pushes are refused");
        }
    }

    // ---- manifests

    /** The manifest a pull gets: for a proxy owner fetched or revalidated as needed, otherwise the local one. */
    public ManifestRow manifest(String repository, String reference) {
        Optional<Proxies.Proxy> proxy = proxies.forOwner(Names.owner(repository));
        if (proxy.isEmpty()) {
            return registry.manifest(repository, reference);
        }
        UpstreamClient client = client(proxy.get());
        String name = upstreamName(repository);
        if (Digest.looksLikeDigest(reference)) {
            Digest digest = Registry.parseDigest(reference);
            Optional<ManifestRow> local = registry.metadata().manifest(repository, digest);
            if (local.isPresent()) {
                return local.get();
            }
            return manifestFlights.run(repository + "@" + digest, () -> miss(OciError.MANIFEST_UNKNOWN, "manifest " + name + "@" + digest,
                    () -> fetchManifest(client, repository, digest.toString(), null, digest)));
        }
        String tag = Names.checkTag(reference);
        Optional<ManifestRow> local = registry.metadata().manifestByTag(repository, tag);
        if (local.isEmpty()) {
            return manifestFlights.run(repository + ":" + tag, () -> miss(OciError.MANIFEST_UNKNOWN, "manifest " + name + ":" + tag,
                    () -> fetchManifest(client, repository, tag, tag, null)));
        }
        long age = clock.millis() - proxies.checkedAt(repository, tag).orElse(0);
        if (age >= 0 && age < proxy.get().ttl().toMillis()) {
            return local.get();
        }
        return manifestFlights.run(repository + ":" + tag, () -> revalidate(client, repository, tag, local.get()));
    }

    /** A stale cached tag: one HEAD upstream; the cached manifest if unchanged or if the upstream cannot say. */
    private ManifestRow revalidate(UpstreamClient client, String repository, String tag, ManifestRow cached) {
        try {
            Optional<Digest> current = client.headManifest(upstreamName(repository), tag);
            if (current.isPresent() && current.get().equals(cached.digest())) {
                proxies.checked(repository, tag, clock.millis());
                return cached;
            }
            return fetchManifest(client, repository, tag, tag, null);
        } catch (UpstreamException e) {
            LOG.warn("serving the cached {}:{} ({}): {}", repository, tag, cached.digest(), e.getMessage());
            long ttl = client.proxy().ttl().toMillis();
            proxies.checked(repository, tag, clock.millis() - ttl + Math.min(ttl, RETRY_DOWN_MILLIS));
            return cached;
        }
    }

    /** Fetches a manifest by tag or digest, checks its digest, and stores it (under {@code tag} if not null). */
    private ManifestRow fetchManifest(UpstreamClient client, String repository, String reference, String tag, Digest expected) {
        String name = upstreamName(repository);
        UpstreamClient.ManifestResponse m = client.getManifest(name, reference);
        Digest digest;
        if (expected != null) {
            digest = Digest.of(expected.algorithm(), m.body());
            if (!digest.equals(expected)) {
                throw new UpstreamException(UpstreamException.Kind.BAD_RESPONSE, "the upstream sent content with digest " + digest
                        + " for manifest " + expected);
            }
        } else {
            digest = Digest.of(m.digest() == null ? "sha256" : m.digest().algorithm(), m.body());
            if (m.digest() != null && !m.digest().equals(digest)) {
                throw new UpstreamException(UpstreamException.Kind.BAD_RESPONSE, "the upstream's manifest " + name + ":" + reference
                        + " has digest " + digest + ", but its Docker-Content-Digest says " + m.digest());
            }
        }
        ManifestRow row;
        try {
            row = registry.cacheManifest(repository, tag, digest, m.contentType(), m.body());
        } catch (RegistryException e) {
            if (e.error() == OciError.MANIFEST_INVALID) {
                throw new UpstreamException(UpstreamException.Kind.BAD_RESPONSE, "the upstream's manifest " + name + ":" + reference
                        + " cannot be cached: " + e.getMessage());
            }
            throw e;
        }
        if (tag != null) {
            proxies.checked(repository, tag, clock.millis());
        }
        return row;
    }

    // ---- blobs

    /** What a blob GET serves: a blob stored here, or one that is still arriving from upstream. */
    public sealed interface BlobAnswer {}

    /** Stored here (linked into the repository): serve it from the blob store. */
    public record Stored(long size) implements BlobAnswer {}

    /** On its way from upstream: serve it with {@link #follow} as it arrives. */
    public record Streaming(Fetch fetch) implements BlobAnswer {}

    /** A blob being copied from upstream into an upload, which clients read while it grows. */
    public static final class Fetch {
        private final String uploadId;
        private final Digest digest;
        private final long length;
        private final ChangeCounter progress = new ChangeCounter();
        private volatile boolean done;
        private volatile RuntimeException failure;

        Fetch(String uploadId, Digest digest, long length) {
            this.uploadId = uploadId;
            this.digest = digest;
            this.length = length;
        }

        /** The blob's size, as the upstream announced it. */
        public long length() {
            return length;
        }

        boolean succeeded() {
            return done && failure == null;
        }

        void finish(RuntimeException failed) {
            failure = failed;
            done = true;
            progress.fire();
        }

        /** Waits until the blob is stored; throws the client's error if the fetch failed. */
        long await() {
            try {
                while (!done) {
                    progress.await(progress.version(), java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(200));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for an upstream fetch", e);
            }
            if (failure != null) {
                throw failure;
            }
            return length;
        }
    }

    /**
     * The size of a blob a pull gets, fetching it first for a proxy owner if it is not here yet. With
     * {@code contentNeeded} false (a HEAD) a missing blob is only looked up upstream, not fetched.
     */
    public long blobSize(String repository, Digest digest, boolean contentNeeded) {
        Optional<Proxies.Proxy> proxy = proxies.forOwner(Names.owner(repository));
        if (proxy.isEmpty()) {
            return registry.blobSize(repository, digest);
        }
        if (!contentNeeded) {
            long size = registry.metadata().linkedBlobSize(repository, digest);
            if (size >= 0) {
                return size;
            }
            String what = "blob " + digest + " of " + upstreamName(repository);
            long upstream = miss(OciError.BLOB_UNKNOWN, what, () -> client(proxy.get()).headBlob(upstreamName(repository), digest));
            if (upstream < 0) {
                throw OciError.UPSTREAM_UNAVAILABLE.with("the upstream did not give the size of " + what);
            }
            return upstream;
        }
        return switch (blob(repository, digest)) {
            case Stored stored -> stored.size();
            case Streaming streaming -> streaming.fetch().await();
        };
    }

    /**
     * A blob for a GET: stored here, or, for a proxy owner, arriving from upstream (a fetch is
     * started unless one runs already; a fetch started by another client is joined).
     */
    public BlobAnswer blob(String repository, Digest digest) {
        Optional<Proxies.Proxy> proxy = proxies.forOwner(Names.owner(repository));
        if (proxy.isEmpty()) {
            return new Stored(registry.blobSize(repository, digest));
        }
        String key = repository + "@" + digest;
        Fetch running = fetches.get(key);
        if (running != null && !running.done) {
            return new Streaming(running);
        }
        long size = registry.metadata().linkedBlobSize(repository, digest);
        if (size >= 0) {
            return new Stored(size);
        }
        UpstreamClient client = client(proxy.get());
        String what = "blob " + digest + " of " + upstreamName(repository);
        return blobStarts.run(key, () -> miss(OciError.BLOB_UNKNOWN, what, () -> startFetch(client, repository, digest, key)));
    }

    /** Links bytes stored for another repository, or starts copying the blob from upstream. */
    private BlobAnswer startFetch(UpstreamClient client, String repository, Digest digest, String key) {
        Fetch running = fetches.get(key);
        if (running != null && !running.done) {
            return new Streaming(running);
        }
        long linked = registry.metadata().linkedBlobSize(repository, digest);
        if (linked >= 0) {
            return new Stored(linked); // stored by a fetch that just ended
        }
        String name = upstreamName(repository);
        long stored = linkStored(client, repository, digest);
        if (stored >= 0) {
            return new Stored(stored);
        }
        UpstreamClient.BlobResponse blob = client.getBlob(name, digest);
        String upload;
        try {
            upload = registry.startUpload(repository);
        } catch (RuntimeException e) {
            blob.close();
            throw e;
        }
        if (blob.length() < 0) { // no Content-Length: store it all first, then serve it
            try (blob) {
                return new Stored(copyIntoUpload(blob, repository, upload, digest, new ChangeCounter()));
            }
        }
        Fetch fetch = new Fetch(upload, digest, blob.length());
        fetches.put(key, fetch);
        Thread.ofVirtual().name("proxy-fetch-" + digest.hex().substring(0, 12)).start(() -> {
            RuntimeException failed = null;
            try (blob) {
                copyIntoUpload(blob, repository, upload, digest, fetch.progress);
            } catch (RegistryException e) {
                failed = e;
            } catch (UpstreamException e) {
                failed = clientError(OciError.BLOB_UNKNOWN, "blob " + digest + " of " + name, e);
            } catch (RuntimeException e) {
                LOG.warn("fetching blob {} of {} failed", digest, name, e);
                failed = OciError.UPSTREAM_UNAVAILABLE.with("fetching blob " + digest + " of " + name + " failed: " + e.getMessage());
            } finally {
                fetches.remove(key, fetch);
            }
            fetch.finish(failed);
        });
        return new Streaming(fetch);
    }

    /**
     * The bytes are here for another repository: links them once this upstream confirms it has them
     * too, and returns their size; -1 if they are not here (or garbage collection took them meanwhile).
     */
    private long linkStored(UpstreamClient client, String repository, Digest digest) {
        long stored;
        try {
            stored = registry.store().size(digest);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (stored < 0) {
            return -1;
        }
        long upstream = client.headBlob(upstreamName(repository), digest);
        if (upstream >= 0 && upstream != stored) {
            throw new UpstreamException(UpstreamException.Kind.BAD_RESPONSE, "the upstream says blob " + digest + " has "
                    + upstream + " bytes, not " + stored);
        }
        try {
            // Under the digest's lock the file must still be there (garbage collection may have taken it).
            registry.metadata().linkBlob(repository, Names.owner(repository), digest, stored, () -> {
                if (registry.store().size(digest) != stored) {
                    throw new java.nio.file.NoSuchFileException(digest.toString());
                }
            });
            return stored;
        } catch (RuntimeException collected) {
            if (!(collected.getCause() instanceof java.nio.file.NoSuchFileException)) {
                throw collected;
            }
            return -1; // collected meanwhile: fetch it again
        }
    }

    /**
     * Streams the upstream's blob into the upload (hashed while written), commits it as
     * {@code digest} and links it; fires {@code progress} as bytes land. Cancels the upload on failure.
     */
    private long copyIntoUpload(UpstreamClient.BlobResponse blob, String repository, String upload, Digest digest, ChangeCounter progress) {
        try {
            registry.appendFetched(repository, upload, new Progress(blob.body(), progress), blob.length());
            return registry.completeUpload(repository, upload, digest);
        } catch (RegistryException e) {
            cancelQuietly(repository, upload);
            if (e.error() == OciError.DENIED) {
                throw e; // the owner's quota
            }
            throw new UpstreamException(UpstreamException.Kind.BAD_RESPONSE, "the upstream's blob " + digest
                    + " was not stored: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            cancelQuietly(repository, upload);
            throw e;
        } finally {
            progress.fire();
        }
    }

    /** Fires {@code progress} before each read: the bytes of the previous read have been written by then. */
    private static final class Progress extends java.io.FilterInputStream {
        private final ChangeCounter progress;

        Progress(InputStream in, ChangeCounter progress) {
            super(in);
            this.progress = progress;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            progress.fire();
            return super.read(b, off, len);
        }
    }

    /**
     * The blob's bytes from the first, as they arrive: all but the last byte as soon as they are in
     * the upload, the last one once the whole blob matched its digest. Throws an IOException (the
     * response is then cut short) if the fetch fails. {@code beforeWait} runs whenever the stream
     * is about to wait for more bytes (to flush what the caller has buffered).
     */
    public InputStream follow(Fetch fetch, Flusher beforeWait) throws IOException {
        InputStream file;
        try {
            file = registry.store().readUpload(fetch.uploadId);
        } catch (java.nio.file.NoSuchFileException gone) {
            fetch.await(); // stored (or failed) meanwhile
            return registry.openBlob(fetch.digest, 0);
        }
        return new Following(fetch, file, beforeWait);
    }

    /** Flushes what a reader of {@link #follow} has passed on so far. */
    @FunctionalInterface
    public interface Flusher {
        void flush() throws IOException;
    }

    private static final class Following extends InputStream {
        private static final long WAIT = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(200);
        private final Fetch fetch;
        private final InputStream file;
        private final Flusher beforeWait;
        private long position;

        Following(Fetch fetch, InputStream file, Flusher beforeWait) {
            this.fetch = fetch;
            this.file = file;
            this.beforeWait = beforeWait;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            while (position < fetch.length) {
                if (fetch.failure != null) {
                    throw new IOException("fetching " + fetch.digest + " from upstream failed: " + fetch.failure.getMessage());
                }
                long version = fetch.progress.version();
                long allowed = (fetch.succeeded() ? fetch.length : fetch.length - 1) - position;
                if (allowed > 0) {
                    int n = file.read(b, off, (int) Math.min(len, allowed));
                    if (n > 0) {
                        position += n;
                        return n;
                    }
                }
                if (fetch.done && fetch.failure == null && allowed <= 0) {
                    continue; // verified meanwhile: the last byte may go now
                }
                beforeWait.flush();
                try {
                    fetch.progress.await(version, WAIT);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new java.io.InterruptedIOException("interrupted while following an upstream fetch");
                }
            }
            return -1;
        }

        @Override
        public void close() throws IOException {
            file.close();
        }
    }

    private void cancelQuietly(String repository, String upload) {
        try {
            registry.cancelUpload(repository, upload);
        } catch (RuntimeException ignored) {
            // already gone
        }
    }

    // ---- helpers

    /** Runs a fetch for content that is not here, turning upstream failures into the client's OCI error. */
    private <T> T miss(OciError notFound, String what, java.util.function.Supplier<T> fetch) {
        try {
            return fetch.get();
        } catch (UpstreamException e) {
            throw clientError(notFound, what, e);
        }
    }

    private static RegistryException clientError(OciError notFound, String what, UpstreamException e) {
        return switch (e.kind()) {
            case NOT_FOUND -> notFound.with(what + " is not in the upstream registry (" + e.getMessage() + ")");
            case DENIED -> notFound.with(what + ": the upstream registry refused access (" + e.getMessage()
                    + "); the name may not exist upstream, or the proxy needs other credentials");
            case TIMEOUT -> OciError.UPSTREAM_TIMEOUT.with(what + " is not cached and the upstream did not answer in time: " + e.getMessage());
            case UNAVAILABLE, BAD_RESPONSE -> OciError.UPSTREAM_UNAVAILABLE.with(what + " is not cached and the upstream failed: " + e.getMessage());
        };
    }

    private UpstreamClient client(Proxies.Proxy proxy) {
        // One client per configuration, so cached tokens survive until the configuration changes.
        return clients.compute(proxy.owner(), (owner, existing) ->
                existing != null && existing.proxy().equals(proxy) ? existing : new UpstreamClient(proxy));
    }

    private static String upstreamName(String repository) {
        return repository.substring(repository.indexOf('/') + 1);
    }
}
