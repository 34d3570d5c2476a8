package dev.slipway.registry;

import dev.slipway.core.Clock;
import dev.slipway.core.Digest;
import dev.slipway.core.Sizes;
import dev.slipway.core.config.SlipwayConfig.UploadLimits;
import dev.slipway.core.identity.Identity;
import dev.slipway.registry.browse.PackageBrowser;
import dev.slipway.registry.events.RegistryEvent;
import dev.slipway.registry.events.RegistryEvents;
import dev.slipway.registry.lifecycle.ImmutableRule;
import dev.slipway.registry.lifecycle.ImmutableTags;
import dev.slipway.registry.metadata.ImageSizes;
import dev.slipway.registry.metadata.Metadata;
import dev.slipway.registry.metadata.Metadata.ManifestRow;
import dev.slipway.registry.metadata.Visibility;
import dev.slipway.registry.oci.Descriptor;
import dev.slipway.registry.oci.Manifest;
import dev.slipway.registry.oci.Names;
import dev.slipway.registry.oci.OciError;
import dev.slipway.registry.oci.RegistryException;
import dev.slipway.registry.storage.BlobStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The registry's operations, independent of HTTP: the {@code /v2/} routes, the packages API and
 * the CLI call these after authorization. Errors are {@link RegistryException}s with the spec's codes.
 */
public final class Registry {
    private final Metadata metadata;
    private final BlobStore store;
    private final Identity identity;
    private final ImmutableTags immutableTags;
    private final Clock clock;
    private final long defaultQuota;
    private final UploadLimits limits;
    private final RegistryEvents events;
    private final Visibility visibility;
    private final ImageSizes imageSizes;
    private final PackageBrowser browser;
    /** Manifests are immutable by digest, so their bytes can be cached without invalidation. */
    private final Map<Digest, byte[]> manifestCache = java.util.Collections.synchronizedMap(
            new LinkedHashMap<>(256, 0.75f, true) {
                private long bytes;

                @Override
                public byte[] put(Digest key, byte[] value) {
                    bytes += value.length;
                    byte[] old = super.put(key, value);
                    if (old != null) {
                        bytes -= old.length;
                    }
                    return old;
                }

                @Override
                protected boolean removeEldestEntry(Map.Entry<Digest, byte[]> eldest) {
                    if (bytes > 32L << 20) {
                        bytes -= eldest.getValue().length;
                        return true;
                    }
                    return false;
                }
            });

    public Registry(Metadata metadata, BlobStore store, Identity identity, ImmutableTags immutableTags, Clock clock, long defaultQuota,
                    UploadLimits limits, RegistryEvents events) {
        this.metadata = metadata;
        this.store = store;
        this.identity = identity;
        this.immutableTags = immutableTags;
        this.clock = clock;
        this.defaultQuota = defaultQuota;
        this.limits = limits;
        this.events = events;
        this.visibility = new Visibility(metadata.jdbi(), clock);
        this.imageSizes = new ImageSizes(metadata.jdbi());
        this.browser = new PackageBrowser(metadata, imageSizes, this::manifestContent, this::openBlob);
    }

    public Metadata metadata() {
        return metadata;
    }

    public BlobStore store() {
        return store;
    }

    public ImmutableTags immutableTags() {
        return immutableTags;
    }

    /** The registry as people browse it: repositories, tags and images with what the web UI shows of them (read only). */
    public PackageBrowser browse() {
        return browser;
    }

    // ---- repositories

    public Optional<Metadata.RepositoryRow> repository(String name) {
        return metadata.repository(name);
    }

    /** The owner of a name, checked to exist (pushing needs an existing user or organization). */
    public String existingOwner(String repository) {
        return requireOwner(Names.owner(repository));
    }

    private String requireOwner(String owner) {
        if (identity.ownerKind(owner).isEmpty()) {
            throw OciError.NAME_UNKNOWN.with("no user or organization named '" + owner + "'");
        }
        return owner;
    }

    /**
     * Makes a repository public (anonymous pull) or private. A repository not pushed yet is created
     * empty with that visibility, which its first push keeps. Returns true if it existed.
     */
    public boolean setPublic(String repository, boolean isPublic) {
        return visibility.setRepository(repository, existingOwner(repository), isPublic);
    }

    /**
     * Sets the visibility the owner's repositories get when a first push creates them; existing
     * repositories keep theirs. Returns how many the owner has.
     */
    public int setOwnerPublic(String owner, boolean isPublic) {
        return visibility.setOwnerDefault(requireOwner(owner), isPublic);
    }

    /** Whether new repositories of the owner are public. */
    public boolean ownerPublic(String owner) {
        return visibility.ownerDefault(requireOwner(owner));
    }

    public List<String> catalog(Set<String> readableOwners, String last, int n) {
        return metadata.catalog(readableOwners, last, n);
    }

    // ---- blobs

    /** The blob's size if it is visible in the repository; BLOB_UNKNOWN otherwise. */
    public long blobSize(String repository, Digest digest) {
        long size = metadata.linkedBlobSize(repository, digest);
        if (size < 0) {
            throw OciError.BLOB_UNKNOWN.with("blob " + digest + " is not in " + repository);
        }
        return size;
    }

    public InputStream openBlob(Digest digest, long offset) {
        try {
            return store.open(digest, offset);
        } catch (NoSuchFileException e) {
            throw OciError.BLOB_UNKNOWN.with("blob " + digest + " is missing from storage");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void deleteBlob(String repository, Digest digest) {
        Metadata.Unlink unlink = metadata.unlinkBlob(repository, digest);
        if (unlink.usedBy() != null) {
            throw OciError.DENIED.with("blob " + digest + " is used by manifest " + unlink.usedBy() + " in " + repository
                    + "; delete the manifest first (garbage collection removes blobs nothing uses)");
        }
        if (!unlink.removed()) {
            throw OciError.BLOB_UNKNOWN.with("blob " + digest + " is not in " + repository);
        }
    }

    /** Links a blob readable in {@code from} into {@code repository}; false if {@code from} lacks it. */
    public boolean mount(String repository, Digest digest, String from) {
        long size = metadata.linkedBlobSize(from, digest);
        if (size < 0) {
            return false;
        }
        String owner = existingOwner(repository);
        checkQuota(owner, digest, size);
        return metadata.mountBlob(from, repository, owner, digest);
    }

    // ---- uploads

    public String startUpload(String repository) {
        existingOwner(repository);
        String id = java.util.UUID.randomUUID().toString();
        // The row first: garbage collection removes upload files that have no session row.
        metadata.createUpload(id, repository);
        try {
            store.createUpload(id);
        } catch (IOException e) {
            metadata.deleteUpload(id);
            throw new UncheckedIOException(e);
        }
        return id;
    }

    /** The bytes received so far; BLOB_UPLOAD_UNKNOWN if the session is not this repository's. */
    public long uploadOffset(String repository, String uploadId) {
        checkUpload(repository, uploadId);
        try {
            long size = store.uploadSize(uploadId);
            if (size < 0) {
                throw OciError.BLOB_UPLOAD_UNKNOWN.with("upload " + uploadId + " has no data (was it cancelled?)");
            }
            return size;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void checkUpload(String repository, String uploadId) {
        if (uploadId.length() > 64 || !metadata.uploadRepository(uploadId).map(repository::equals).orElse(false)) {
            throw OciError.BLOB_UPLOAD_UNKNOWN.with("no upload " + uploadId + " in " + repository);
        }
    }

    /**
     * Appends a pushed chunk. {@code rangeStart} (from Content-Range) must equal the current offset;
     * {@code length} (Content-Length) if known must match what arrives. A blob growing past
     * {@code registry.max-blob-size} is refused as soon as that is known (from the headers, else
     * while reading) and its upload discarded.
     */
    public long appendUpload(String repository, String uploadId, InputStream body, Long rangeStart, Long rangeEnd, long length) {
        return append(repository, uploadId, body, rangeStart, rangeEnd, length, limits.maxBlobBytes());
    }

    /** Appends a blob the pull-through cache fetches: not a push, so {@code registry.max-blob-size} does not apply. */
    public long appendFetched(String repository, String uploadId, InputStream body, long length) {
        return append(repository, uploadId, body, null, null, length, -1);
    }

    /**
     * Refuses a blob of {@code size} bytes (a Content-Length; -1 if unknown) over
     * {@code registry.max-blob-size} before anything is read or stored: 413 SIZE_INVALID.
     */
    public void checkBlobSize(long size) {
        long max = limits.maxBlobBytes();
        if (max >= 0 && size > max) {
            throw blobTooLarge(size, max);
        }
    }

    /** 413 SIZE_INVALID naming both sizes; {@code size} is -1 when the client did not say and only "more" is known. */
    private static RegistryException blobTooLarge(long size, long max) {
        return OciError.TOO_LARGE.with((size < 0 ? "blob" : "blob of " + sizeText(size)) + " exceeds this registry's maximum blob size of "
                + sizeText(max) + (size < 0 ? ": more than that was sent" : "")
                + "; make the layer smaller or ask an admin to raise registry.max-blob-size");
    }

    /** {@code 1.5 MiB (1572864 bytes)}: both, as people and scripts compare sizes differently. */
    private static String sizeText(long bytes) {
        return bytes < 1024 ? bytes + " bytes" : Sizes.format(bytes) + " (" + bytes + " bytes)";
    }

    private long append(String repository, String uploadId, InputStream body, Long rangeStart, Long rangeEnd, long length, long maxBlob) {
        long offset = uploadOffset(repository, uploadId);
        if (rangeStart != null && rangeStart != offset) {
            throw new RegistryException(OciError.RANGE_INVALID,
                    "chunk starts at " + rangeStart + " but the upload has " + offset + " bytes; send the next chunk from " + offset,
                    Map.of("Range", rangeHeader(offset), "Location", "/v2/" + repository + "/blobs/uploads/" + uploadId));
        }
        long limit = length >= 0 ? length : Long.MAX_VALUE;
        if (rangeStart != null && rangeEnd != null) {
            long declared = rangeEnd - rangeStart + 1;
            if (declared < 0 || (length >= 0 && declared != length)) {
                throw new RegistryException(OciError.RANGE_INVALID, "Content-Range " + rangeStart + "-" + rangeEnd
                        + " does not match Content-Length " + length, Map.of("Range", rangeHeader(offset)));
            }
            limit = declared;
        }
        // What the blob may still grow by; the whole upload goes when it would pass the limit.
        long allowance = Long.MAX_VALUE;
        if (maxBlob >= 0) {
            if (limit != Long.MAX_VALUE && offset + limit > maxBlob) {
                discardUpload(uploadId);
                throw blobTooLarge(offset + limit, maxBlob);
            }
            allowance = maxBlob - offset;
        }
        long newSize;
        try {
            newSize = store.append(uploadId, body, Math.min(limit, allowance));
        } catch (BlobStore.TooLargeException e) {
            if (allowance < limit) {
                discardUpload(uploadId);
                throw blobTooLarge(-1, maxBlob);
            }
            throw OciError.SIZE_INVALID.with("chunk is larger than its Content-Length/Content-Range");
        } catch (BlobStore.BodyReadException e) {
            throw OciError.BLOB_UPLOAD_INVALID.with("the request body could not be read to the end (" + e.getMessage()
                    + "); the upload is still at " + offset + " bytes");
        } catch (NoSuchFileException e) {
            throw OciError.BLOB_UPLOAD_UNKNOWN.with("upload " + uploadId + " was removed");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (length >= 0 && newSize - offset != length) {
            discardUpload(uploadId);
            throw OciError.SIZE_INVALID.with("received " + (newSize - offset) + " bytes, Content-Length said " + length);
        }
        metadata.touchUpload(uploadId);
        return newSize;
    }

    /** Drops a session and its bytes: after a short body (bytes the client did not promise) or a refused one. */
    private void discardUpload(String uploadId) {
        try {
            store.deleteUpload(uploadId);
        } catch (IOException ignored) {
            // the session row is removed below; the file is cleaned by upload GC
        }
        metadata.deleteUpload(uploadId);
    }

    /** Verifies and commits an upload as {@code digest}, then links it into the repository. */
    public long completeUpload(String repository, String uploadId, Digest digest) {
        uploadOffset(repository, uploadId);
        String owner = existingOwner(repository);
        long size;
        try {
            long pending = store.uploadSize(uploadId);
            checkQuota(owner, digest, pending);
            size = store.verify(uploadId, digest); // hashing and fsync, outside any lock
        } catch (BlobStore.DigestMismatchException e) {
            throw OciError.DIGEST_INVALID.with("uploaded content has digest " + e.actual() + ", not " + digest);
        } catch (NoSuchFileException e) {
            throw OciError.BLOB_UPLOAD_UNKNOWN.with("upload " + uploadId + " was completed or cancelled meanwhile");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // Published under the digest's lock, so garbage collection cannot remove the file before the link exists.
        metadata.linkBlob(repository, owner, digest, size, () -> {
            try {
                store.publish(uploadId, digest);
            } catch (IllegalStateException | NoSuchFileException e) {
                throw OciError.BLOB_UPLOAD_UNKNOWN.with("upload " + uploadId + " was completed, changed or cancelled meanwhile");
            }
        });
        metadata.deleteUpload(uploadId);
        return size;
    }

    public void cancelUpload(String repository, String uploadId) {
        checkUpload(repository, uploadId);
        try {
            store.deleteUpload(uploadId);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        metadata.deleteUpload(uploadId);
    }

    public long quotaOf(String owner) {
        return identity.ownerQuota(owner).orElse(defaultQuota);
    }

    private void checkQuota(String owner, Digest digest, long size) {
        long quota = quotaOf(owner);
        if (quota < 0 || metadata.ownerHasBlob(owner, digest)) {
            return;
        }
        long used = metadata.ownerUsage(owner);
        if (used + size > quota) {
            throw OciError.DENIED.with("quota of " + Sizes.format(quota) + " for owner " + owner + " exceeded: " + Sizes.format(used)
                    + " used + this blob of " + Sizes.format(size) + " = " + Sizes.format(used + size)
                    + "; delete images of " + owner + " or ask an admin to raise the quota (slipway registry quota " + owner + " SIZE)");
        }
    }

    public static String rangeHeader(long size) {
        return "0-" + Math.max(0, size - 1);
    }

    // ---- manifests

    /** Resolves a tag or digest in the repository; MANIFEST_UNKNOWN if absent. */
    public ManifestRow manifest(String repository, String reference) {
        Optional<ManifestRow> row;
        if (Digest.looksLikeDigest(reference)) {
            row = metadata.manifest(repository, parseDigest(reference));
        } else {
            Names.checkTag(reference);
            row = metadata.manifestByTag(repository, reference);
        }
        return row.orElseThrow(() -> OciError.MANIFEST_UNKNOWN.with("manifest '" + reference + "' is not in " + repository));
    }

    public byte[] manifestContent(Digest digest) {
        byte[] cached = manifestCache.get(digest);
        if (cached != null) {
            return cached;
        }
        try (InputStream in = store.open(digest, 0)) {
            byte[] content = in.readAllBytes();
            manifestCache.put(digest, content);
            return content;
        } catch (NoSuchFileException e) {
            throw OciError.MANIFEST_UNKNOWN.with("manifest " + digest + " is missing from storage");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public record PutResult(Digest digest, Descriptor subject) {}

    public PutResult putManifest(String repository, String reference, String contentType, byte[] body) {
        return putManifest(repository, reference, contentType, body, null);
    }

    /**
     * Validates and stores a manifest under a tag or its digest, with its {@code manifest.pushed}
     * event (by {@code actor}) in the same transaction. Nothing is stored on any error.
     */
    public PutResult putManifest(String repository, String reference, String contentType, byte[] body, String actor) {
        String owner = existingOwner(repository);
        String tag = null;
        Digest digest;
        if (Digest.looksLikeDigest(reference)) {
            Digest claimed = parseDigest(reference);
            digest = Digest.of(claimed.algorithm(), body);
            if (!digest.equals(claimed)) {
                throw OciError.DIGEST_INVALID.with("manifest content has digest " + digest + ", not " + claimed);
            }
        } else {
            tag = Names.checkTag(reference);
            digest = Digest.sha256(body);
        }
        Manifest manifest = Manifest.parse(body, contentType);
        List<Metadata.Ref> refs = references(manifest);
        Optional<ImmutableRule> rule = tag == null ? Optional.empty() : immutableTags.ruleFor(repository, tag);
        // Refuse before writing where possible, so a refused manifest leaves no file behind (and the
        // transaction below checks again under the locks, where it counts).
        throwIfIncomplete(repository, metadata.checkReferences(repository, refs));
        if (rule.isPresent()) {
            Optional<ManifestRow> current = metadata.manifestByTag(repository, tag);
            if (current.isPresent() && !current.get().digest().equals(digest)) {
                throw immutable(repository, tag, rule.get(), current.get().digest());
            }
        }
        checkImageSize(repository, manifest);
        try {
            store.put(digest, body); // fsync outside the locks; a file left by a refusal below is collected by gc
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ManifestRow row = new ManifestRow(repository, digest, manifest.mediaType(), body.length, manifest.artifactType(),
                manifest.subject() == null ? null : manifest.subject().digest().toString(), clock.millis());
        RegistryEvent event = new RegistryEvent.ManifestPushed(events.newId(), clock.millis(), repository, actor, tag, digest,
                manifest.mediaType(), body.length);
        // Under the manifest's lock the file must still be there (gc may have taken an orphaned copy since the put).
        Metadata.PutOutcome outcome = metadata.putManifest(row, owner, refs, tag, rule.isPresent(), () -> {
            if (store.size(digest) != body.length) {
                store.put(digest, body);
            }
        }, h -> events.record(h, event));
        if (outcome.immutableTagAt() != null) {
            throw immutable(repository, tag, rule.orElseThrow(), outcome.immutableTagAt());
        }
        throwIfIncomplete(repository, outcome);
        events.committed();
        manifestCache.put(digest, body);
        return new PutResult(digest, manifest.subject());
    }

    /**
     * Refuses (403 DENIED) an image over {@code registry.max-image-size}: the distinct blobs it
     * stores, for an index those of all its images (docs/registry.md, "Size limits").
     */
    private void checkImageSize(String repository, Manifest manifest) {
        long max = limits.maxImageBytes();
        if (max < 0) {
            return;
        }
        Map<Digest, Long> blobs = new LinkedHashMap<>();
        manifest.blobs().stream().filter(d -> !d.foreign()).forEach(d -> blobs.put(d.digest(), d.size()));
        List<Digest> children = manifest.children().stream().map(Descriptor::digest).toList();
        long size = imageSizes.bytes(repository, blobs, children);
        if (size > max) {
            String what = children.isEmpty() ? "image of " + sizeText(size)
                    : "index of " + children.size() + " manifests with " + sizeText(size) + " of blobs";
            throw OciError.DENIED.with(what + " exceeds this registry's maximum image size of " + sizeText(max)
                    + "; make the image smaller or ask an admin to raise registry.max-image-size");
        }
    }

    private static List<Metadata.Ref> references(Manifest manifest) {
        List<Metadata.Ref> refs = new ArrayList<>();
        for (Descriptor d : manifest.blobs()) {
            if (!d.foreign()) {
                refs.add(new Metadata.Ref(d.digest(), d.size(), Metadata.Reference.BLOB));
            }
        }
        for (Descriptor d : manifest.children()) {
            refs.add(new Metadata.Ref(d.digest(), d.size(), Metadata.Reference.MANIFEST));
        }
        return refs;
    }

    /**
     * Stores a manifest that the pull-through cache fetched and verified against {@code digest},
     * under {@code tag} if not null. Unlike a push, its blobs need not be present: they are fetched
     * when a client asks for them. No event: a cache fill is not a push.
     */
    public ManifestRow cacheManifest(String repository, String tag, Digest digest, String contentType, byte[] body) {
        String owner = existingOwner(repository);
        Manifest manifest = Manifest.parse(body, contentType);
        try {
            store.put(digest, body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ManifestRow row = new ManifestRow(repository, digest, manifest.mediaType(), body.length, manifest.artifactType(),
                manifest.subject() == null ? null : manifest.subject().digest().toString(), clock.millis());
        metadata.putCachedManifest(row, owner, references(manifest), tag);
        manifestCache.put(digest, body);
        return row;
    }

    private static void throwIfIncomplete(String repository, Metadata.PutOutcome outcome) {
        if (!outcome.missingBlobs().isEmpty()) {
            throw OciError.MANIFEST_BLOB_UNKNOWN.with("blob " + outcome.missingBlobs().getFirst() + " is not in " + repository
                    + " (push it first)");
        }
        if (!outcome.missingManifests().isEmpty()) {
            throw OciError.MANIFEST_BLOB_UNKNOWN.with("manifest " + outcome.missingManifests().getFirst() + " is not in "
                    + repository + " (push the index's manifests first)");
        }
        if (!outcome.sizeMismatches().isEmpty()) {
            throw OciError.MANIFEST_INVALID.with("size mismatch: " + outcome.sizeMismatches().getFirst());
        }
    }

    private static RegistryException immutable(String repository, String tag, ImmutableRule rule, Digest current) {
        return OciError.DENIED.with("tag '" + tag + "' in " + repository + " is immutable by " + rule.describe()
                + " and points at " + current + "; push under a new tag");
    }

    /**
     * DELETE by digest removes the manifest (and its tags); by tag removes only the tag. Both are
     * refused while an immutable tag would go.
     */
    public void deleteManifest(String repository, String reference) {
        deleteManifest(repository, reference, null);
    }

    /**
     * DELETE by digest removes the manifest (and its tags); by tag removes only the tag. The
     * {@code manifest.deleted} or {@code tag.deleted} event (by {@code actor}) is written in the same transaction.
     */
    public void deleteManifest(String repository, String reference, String actor) {
        if (Digest.looksLikeDigest(reference)) {
            Digest digest = parseDigest(reference);
            var rules = immutableTags.rulesOf(repository);
            switch (metadata.deleteManifest(repository, digest, tag -> rules.apply(tag).isPresent(), false, (h, tags) -> events.record(h,
                    new RegistryEvent.ManifestDeleted(events.newId(), clock.millis(), repository, actor, digest, tags)))) {
                case Metadata.Deletion.Deleted deleted -> { }
                case Metadata.Deletion.Missing missing ->
                        throw OciError.MANIFEST_UNKNOWN.with("manifest " + digest + " is not in " + repository);
                // Deleting a child would break an index that still lists it (seed 001's orphaned index children).
                case Metadata.Deletion.InIndex(List<Digest> parents) ->
                        throw OciError.DENIED.with("manifest " + digest + " is part of index " + parents.getFirst()
                                + (parents.size() > 1 ? " and " + (parents.size() - 1) + " more" : "") + "; delete the index first");
                case Metadata.Deletion.ProtectedTag(String tag) ->
                        throw OciError.DENIED.with("manifest " + digest + " is tagged '" + tag + "', which is immutable by "
                                + rules.apply(tag).map(ImmutableRule::describe).orElse("a rule"));
                case Metadata.Deletion.InUse inUse -> throw new IllegalStateException("unexpected " + inUse);
            }
        } else {
            Names.checkTag(reference);
            Optional<ImmutableRule> rule = immutableTags.ruleFor(repository, reference);
            switch (metadata.deleteTag(repository, reference, null, rule.isPresent(), (h, digest) -> events.record(h,
                    new RegistryEvent.TagDeleted(events.newId(), clock.millis(), repository, actor, reference, digest)))) {
                case DELETED -> { }
                case MISSING, MOVED -> throw OciError.MANIFEST_UNKNOWN.with("tag '" + reference + "' is not in " + repository);
                case IMMUTABLE -> throw OciError.DENIED.with("tag '" + reference + "' in " + repository + " is immutable by "
                        + rule.orElseThrow().describe() + " and cannot be deleted");
            }
        }
        events.committed();
    }

    public List<String> tags(String repository, String last, int n) {
        if (metadata.repository(repository).isEmpty()) {
            throw OciError.NAME_UNKNOWN.with("repository '" + repository + "' does not exist");
        }
        return metadata.tags(repository, last, n);
    }

    public static Digest parseDigest(String text) {
        try {
            return Digest.parse(text);
        } catch (IllegalArgumentException e) {
            throw OciError.DIGEST_INVALID.with(e.getMessage());
        }
    }
}
