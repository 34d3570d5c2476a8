package dev.slipway.core;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** Random keys kept in files under {@code <data>/secrets}, created on first use with mode 0600. */
public final class KeyFile {
    private KeyFile() {}

    /** Reads the key in {@code file}, creating it with {@code bytes} random bytes if it does not exist. */
    public static byte[] loadOrCreate(Path file, int bytes) throws IOException {
        if (!Files.exists(file)) {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = dir.resolve(file.getFileName() + "." + Ids.randomHex(4));
            Files.write(tmp, Ids.randomBytes(bytes));
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            try {
                Files.move(tmp, file); // not REPLACE_EXISTING: a concurrent first start keeps one key
            } catch (FileAlreadyExistsException raced) {
                Files.deleteIfExists(tmp);
            }
        }
        byte[] key = Files.readAllBytes(file);
        if (key.length < bytes) {
            throw new IOException(file + " is shorter than " + bytes * 8 + " bits; delete it to have a new key generated");
        }
        return key;
    }
}
