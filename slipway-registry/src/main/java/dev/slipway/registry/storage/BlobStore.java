package dev.slipway.registry.storage;

import dev.slipway.core.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.util.stream.Stream;

/**
 * Content-addressed bytes and the upload sessions that produce them. Knows nothing about
 * manifests, repositories or permissions (those live in the database); like distribution's
 * storage driver it is about bytes and names only, so an S3 implementation can follow.
 *
 * <p>Contract, checked by {@code BlobStoreContract} for every implementation:
 * <ul>
 *   <li>A blob becomes readable only once its bytes are complete, verified against its digest and
 *       durable; a crash at any instant leaves either no blob or the whole blob.</li>
 *   <li>Writing a blob that already exists is a no-op that succeeds.</li>
 *   <li>Uploads are appended to in order by one caller at a time per upload id; different ids are
 *       independent and may be written concurrently.</li>
 *   <li>Nothing is buffered whole in memory: blobs may be many gigabytes.</li>
 * </ul>
 */
public interface BlobStore {

    /** The size of a stored blob, or -1 if it is not stored. */
    long size(Digest digest) throws IOException;

    /** Streams a stored blob from {@code offset}. */
    InputStream open(Digest digest, long offset) throws IOException;

    /** Stores small content (manifests) whose digest the caller computed. */
    void put(Digest digest, byte[] content) throws IOException;

    /** Deletes a stored blob; returns false if it was not there. */
    boolean delete(Digest digest) throws IOException;

    /** Every stored blob's digest (for garbage collection and checks). */
    Stream<Digest> list() throws IOException;

    /** Starts an empty upload. */
    void createUpload(String uploadId) throws IOException;

    /** The number of bytes received so far, or -1 if there is no such upload. */
    long uploadSize(String uploadId) throws IOException;

    /**
     * Appends at most {@code limit} bytes of {@code in} (to its end otherwise) to the upload and
     * returns the new size. Throws {@link TooLargeException} past the limit, leaving the upload at
     * its previous size.
     */
    long append(String uploadId, InputStream in, long limit) throws IOException;

    /**
     * Reads an upload from its first byte while it may still be growing: a read at its current end
     * returns -1, and a later read returns the bytes an {@link #append} has added since. The
     * stream keeps reading the same bytes after the upload is published or removed (the
     * pull-through cache streams a blob to clients while fetching it from upstream).
     *
     * @throws java.nio.file.NoSuchFileException if there is no such upload
     */
    InputStream readUpload(String uploadId) throws IOException;

    /**
     * Verifies the upload against {@code expected}, makes it durable and visible as that blob, and
     * removes the upload. Throws {@link DigestMismatchException} (the upload is kept) when the
     * content does not match. The same as {@link #verify} then {@link #publish}.
     *
     * @return the blob's size
     */
    default long commit(String uploadId, Digest expected) throws IOException {
        long size = verify(uploadId, expected);
        publish(uploadId, expected);
        return size;
    }

    /**
     * The slow half of {@link #commit}: verifies the upload against {@code expected} and makes its
     * bytes durable, but does not make it visible. Throws {@link DigestMismatchException} (the
     * upload is kept) when the content does not match.
     *
     * @return the upload's size
     */
    long verify(String uploadId, Digest expected) throws IOException;

    /**
     * The quick half of {@link #commit}: makes an upload that {@link #verify} accepted (and that was
     * not appended to since) visible as {@code digest}, or discards it if that blob is already
     * stored, and removes the upload. Garbage collection needs this step ordered against its
     * deletions, so the registry calls it while holding the digest's lock (docs/gc.md).
     *
     * @throws IllegalStateException if the upload was not verified as {@code digest}
     */
    void publish(String uploadId, Digest digest) throws IOException;

    /** Removes an upload and its bytes; removing a missing upload is a no-op. */
    void deleteUpload(String uploadId) throws IOException;

    /** Upload ids present in the store (for cleanup of abandoned sessions). */
    Stream<String> uploads() throws IOException;

    final class DigestMismatchException extends IOException {
        private final Digest actual;

        public DigestMismatchException(Digest expected, Digest actual) {
            super("content digest " + actual + " does not match " + expected);
            this.actual = actual;
        }

        public Digest actual() { return actual; }
    }

    /** Reading the incoming content failed (the client sent less than it announced, or went away). */
    final class BodyReadException extends IOException {
        public BodyReadException(IOException cause) { super(cause.getMessage(), cause); }
    }

    final class TooLargeException extends IOException {
        public TooLargeException(String message) { super(message); }
    }
}
