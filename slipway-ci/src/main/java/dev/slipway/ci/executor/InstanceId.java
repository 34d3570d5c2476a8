package dev.slipway.ci.executor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Tells one Slipway's containers and volumes from another's on the same Docker engine: it is part
 * of their names and their {@code slipway.instance} label, and eviction, recovery and cleanup only
 * ever look at their own instance's. One data directory is one instance: the id is generated once
 * and stored in {@code <data>/ci/instance-id}.
 */
public final class InstanceId {
    private static final java.util.regex.Pattern VALID = java.util.regex.Pattern.compile("[a-z0-9]{4,32}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private InstanceId() {}

    /** A new id: 8 lowercase hex digits. */
    public static String random() {
        byte[] b = new byte[4];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /** The id stored in {@code file}, created (atomically, once) if the file does not exist. */
    public static String load(Path file) throws IOException {
        if (!Files.exists(file)) {
            Files.createDirectories(file.getParent());
            Path tmp = Files.createTempFile(file.getParent(), ".instance-id", ".tmp");
            try {
                try (var out = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
                    out.write(java.nio.ByteBuffer.wrap((random() + "\n").getBytes(StandardCharsets.UTF_8)));
                    out.force(true); // a lost id would orphan this instance's containers
                }
                Files.createLink(file, tmp); // fails if another process created it first; then theirs counts
            } catch (FileAlreadyExistsException raced) {
                // read below
            } finally {
                Files.deleteIfExists(tmp);
            }
        }
        String id = Files.readString(file, StandardCharsets.UTF_8).trim();
        if (!VALID.matcher(id).matches()) {
            throw new IOException(file + " must hold 4 to 32 lowercase letters and digits (the instance id), got '" + id + "'");
        }
        return id;
    }

    static String check(String id) {
        if (id == null || !VALID.matcher(id).matches()) {
            throw new IllegalArgumentException("an instance id is 4 to 32 lowercase letters and digits, got '" + id + "'");
        }
        return id;
    }
}
