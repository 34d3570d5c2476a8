package dev.slipway.registry.storage;

import dev.slipway.core.Digest;
import dev.slipway.core.Ids;
import java.io.FileInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@link BlobStore} on a local filesystem.
 *
 * <p>Layout under the root:
 * <pre>
 * blobs/&lt;algorithm&gt;/&lt;first two hex&gt;/&lt;hex&gt;   committed content, never modified
 * uploads/&lt;upload id&gt;                        bytes received so far for one upload session
 * tmp/                                         small writes (manifests) before their rename
 * </pre>
 * A blob is written to a file outside {@code blobs/}, fsync'ed, renamed atomically into place and
 * its directory fsync'ed, so a crash leaves either no file at the final path or the whole file.
 * Files left in {@code uploads/} or {@code tmp/} by a crash are invisible and cleaned up later.
 *
 * <p>The running digest of each upload is kept in memory between appends so a chunked upload is
 * hashed once; after a restart (or for sha512) the upload file is re-read at commit.
 */
public final class FilesystemBlobStore implements BlobStore {
    private static final Pattern UPLOAD_ID = Pattern.compile("[a-zA-Z0-9-]{1,64}");
    private static final int BUFFER = 1 << 20;
    private static final long FLUSH_EVERY = 64L << 20;

    private final Path root;
    private final Path blobs;
    private final Path uploads;
    private final Path tmp;
    private final Map<String, HashState> hashes = new ConcurrentHashMap<>();
    private final Map<String, Writeback> writebacks = new ConcurrentHashMap<>();

    private record HashState(MessageDigest sha256, long size) {}

    /**
     * An upload's early write-back to disk, counted across appends so that chunked uploads get it
     * too (a PATCH is often smaller than FLUSH_EVERY). It runs on its own descriptor, so it may
     * outlive the request that started it; commit waits for it and fails if it failed, because
     * Linux reports a write-back error to one fsync only.
     */
    private static final class Writeback {
        long unflushed;
        CompletableFuture<Void> running = CompletableFuture.completedFuture(null);

        /** Starts an fdatasync of the file unless one is still running. */
        synchronized void start(Path path) {
            if (!running.isDone() || running.isCompletedExceptionally()) {
                return; // still busy, or failed: the failure is kept for commit
            }
            unflushed = 0;
            CompletableFuture<Void> f = new CompletableFuture<>();
            running = f;
            Thread.ofVirtual().name("blob-writeback").start(() -> {
                try (FileChannel ch = FileChannel.open(path, StandardOpenOption.WRITE)) {
                    ch.force(false);
                    f.complete(null);
                } catch (NoSuchFileException e) {
                    f.complete(null); // the upload was cancelled meanwhile
                } catch (IOException | RuntimeException e) {
                    f.completeExceptionally(e);
                }
            });
        }

        synchronized CompletableFuture<Void> running() {
            return running;
        }
    }

    /** Uploads that {@link #verify} accepted, so {@link #publish} cannot expose unverified bytes. */
    private final Map<String, Verified> verified = new ConcurrentHashMap<>();

    private record Verified(Digest digest, long size) {}

    public FilesystemBlobStore(Path root) throws IOException {
        this.root = root;
        this.blobs = Files.createDirectories(root.resolve("blobs"));
        this.uploads = Files.createDirectories(root.resolve("uploads"));
        this.tmp = Files.createDirectories(root.resolve("tmp"));
    }

    public Path root() {
        return root;
    }

    private Path blobPath(Digest d) {
        return blobs.resolve(d.algorithm()).resolve(d.hex().substring(0, 2)).resolve(d.hex());
    }

    private Path uploadPath(String id) {
        if (!UPLOAD_ID.matcher(id).matches()) {
            throw new IllegalArgumentException("invalid upload id");
        }
        return uploads.resolve(id);
    }

    @Override
    public long size(Digest digest) throws IOException {
        try {
            return Files.size(blobPath(digest));
        } catch (NoSuchFileException e) {
            return -1;
        }
    }

    @Override
    public InputStream open(Digest digest, long offset) throws IOException {
        // A plain FileInputStream: Channels.newChannel gives readers its FileChannel back, so the
        // blob GET can move bytes through a direct buffer without copies on the Java heap.
        Path path = blobPath(digest);
        FileInputStream in;
        try {
            in = new FileInputStream(path.toFile());
        } catch (FileNotFoundException e) {
            if (Files.notExists(path)) {
                throw new NoSuchFileException(path.toString()); // callers map this to BLOB_UNKNOWN
            }
            throw e;
        }
        try {
            in.getChannel().position(offset);
        } catch (IOException e) {
            in.close();
            throw e;
        }
        return in;
    }

    @Override
    public void put(Digest digest, byte[] content) throws IOException {
        Path target = blobPath(digest);
        if (Files.exists(target)) {
            return;
        }
        Digest actual = Digest.of(digest.algorithm(), content);
        if (!actual.equals(digest)) {
            throw new DigestMismatchException(digest, actual);
        }
        Path temp = tmp.resolve(Ids.randomHex(16));
        try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer buf = ByteBuffer.wrap(content);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        }
        publish(temp, target);
    }

    /** Renames a complete, synced file into its content-addressed place and syncs the directory. */
    private void publish(Path source, Path target) throws IOException {
        Path dir = Files.createDirectories(target.getParent());
        try {
            Files.move(source, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException e) {
            Files.deleteIfExists(source);
            return;
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("the blob store needs a filesystem with atomic rename: " + root, e);
        }
        fsyncDirectory(dir);
    }

    private static void fsyncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    @Override
    public boolean delete(Digest digest) throws IOException {
        return Files.deleteIfExists(blobPath(digest));
    }

    @Override
    public Stream<Digest> list() throws IOException {
        return Files.walk(blobs, 3).filter(Files::isRegularFile).map(p -> {
            String algorithm = blobs.relativize(p).getName(0).toString();
            try {
                return new Digest(algorithm, p.getFileName().toString());
            } catch (IllegalArgumentException e) {
                return null;
            }
        }).filter(d -> d != null);
    }

    @Override
    public void createUpload(String uploadId) throws IOException {
        Files.createFile(uploadPath(uploadId));
        hashes.put(uploadId, new HashState(Digest.newMessageDigest("sha256"), 0));
    }

    @Override
    public long uploadSize(String uploadId) throws IOException {
        try {
            return Files.size(uploadPath(uploadId));
        } catch (NoSuchFileException e) {
            return -1;
        }
    }

    @Override
    public long append(String uploadId, InputStream in, long limit) throws IOException {
        Path path = uploadPath(uploadId);
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.WRITE)) {
            long start = ch.size();
            verified.remove(uploadId);
            HashState state = hashes.remove(uploadId);
            MessageDigest md = state != null && state.size() == start ? state.sha256() : null;
            ch.position(start);
            byte[] buf = new byte[BUFFER];
            ByteBuffer bb = ByteBuffer.wrap(buf);
            long written = 0;
            Writeback wb = writebacks.computeIfAbsent(uploadId, id -> new Writeback());
            try {
                int n;
                while ((n = readBody(in, buf)) > 0) {
                    written += n;
                    if (written > limit) {
                        throw new TooLargeException("upload exceeds the limit of " + limit + " bytes");
                    }
                    if (md != null) {
                        md.update(buf, 0, n);
                    }
                    bb.clear().limit(n);
                    while (bb.hasRemaining()) {
                        ch.write(bb);
                    }
                    // Write back to disk while receiving, so the fsync at commit has little left to do.
                    wb.unflushed += n;
                    if (wb.unflushed >= FLUSH_EVERY) {
                        wb.start(path);
                    }
                }
            } catch (IOException | RuntimeException e) {
                ch.truncate(start); // a failed append changes nothing
                throw e;
            }
            // And between requests: the disk works while the client sends the next chunk.
            if (wb.unflushed > 0) {
                wb.start(path);
            }
            long size = start + written;
            if (md != null) {
                hashes.put(uploadId, new HashState(md, size));
            }
            return size;
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException("no upload " + uploadId);
        }
    }

    @Override
    public InputStream readUpload(String uploadId) throws IOException {
        // A FileChannel reads at its own position: at the end it answers -1, and later reads see what
        // appends added. Publishing renames the file, which an open channel does not notice.
        return java.nio.channels.Channels.newInputStream(FileChannel.open(uploadPath(uploadId), StandardOpenOption.READ));
    }

    @Override
    public long verify(String uploadId, Digest expected) throws IOException {
        Path path = uploadPath(uploadId);
        awaitWriteback(uploadId);
        long size = Files.size(path);
        HashState state = hashes.get(uploadId);
        Digest actual;
        if (expected.algorithm().equals("sha256") && state != null && state.size() == size) {
            actual = Digest.fromMessageDigest("sha256", (MessageDigest) cloneDigest(state.sha256()));
        } else {
            actual = hashFile(path, expected.algorithm());
        }
        if (!actual.equals(expected)) {
            throw new DigestMismatchException(expected, actual);
        }
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        verified.put(uploadId, new Verified(expected, size));
        return size;
    }

    @Override
    public void publish(String uploadId, Digest digest) throws IOException {
        Path path = uploadPath(uploadId);
        Verified v = verified.get(uploadId);
        if (v == null || !v.digest().equals(digest) || Files.size(path) != v.size()) {
            throw new IllegalStateException("upload " + uploadId + " was not verified as " + digest);
        }
        publish(path, blobPath(digest));
        verified.remove(uploadId);
        hashes.remove(uploadId);
    }

    /** Reads the next piece of the request body; failures are the client's, not the disk's. */
    /**
     * Fills {@code buf} with what the body has: blocks for the first bytes, then takes more only
     * while they are already buffered, so bytes reach the file (and readers of a growing upload,
     * see {@link #readUpload}) as they arrive rather than a whole buffer later. 0 at the end.
     */
    private static int readBody(InputStream in, byte[] buf) throws BodyReadException {
        try {
            int n = in.read(buf, 0, buf.length);
            if (n < 0) {
                return 0;
            }
            while (n < buf.length && in.available() > 0) {
                int m = in.read(buf, n, buf.length - n);
                if (m < 0) {
                    break;
                }
                n += m;
            }
            return n;
        } catch (IOException e) {
            throw new BodyReadException(e);
        }
    }

    /** Waits for the upload's early write-back; its I/O error is the commit's error. */
    private void awaitWriteback(String uploadId) throws IOException {
        Writeback wb = writebacks.remove(uploadId);
        if (wb == null) {
            return;
        }
        try {
            wb.running().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while waiting for the upload's write-back");
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException("write-back failed", e.getCause());
        }
    }

    private static Object cloneDigest(MessageDigest md) {
        try {
            return md.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Digest hashFile(Path path, String algorithm) throws IOException {
        MessageDigest md = Digest.newMessageDigest(algorithm);
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            ByteBuffer buf = ByteBuffer.allocate(BUFFER);
            while (ch.read(buf) > 0) {
                buf.flip();
                md.update(buf);
                buf.clear();
            }
        }
        return Digest.fromMessageDigest(algorithm, md);
    }

    @Override
    public void deleteUpload(String uploadId) throws IOException {
        hashes.remove(uploadId);
        writebacks.remove(uploadId);
        verified.remove(uploadId);
        Files.deleteIfExists(uploadPath(uploadId));
    }

    @Override
    public Stream<String> uploads() throws IOException {
        try (Stream<Path> s = Files.list(uploads)) {
            // Only names an upload id can have: a stranger's file here is not ours to touch.
            return s.map(p -> p.getFileName().toString()).filter(n -> UPLOAD_ID.matcher(n).matches()).toList().stream();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
