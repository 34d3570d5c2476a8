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
import java.io.IOException;
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
 *       the others wait and then read it from local storage.</li>
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
    private final SingleFlight<String, Long> blobFlights = new SingleFlight<>();

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

    /**
     * The size of a blob a pull gets, fetching it first for a proxy owner if it is not here yet. With
     * {@code contentNeeded} false (a HEAD) a missing blob is only looked up upstream, not fetched.
     */
    public long blobSize(String repository, Digest digest, boolean contentNeeded) {
        Optional<Proxies.Proxy> proxy = proxies.forOwner(Names.owner(repository));
        if (proxy.isEmpty()) {
            return registry.blobSize(repository, digest);
        }
        long size = registry.metadata().linkedBlobSize(repository, digest);
        if (size >= 0) {
            return size;
        }
        UpstreamClient client = client(proxy.get());
        String what = "blob " + digest + " of " + upstreamName(repository);
        if (!contentNeeded) {
            long upstream = miss(OciError.BLOB_UNKNOWN, what, () -> client.headBlob(upstreamName(repository), digest));
            if (upstream < 0) {
                throw OciError.UPSTREAM_UNAVAILABLE.with("the upstream did not give the size of " + what);
            }
            return upstream;
        }
        return blobFlights.run(repository + "@" + digest, () -> miss(OciError.BLOB_UNKNOWN, what, () -> fetchBlob(client, repository, digest)));
    }

    /** Streams the blob from upstream into an upload (hashed while written), commits it as {@code digest} and links it. */
    private long fetchBlob(UpstreamClient client, String repository, Digest digest) {
        String name = upstreamName(repository);
        long stored;
        try {
            stored = registry.store().size(digest);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (stored >= 0) {
            // The bytes are here for another repository: link them once this upstream confirms it has them too.
            long upstream = client.headBlob(name, digest);
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
                // collected meanwhile: fetch it again below
            }
        }
        try (UpstreamClient.BlobResponse blob = client.getBlob(name, digest)) {
            String upload = registry.startUpload(repository);
            try {
                registry.appendUpload(repository, upload, blob.body(), null, null, blob.length());
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
            }
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
            throw switch (e.kind()) {
                case NOT_FOUND -> notFound.with(what + " is not in the upstream registry (" + e.getMessage() + ")");
                case DENIED -> notFound.with(what + ": the upstream registry refused access (" + e.getMessage()
                        + "); the name may not exist upstream, or the proxy needs other credentials");
                case TIMEOUT -> OciError.UPSTREAM_TIMEOUT.with(what + " is not cached and the upstream did not answer in time: " + e.getMessage());
                case UNAVAILABLE, BAD_RESPONSE -> OciError.UPSTREAM_UNAVAILABLE.with(what + " is not cached and the upstream failed: " + e.getMessage());
            };
        }
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
