package dev.slipway.server.cli;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * Finds the server that runs on a data directory, from the lock it holds on
 * {@code <data>/server.lock} (see HttpServer): commands whose work is better done inside that
 * server (garbage collection) ask it over HTTP instead of opening the database beside it.
 */
final class RunningServer {
    private RunningServer() {}

    /** The local URL of the server holding the data directory's lock, if one does. */
    static Optional<String> url(Path dataDir) {
        Path file = dataDir.resolve("server.lock");
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            FileLock probe;
            try {
                probe = ch.tryLock(0, Long.MAX_VALUE, true);
            } catch (OverlappingFileLockException sameProcess) {
                probe = null;
            }
            if (probe != null) {
                probe.release();
                return Optional.empty(); // nobody holds it: no server
            }
            return Files.readAllLines(file, StandardCharsets.UTF_8).stream().filter(l -> l.startsWith("url "))
                    .map(l -> l.substring(4).trim()).findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
