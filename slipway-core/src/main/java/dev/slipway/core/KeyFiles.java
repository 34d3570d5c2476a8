package dev.slipway.core;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Random key files under {@code <data>/secrets}: created once, readable by the service user only.
 * Every key Slipway keeps on disk goes through here, so they agree on modes and on how a first
 * start that races another process (the server and a CLI command) ends with one key.
 */
public final class KeyFiles {
    private KeyFiles() {}

    /**
     * The key in {@code file}, created with {@code bytes} random bytes (mode 0600) if missing. The
     * directory is created, and kept, at mode 0700.
     */
    public static byte[] loadOrCreate(Path file, int bytes) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        privateDirectory(dir);
        if (!Files.exists(file)) {
            Path tmp = dir.resolve(file.getFileName() + "." + Ids.randomHex(4) + ".tmp");
            Files.write(tmp, Ids.randomBytes(bytes));
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            try {
                // A hard link fails atomically if the name exists, so a racing first start keeps one key.
                Files.createLink(file, tmp);
            } catch (FileAlreadyExistsException raced) {
                // the other process's key wins
            } finally {
                Files.deleteIfExists(tmp);
            }
        }
        byte[] key = Files.readAllBytes(file);
        if (key.length < bytes) {
            throw new IOException(file + " is shorter than " + bytes * 8 + " bits");
        }
        return key;
    }

    /** Creates {@code dir} and its parents if missing, and sets it to mode 0700. */
    public static void privateDirectory(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    }
}
